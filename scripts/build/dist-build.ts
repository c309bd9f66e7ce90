/**
 * Builds dist/ (prisma generate, then tsc) and records what it was built from,
 * so `npm start`, `npm run worker` and `check:reload` skip a build whose
 * inputs have not changed (it costs about a minute on a loaded machine).
 *
 * The record is a content hash, not mtimes: a `git checkout` back and forth,
 * a copied tree or a clock change cannot fool it, and hashing the ~150 input
 * files takes milliseconds. It is taken after the build, so files the build
 * itself writes (the generated Prisma client) are part of it. Migrations are
 * not an input: the processes read prisma/migrations/ at run time.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Computed here rather than imported: this runs before every start, so it loads nothing it does not need. */
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const STAMP = path.join('dist', '.build-stamp.json');
/** What the processes run; if one is missing the build is not current whatever the stamp says. */
const OUTPUTS = ['dist/index.js', 'dist/worker.js', 'dist/instrument.js'];
const INPUT_FILES = ['prisma/schema.prisma', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function filesUnder(root: string, relativeDir: string): string[] {
  const dir = path.join(root, relativeDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/** sha256 over every input's path and content, in a stable order. */
export function buildInputsHash(root = projectRoot): string {
  const hash = createHash('sha256');
  const files = [...filesUnder(root, 'src'), ...INPUT_FILES.filter((file) => existsSync(path.join(root, file)))].sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

interface Stamp {
  inputs: string;
  builtAt: string;
}

function readStamp(root: string): Stamp | undefined {
  try {
    return JSON.parse(readFileSync(path.join(root, STAMP), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

/** Why dist/ must be rebuilt, or undefined when it is current. */
export function staleReason(root = projectRoot): string | undefined {
  const missing = OUTPUTS.find((file) => !existsSync(path.join(root, file)));
  if (missing) return `${missing} is missing`;
  const stamp = readStamp(root);
  if (!stamp) return 'dist/ has no build stamp';
  if (stamp.inputs !== buildInputsHash(root)) return 'sources, schema or dependencies changed since the last build';
  return undefined;
}

/** Records that dist/ under `root` was built from the inputs as they are now. */
export function writeBuildStamp(root = projectRoot, now = new Date()): void {
  const stamp: Stamp = { inputs: buildInputsHash(root), builtAt: now.toISOString() };
  writeFileSync(path.join(root, STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${[command, ...args].join(' ')} failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}

export async function buildDist(log: (line: string) => void): Promise<void> {
  log('prisma generate');
  await run('npm', ['run', 'prisma:generate', '--silent']);
  log('tsc -p tsconfig.build.json');
  await run(process.execPath, [path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  writeBuildStamp();
}

export interface BuildIfStaleOptions {
  log: (line: string) => void;
}

/** Builds only when dist/ is not current; says which it did. */
export async function buildIfStale({ log }: BuildIfStaleOptions): Promise<'built' | 'current'> {
  const reason = staleReason();
  if (reason === undefined) {
    log(`dist/ is current (built ${readStamp(projectRoot)?.builtAt}); skipping the build`);
    return 'current';
  }
  log(`building dist/: ${reason}`);
  await buildDist(log);
  return 'built';
}
