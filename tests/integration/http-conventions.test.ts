/**
 * HTTP conventions of the API, over real HTTP against the composed API on a
 * real database: request ids, one request log line without query strings,
 * security headers, JSON for every answer (OPTIONS, 404, undecodable paths and
 * Node's own 400/431), and the request duration histogram.
 */
import net from 'node:net';
import { composeApi, type ComposedApi } from '../../src/api/compose-api.js';
import { loadConfig } from '../../src/config.js';
import { noopReporter } from '../../src/observability/error-reporter.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';
import { waitFor } from '../helpers/wait-for.js';

let database: TestDatabase;
let api: ComposedApi;
let log: CapturedLog;
let base: string;

/** Sends raw bytes and returns everything the server answers before it closes the connection. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(request);
  });
}

function jsonBodyOf(rawResponse: string): unknown {
  return JSON.parse(rawResponse.slice(rawResponse.indexOf('\r\n\r\n') + 4));
}

const requestLines = () => log.lines.filter((line) => line.msg === 'request completed');

beforeAll(async () => {
  database = await createTestDatabase();
  log = captureLog('debug');
  api = await composeApi(
    loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug' }),
    log.logger,
    noopReporter,
  );
  base = `http://127.0.0.1:${api.address.port}`;
  await api.database.db.company.create({ data: { id: 962302, title: 'Salon' } });
});
afterAll(async () => {
  await api?.shutdown('test end');
  await database?.drop();
});

describe('request ids', () => {
  test('when a request carries a plain x-request-id, then the answer and the log line carry the same id', async () => {
    const response = await fetch(`${base}/health`, { headers: { 'x-request-id': 'lb-7f3a.91:2' } });
    expect(response.headers.get('x-request-id')).toBe('lb-7f3a.91:2');
    await waitFor(() => requestLines().some((line) => line.requestId === 'lb-7f3a.91:2'));
  });

  test('when a request has no id or one with spaces or newlines, then a fresh UUID is used instead', async () => {
    const none = await fetch(`${base}/health`);
    const forged = await fetch(`${base}/health`, { headers: { 'x-request-id': 'a b {"level":60}' } });
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(none.headers.get('x-request-id')).toMatch(uuid);
    expect(forged.headers.get('x-request-id')).toMatch(uuid);
    expect(none.headers.get('x-request-id')).not.toBe(forged.headers.get('x-request-id'));
  });
});

describe('request log', () => {
  test('when a catalogue route is called with a query string, then one line names the route template, status and duration, and no query value is logged', async () => {
    const response = await fetch(`${base}/api/companies/962302/services?categoryId=79991234567`, { headers: { 'x-request-id': 'log-test-1' } });
    expect(response.status).toBe(400);
    await waitFor(() => requestLines().some((line) => line.requestId === 'log-test-1'));
    const line = requestLines().find((entry) => entry.requestId === 'log-test-1')!;
    expect(line).toMatchObject({ method: 'GET', route: '/api/companies/:companyId/services', status: 400, level: 30 });
    expect(typeof line.durationMs).toBe('number');
    expect(log.text()).not.toContain('79991234567');
    expect(log.text()).not.toContain('categoryId');
  });

  test('when a health probe is answered, then its line is at debug level, not info', async () => {
    await fetch(`${base}/health`, { headers: { 'x-request-id': 'probe-1' } });
    await waitFor(() => requestLines().some((line) => line.requestId === 'probe-1'));
    expect(requestLines().find((line) => line.requestId === 'probe-1')).toMatchObject({ level: 20, route: '/health', status: 200 });
  });
});

describe('security headers', () => {
  test('when any route answers, then helmet headers are set and Express is not named', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

describe('JSON for every answer', () => {
  test('when OPTIONS asks about a route, then it answers 200 JSON with the allowed methods and an Allow header', async () => {
    const response = await fetch(`${base}/api/companies/962302/staff`, { method: 'OPTIONS' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(await response.json()).toEqual({ allow: ['GET', 'HEAD', 'OPTIONS'] });
  });

  test('when OPTIONS asks about a path no route serves, then it answers the JSON 404', async () => {
    const response = await fetch(`${base}/no/such/path`, { method: 'OPTIONS' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route', retryable: false } });
  });

  test('when a path cannot be percent-decoded, then it answers 400 JSON saying so', async () => {
    const response = await fetch(`${base}/api/companies/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'VALIDATION_ERROR', message: 'the request path cannot be decoded', retryable: false } });
  });

  test('when the request is not valid HTTP, then Node answers 400 in JSON and closes the connection', async () => {
    const answer = await rawExchange(api.address.port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toMatch(/\r\nContent-Type: application\/json; charset=utf-8\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/);
    expect(jsonBodyOf(answer)).toEqual({ error: { code: 'BAD_REQUEST', message: 'the request is not valid HTTP', retryable: false } });
  });

  test('when the request headers are larger than Node accepts, then the 431 answer is JSON', async () => {
    const answer = await rawExchange(api.address.port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(jsonBodyOf(answer)).toEqual({
      error: { code: 'HEADERS_TOO_LARGE', message: 'the request headers are larger than the server accepts', retryable: false },
    });
  });
});

describe('HTTP request duration histogram', () => {
  test('when routes answer 200, 404 and 400, then durations are counted by method, route template and status class, never by raw path', async () => {
    await fetch(`${base}/api/companies/962302`);
    await fetch(`${base}/api/companies/962302`);
    await fetch(`${base}/api/companies/abc`);
    await fetch(`${base}/random/79991234567`);
    const body = await (await fetch(`${base}/metrics`)).text();
    const count = (labels: string) => {
      const line = body.split('\n').find((entry) => entry.startsWith(`ai_admin_data_http_request_duration_seconds_count{${labels}} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    };
    expect(count('method="GET",route="/api/companies/:companyId",status_class="2xx"')).toBe(2);
    expect(count('method="GET",route="/api/companies/:companyId",status_class="4xx"')).toBe(1);
    expect(count('method="GET",route="unmatched",status_class="4xx"')).toBeGreaterThanOrEqual(1);
    expect(body).not.toContain('962302');
    expect(body).not.toContain('79991234567');
  });
});
