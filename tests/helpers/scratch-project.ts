/**
 * A throwaway copy of this project in a temp folder, for tests that must edit
 * the schema and run the project's own npm scripts (migrate, typecheck) the way
 * a developer does, without touching the checkout. Sources are copied;
 * node_modules is a symlink to the checkout's (nothing the tests run writes there).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/db/migrations.js';

const run = promisify(execFile);

// Everything `npm run typecheck` covers, plus what the npm scripts read.
const COPIED = ['package.json', 'tsconfig.json', 'prisma.config.ts', 'prisma', 'src', 'scripts', 'bench', 'tests'];

export interface ScratchProject {
  root: string;
  /** Replaces `search` in a file of the copy (throws when it is not there, so a stale test fails loudly). */
  edit(file: string, search: string, replacement: string): void;
  write(file: string, text: string): void;
  /** `npm run <script> [-- args]` in the copy; resolves with its output, rejects with it on a non-zero exit. */
  npm(script: string, args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }>;
  /** `node <args>` in the copy, same environment rules as npm(). */
  node(args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }>;
  remove(): void;
}

/** The environment of a command in the copy: ours without a database URL (each test says which it means). */
function scratchEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, DIRECT_DATABASE_URL: _direct, ...inherited } = process.env;
  return { ...inherited, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1', ...env };
}

/** A failed command's error carries both streams in its message (tsc reports on stdout). */
async function withOutput<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${(error as Error).message.split('\n')[0]}\n${stdout}\n${stderr}`.trim(), { cause: error });
  }
}

export function createScratchProject(): ScratchProject {
  const root = mkdtempSync(path.join(tmpdir(), 'ai-admin-data-scratch-'));
  for (const entry of COPIED) {
    cpSync(path.join(projectRoot, entry), path.join(root, entry), {
      recursive: true,
      // The copy generates its own client and table specs.
      filter: (source) => !source.startsWith(path.join(projectRoot, 'src', 'generated')),
    });
  }
  symlinkSync(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return {
    root,
    edit(file, search, replacement) {
      const target = path.join(root, file);
      const text = readFileSync(target, 'utf8');
      if (!text.includes(search)) throw new Error(`${file} of the scratch copy has no ${JSON.stringify(search)}`);
      writeFileSync(target, text.replace(search, replacement));
    },
    write(file, text) {
      writeFileSync(path.join(root, file), text);
    },
    npm: (script, args, env) =>
      withOutput(run('npm', ['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])], { cwd: root, env: scratchEnv(env), maxBuffer: 16 * 1024 * 1024 })),
    node: (args, env) => withOutput(run(process.execPath, args, { cwd: root, env: scratchEnv(env), maxBuffer: 16 * 1024 * 1024 })),
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
