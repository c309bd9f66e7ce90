import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { runAdminSql } from '../../src/db/admin-sql.js';
import { loadConfig } from '../../src/config.js';
import { composeApi, type ComposedApi } from '../../src/api/compose-api.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { ErrorReporter } from '../../src/observability/error-reporter.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { throwIfTestTimedOut } from '../helpers/settle-timed-out-tests.js';

/** Hundreds of requests, some of them megabytes (and a 20 MB gzip bomb) each: on a loaded machine they need room (a bound, not a speed check). */
const HTTP_FUZZ_TEST_TIMEOUT_MS = 600_000;

interface RawResponse {
  status: number;
  body: string;
}

/** Raw HTTP so the test controls every byte (invalid UTF-8, odd paths, lying headers). */
function send(port: number, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method, path, headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...headers }, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}


const HOSTILE = [
  "' OR 1=1; --",
  "'; DROP TABLE clients; --",
  '1; SELECT pg_sleep(10)',
  "$$; DELETE FROM whatsapp_keys; $$",
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '<script>alert(1)</script>',
  '{"$where": "1"}',
  '__proto__',
  'constructor',
  '🙂'.repeat(50),
  '\ud800',
  'A'.repeat(5000),
  '+7 (999) 123-45-67',
  'NaN',
  '-1e309',
];
const ROUTES = [
  '/health',
  '/health/ready',
  '/health/whatsapp',
  '/metrics',
  '/health/whatsapp/x',
  '/data',
  '/',
  // The read-only catalogue: random text lands in its ids and query strings.
  '/api/companies',
  '/api/companies/1',
  '/api/companies/1/services',
  '/api/companies/1/staff',
  '/api/companies/1/staff/1/schedules',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

describe('HTTP routes under hostile input', () => {
  let database: TestDatabase;
  let api: ComposedApi;
  let port: number;
  const reported: unknown[] = [];
  const reporter: ErrorReporter = { report: (error) => void reported.push(error) };

  const tableCounts = async () =>
    (
      await runAdminSql<{ name: string; rows: string }>(
        database.url,
        `SELECT 'clients' AS name, count(*)::text AS rows FROM clients UNION ALL SELECT 'whatsapp_keys', count(*)::text FROM whatsapp_keys
         UNION ALL SELECT 'companies', count(*)::text FROM companies UNION ALL SELECT 'dialog_contexts', count(*)::text FROM dialog_contexts`,
      )
    ).rows;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    api = await composeApi(config, silentLogger, reporter, {
      flushReporter: async () => true,
    });
    port = api.address.port;
  });
  afterAll(async () => {
    await api.shutdown('test end');
    await database.drop();
  });

  test('when bodies are malformed, huge, mis-encoded or lie about their type, then every answer is a 4xx or a normal answer, never a 5xx', async () => {
    const before = await tableCounts();
    const cases: Array<[string, Buffer, Record<string, string>]> = [
      ['truncated JSON', Buffer.from('{"phone": "7999'), { 'content-type': 'application/json' }],
      ['invalid UTF-8 in JSON', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]), { 'content-type': 'application/json' }],
      ['lone surrogate escape', Buffer.from('{"a":"\\ud800"}'), { 'content-type': 'application/json' }],
      ['huge payload', Buffer.from(JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) })), { 'content-type': 'application/json' }],
      ['deep nesting', Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)), { 'content-type': 'application/json' }],
      ['wrong types', Buffer.from('[1, null, true, {"__proto__": {"polluted": 1}}]'), { 'content-type': 'application/json' }],
      ['unknown charset', Buffer.from('{}'), { 'content-type': 'application/json; charset=klingon' }],
      ['lying length', Buffer.from('{}'), { 'content-type': 'application/json', 'content-length': '1' }],
      ['garbage gzip', Buffer.from('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
      ['gzip bomb', gzipSync(Buffer.from(`{"a":"${'0'.repeat(20 * 1024 * 1024)}"}`)), { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
      ['unknown encoding', Buffer.from('{}'), { 'content-type': 'application/json', 'content-encoding': 'br2' }],
      ['SQL as JSON', Buffer.from(JSON.stringify({ phone: "' OR 1=1; --", sessionId: "'; DROP TABLE whatsapp_keys; --" })), { 'content-type': 'application/json' }],
      ['form body', Buffer.from('a=1&b=%ZZ'), { 'content-type': 'application/x-www-form-urlencoded' }],
    ];
    for (const route of ROUTES) {
      for (const method of ['POST', 'PUT', 'GET']) {
        for (const [name, body, headers] of cases) {
          throwIfTestTimedOut();
          const response = await send(port, method, route, body, headers).catch((error: Error) => ({ status: -1, body: error.message }));
          // -1: the server may cut a connection whose body lies about its length; that is not a 5xx.
          expect({ name, method, route, status: response.status < 500 }).toEqual({ name, method, route, status: true });
        }
      }
    }
    expect(await tableCounts()).toEqual(before);
    expect(reported).toEqual([]);
  }, HTTP_FUZZ_TEST_TIMEOUT_MS);

  test('when paths, query strings and headers carry random and hostile strings, then nothing answers 5xx and the service stays up', async () => {
    const before = await tableCounts();
    const rng = seededRandom(20261129);
    for (let i = 0; i < 400; i += 1) {
      throwIfTestTimedOut();
      const hostile = rng.pick(HOSTILE);
      const randomText = Array.from({ length: rng.int(40) }, () => String.fromCharCode(rng.int(0xffff))).join('');
      const value = rng.next() < 0.5 ? hostile : randomText;
      const encoded = encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '?'));
      const path = rng.pick([
        `${rng.pick(ROUTES)}?sessionId=${encoded}&limit=${rng.pick(['-1', '1e99', 'abc', '[]'])}`,
        `/health/${encoded}`,
        `/${rng.pick(['%ff', '%E0%A4%A', '%00', '%2e%2e%2f', '..%c0%af'])}${encoded.slice(0, 50)}`,
        `${rng.pick(ROUTES)}/${encoded.slice(0, 200)}`,
      ]);
      const response = await send(port, rng.pick(METHODS), path, undefined, {
        'x-request-id': value.replace(/[^\x20-\x7e]/g, '').slice(0, 200) || 'x',
        accept: rng.pick(['*/*', 'text/html', 'application/json', 'garbage']),
      });
      expect({ case: i, path, status: response.status < 500 }).toEqual({ case: i, path, status: true });
    }
    expect((await send(port, 'GET', '/health')).status).toBe(200);
    expect((await send(port, 'GET', '/health/ready')).status).toBe(200);
    expect(await tableCounts()).toEqual(before);
    expect(reported).toEqual([]);
  }, HTTP_FUZZ_TEST_TIMEOUT_MS);

  test('when the body is rejected, then the answer is a JSON validation error without echoing the input', async () => {
    const response = await send(port, 'POST', '/health', Buffer.from(`{"phone": "79991234567", "x": ${"'".repeat(10)}`), { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'VALIDATION_ERROR', message: 'request body is not valid JSON', retryable: false } });
    expect(response.body).not.toContain('79991234567');
  });
});
