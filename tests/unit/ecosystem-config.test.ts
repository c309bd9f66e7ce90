import { createRequire } from 'node:module';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { loadConfig } from '../../src/config.js';

interface PmApp {
  name: string;
  script: string;
  node_args: string;
  kill_timeout: number;
  instances: number;
  exec_mode: string;
  wait_ready?: boolean;
  listen_timeout?: number;
  kill_signal?: string;
}

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const ecosystem = require(path.join(root, 'ecosystem.config.cjs')) as {
  apps: PmApp[];
  deploy: { production: { 'post-deploy': string } };
};

describe('ecosystem.config.cjs', () => {
  test('when PM2 reads it, then the API and the worker are separate apps started with source maps and the instrument file first', () => {
    const byName = Object.fromEntries(ecosystem.apps.map((app) => [app.name, app]));
    const nodeArgs = '--enable-source-maps --import ./dist/instrument.js';
    expect(byName['ai-admin-data-api']).toMatchObject({ script: 'dist/index.js', node_args: nodeArgs });
    expect(byName['ai-admin-data-worker']).toMatchObject({ script: 'dist/worker.js', node_args: nodeArgs, exec_mode: 'fork', instances: 1 });
    // The entry files exist in source form; `npm run build` puts them in dist/.
    expect(existsSync(path.join(root, 'src', 'index.ts'))).toBe(true);
    expect(existsSync(path.join(root, 'src', 'worker.ts'))).toBe(true);
  });

  test('when the API is reloaded, then two cluster instances are replaced one at a time, each new one only after it says it is ready', () => {
    const api = ecosystem.apps.find((app) => app.name === 'ai-admin-data-api')!;
    expect(api).toMatchObject({ exec_mode: 'cluster', instances: 2, wait_ready: true });
    expect(api.listen_timeout).toBeGreaterThanOrEqual(30_000);
    // PM2 has no kill_signal option: it always sends SIGINT, which the service handles like SIGTERM.
    for (const app of ecosystem.apps) expect(app.kill_signal).toBeUndefined();
  });

  test('when a process is stopped, then PM2 waits longer than the whole production graceful shutdown before killing it', () => {
    const config = loadConfig({ NODE_ENV: 'production' });
    const shutdownBudget = config.SHUTDOWN_READINESS_DELAY_MS + config.SHUTDOWN_TIMEOUT_MS + config.SENTRY_FLUSH_TIMEOUT_MS;
    for (const app of ecosystem.apps) expect(app.kill_timeout).toBeGreaterThan(shutdownBudget);
  });

  test('when a release is deployed, then migrations are applied before the processes restart', () => {
    const steps = ecosystem.deploy.production['post-deploy'];
    expect(steps.indexOf('npm run db:deploy')).toBeGreaterThan(-1);
    expect(steps.indexOf('npm run db:deploy')).toBeLessThan(steps.indexOf('pm2 startOrReload'));
  });
});
