/**
 * What src/instrument.ts sets up in a real process, with and without
 * SENTRY_DSN. Without it the SDK (@sentry/node and its OpenTelemetry
 * instrumentation) must not even be loaded, and reporting and flushing must
 * still be harmless; with it, a failure reported through the application's
 * reporter must reach Sentry (a local endpoint here) with its tags.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { projectRoot } from '../../src/db/migrations.js';

interface ProbeRun {
  code: number | null;
  output: string;
  /** The probe's JSON line. */
  result: { client: boolean; flushed: boolean } | undefined;
  /** URLs of every module the process loaded. */
  modules: string[];
}

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'sentry-startup-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function runProbe(env: Record<string, string>, name: string): Promise<ProbeRun> {
  const moduleLog = path.join(folder, `${name}.modules`);
  const args = ['--import', './tests/helpers/module-log/register.mjs', '--import', 'tsx', '--import', './src/instrument.ts', 'tests/helpers/sentry-probe.ts'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', MODULE_LOG: moduleLog, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.split('\n').find((text) => text.startsWith('{"client"'));
      let modules: string[] = [];
      try {
        modules = readFileSync(moduleLog, 'utf8').split('\n').filter(Boolean);
      } catch {
        /* no module log: asserted below through modules being empty */
      }
      resolve({ code, output, result: line ? (JSON.parse(line) as ProbeRun['result']) : undefined, modules });
    });
  });
}

/** Each test starts a TypeScript process (tsx) and, with a DSN, the whole SDK: minutes on a loaded machine. */
const PROCESS_TEST_TIMEOUT_MS = 300_000;

const loadedPackage = (modules: string[], name: string) => modules.some((url) => url.includes(`/node_modules/${name}/`));

describe('Sentry start-up', () => {
  test('when SENTRY_DSN is empty, then the process never loads @sentry/node or OpenTelemetry, has no client, and reporting and flushing are no-ops', async () => {
    const run = await runProbe({ SENTRY_DSN: '' }, 'no-dsn');
    expect(run.code).toBe(0);
    expect(run.result).toEqual({ client: false, flushed: false });
    // The log works: the probe's own imports are in it.
    expect(loadedPackage(run.modules, '@sentry/core')).toBe(true);
    expect(loadedPackage(run.modules, '@sentry/node')).toBe(false);
    expect(loadedPackage(run.modules, '@sentry/opentelemetry')).toBe(false);
    expect(run.modules.some((url) => url.includes('/node_modules/@opentelemetry/'))).toBe(false);
  }, PROCESS_TEST_TIMEOUT_MS);

  test('when SENTRY_DSN is set, then the SDK is initialised before the entry point and a reported failure reaches Sentry with its tags', async () => {
    const envelopes: string[] = [];
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        envelopes.push((request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const run = await runProbe({ SENTRY_DSN: `http://public@127.0.0.1:${port}/1` }, 'with-dsn');
      expect(run.code).toBe(0);
      expect(run.result).toEqual({ client: true, flushed: true });
      expect(loadedPackage(run.modules, '@sentry/node')).toBe(true);
      const events = envelopes.join('\n').split('\n').filter((line) => line.includes('"exception"'));
      expect(events).toHaveLength(1);
      const event = JSON.parse(events[0] as string) as { tags?: Record<string, string> };
      expect(event.tags).toMatchObject({ component: 'database', operation: 'findOne', model: 'Client', backend: 'postgres', error_code: 'TIMEOUT' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, PROCESS_TEST_TIMEOUT_MS);
});
