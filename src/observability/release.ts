/**
 * The release Sentry files events under: SENTRY_RELEASE when the deploy sets
 * it; else the git commit of the checkout the process runs from (the value
 * `sentry-cli releases propose-version` gives, so source maps uploaded under
 * it match); else `ai-admin-data@<package version>` (a copy without git).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { packageVersion } from './package-info.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** HEAD's commit, or undefined where there is no git or no repository. */
export function gitCommit(cwd: string = projectRoot): string | undefined {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

export function sentryRelease(configured: string | undefined, cwd: string = projectRoot): string {
  return configured ?? gitCommit(cwd) ?? `ai-admin-data@${packageVersion()}`;
}
