/**
 * The real @sentry/node SDK against a local HTTP endpoint: what a database
 * failure looks like when it reaches Sentry (tags, context) and what must
 * never be in it (phone digits, row values echoed by PostgreSQL, connection strings).
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import * as Sentry from '@sentry/node';
import { sentryOptions } from '../../src/observability/sentry-options.js';
import { sentryReporter } from '../../src/observability/error-reporter.js';
import { createTestStack, type TestStack } from '../helpers/test-stack.js';
import { TestClientRepository, TestCompanyRepository } from '../helpers/test-repositories.js';
import { createDataLayer } from '../../src/data-layer/index.js';
import { usePostgresAuthState } from '../../src/whatsapp/auth-state.js';

interface SentryEvent {
  event_id: string;
  release?: string;
  level?: string;
  tags?: Record<string, string>;
  contexts?: Record<string, Record<string, unknown>>;
  exception?: { values?: { type?: string; value?: string }[] };
}

const PHONE = '79991234567';
const received: { raw: string; events: SentryEvent[] }[] = [];
let server: http.Server;
let stack: TestStack;

function parseEnvelope(body: string): SentryEvent[] {
  const lines = body.split('\n').filter((line) => line.length > 0);
  const events: SentryEvent[] = [];
  for (let index = 1; index < lines.length; index += 2) {
    const header = JSON.parse(lines[index] as string) as { type?: string };
    if (header.type === 'event') events.push(JSON.parse(lines[index + 1] as string) as SentryEvent);
  }
  return events;
}

async function eventsAfter(action: () => Promise<unknown>): Promise<{ raw: string; events: SentryEvent[] }> {
  const from = received.length;
  await action();
  // flush resolves false if the transport did not finish: then the batch would be incomplete.
  expect(await Sentry.flush(30_000)).toBe(true);
  const batch = received.slice(from);
  return { raw: batch.map((entry) => entry.raw).join('\n'), events: batch.flatMap((entry) => entry.events) };
}

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const raw = body.toString('utf8');
      received.push({ raw, events: parseEnvelope(raw) });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Sentry.init({
    ...sentryOptions({ dsn: `http://public@127.0.0.1:${port}/1`, environment: 'test', release: 'ai-admin-data@0.0.0-test', tracesSampleRate: 0 }),
    // Auto-instrumentation is not under test and does not load under Jest's VM modules.
    defaultIntegrations: false,
  });
  stack = await createTestStack({ reporter: sentryReporter });
  await new TestCompanyRepository(stack.db).upsert({ id: 1, title: 'Salon' }, ['id']);
});

afterAll(async () => {
  await stack?.close();
  await Sentry.close(2_000);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('database errors in Sentry', () => {
  test('when a model operation hits a unique violation, then one warning event carries the database tags and no phone digits', async () => {
    await stack.db.client.create({ data: { companyId: 1, phone: PHONE } });
    const { raw, events } = await eventsAfter(() => stack.db.client.create({ data: { companyId: 1, phone: PHONE } }).catch(() => undefined));
    expect(events).toHaveLength(1);
    const [event] = events as [SentryEvent];
    expect(event.level).toBe('warning');
    expect(event.release).toBe('ai-admin-data@0.0.0-test');
    expect(event.tags).toMatchObject({
      component: 'database',
      operation: 'create',
      model: 'Client',
      backend: 'postgres',
      error_code: 'UNIQUE_VIOLATION',
      prisma_code: 'P2002',
      sqlstate: '23505',
      retryable: 'false',
    });
    expect(event.contexts?.operation).toMatchObject({ dataKeys: ['companyId', 'phone'] });
    expect(typeof event.contexts?.operation?.durationMs).toBe('number');
    expect(raw).not.toContain(PHONE);
    expect(raw).not.toContain(stack.database.url);
  });

  test('when a repository statement fails, then the event names the repository model and method, not the raw call', async () => {
    const clients = new TestClientRepository(stack.db);
    const { raw, events } = await eventsAfter(() => clients.upsert({ companyId: 424_242, phone: PHONE }, ['companyId', 'phone']).catch(() => undefined));
    expect(events).toHaveLength(1);
    expect(events[0]?.tags).toMatchObject({ component: 'database', operation: 'upsert', model: 'Client', backend: 'postgres', sqlstate: '23503' });
    expect(events[0]?.contexts?.operation).toMatchObject({ dataKeys: ['companyId', 'phone'], conflictFields: ['companyId', 'phone'] });
    expect(raw).not.toContain(PHONE);
  });

  test('when PostgreSQL echoes row values and a connection string in an error, then the event carries neither', async () => {
    const url = stack.database.url;
    const { raw, events } = await eventsAfter(() =>
      stack.db
        .$executeRawUnsafe(`DO $$ BEGIN RAISE EXCEPTION 'Key (phone)=(${PHONE}) already exists; see ${url.replace(/'/g, '')}'; END $$`)
        .catch(() => undefined),
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.tags).toMatchObject({ component: 'database', model: 'raw', backend: 'postgres', sqlstate: 'P0001' });
    const message = events[0]?.exception?.values?.[0]?.value ?? '';
    expect(message).toContain('Key (phone)=([redacted])');
    expect(raw).not.toContain(PHONE);
    expect(raw).not.toMatch(/postgres(ql)?:\/\/[^\s"]*@/);
  });

  test('when the same error passes through withTransaction after the extension reported it, then Sentry gets it once', async () => {
    const clients = new TestClientRepository(stack.db, { reporter: sentryReporter });
    const { events } = await eventsAfter(() =>
      clients
        .withTransaction(async (tx) => {
          await clients.upsertTx(tx, { companyId: 515_151, phone: PHONE }, ['companyId', 'phone']);
        })
        .catch(() => undefined),
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.tags).toMatchObject({ operation: 'upsert', model: 'Client' });
  });

  test('when a validation error is thrown, then nothing is sent', async () => {
    const clients = new TestClientRepository(stack.db);
    const { events } = await eventsAfter(() => clients.findOne({ nope: 1 } as never).catch(() => undefined));
    expect(events).toHaveLength(0);
  });
});

describe('failures of the operations the assistant calls, in Sentry', () => {
  test('when a data-layer operation meets a database fault, then one event is sent by the data layer, naming the operation and the failed call', async () => {
    const dataLayer = createDataLayer(stack.db, { reporter: sentryReporter });
    await stack.pool.query('ALTER TABLE services RENAME TO services_gone');
    try {
      const { raw, events } = await eventsAfter(() => dataLayer.getServices({ companyId: 1 }));
      expect(events).toHaveLength(1);
      expect(events[0]?.level).toBe('error');
      expect(events[0]?.tags).toMatchObject({
        component: 'data-layer',
        operation: 'getServices',
        backend: 'postgres',
        error_code: 'DATABASE_ERROR',
        model: 'Service',
        db_operation: 'findMany',
        sqlstate: '42P01',
      });
      expect(events[0]?.contexts?.operation).toMatchObject({ companyId: 1 });
      expect(raw).not.toContain(stack.database.url);
    } finally {
      await stack.pool.query('ALTER TABLE services_gone RENAME TO services');
    }
  });

  test('when a CRM client sync leaves rows unapplied because their phone belongs to another client, then one warning names the counts and no phone', async () => {
    const dataLayer = createDataLayer(stack.db, { reporter: sentryReporter });
    const setup = await eventsAfter(() => dataLayer.upsertClients({ companyId: 1, clients: [{ crmId: 71, phone: '+7 999 777-00-01', name: 'Мама' }] }));
    expect(setup.events).toHaveLength(0);
    const export2 = [
      { crmId: 71, phone: '+7 999 777-00-01', name: 'Мама' },
      { crmId: 72, phone: '8 999 777 00 01', name: 'Дочка' },
      { crmId: 73, phone: '79997770001@s.whatsapp.net', name: 'Сын' },
    ];
    const { raw, events } = await eventsAfter(() => dataLayer.upsertClients({ companyId: 1, clients: export2 }));
    expect(events).toHaveLength(1);
    expect(events[0]?.level).toBe('warning');
    expect(events[0]?.tags).toMatchObject({ component: 'data-layer', operation: 'upsertClients', backend: 'postgres' });
    expect(events[0]?.exception?.values?.[0]).toMatchObject({ type: 'SyncConflictWarning' });
    expect(events[0]?.contexts?.operation).toMatchObject({ companyId: 1, rows: 3, conflicts: 2, notInserted: 2, duplicates: 0 });
    expect(raw).not.toMatch(/9997770001|999 777|Дочка/);
  });

  test('when a data-layer call is refused for bad input, then nothing is sent (an answer, not a fault)', async () => {
    const dataLayer = createDataLayer(stack.db, { reporter: sentryReporter });
    const { events } = await eventsAfter(() => dataLayer.getClientByPhone({ companyId: 1, phone: 'not a phone' }));
    expect(events).toHaveLength(0);
  });

  test('when a WhatsApp auth operation meets a database fault, then one event is sent with component=whatsapp-auth and no key material', async () => {
    const auth = await usePostgresAuthState(stack.db, 'sentry-session', { reporter: sentryReporter });
    await stack.pool.query('ALTER TABLE whatsapp_keys RENAME TO whatsapp_keys_gone');
    try {
      const { raw, events } = await eventsAfter(() =>
        Promise.resolve()
          .then(() => auth.state.keys.set({ 'pre-key': { '1': { public: Buffer.from('pub-material'), private: Buffer.from('priv-material') } } }))
          .catch(() => undefined),
      );
      expect(events).toHaveLength(1);
      expect(events[0]?.tags).toMatchObject({ component: 'whatsapp-auth', operation: 'keys.set', session_id: 'sentry-session', sqlstate: '42P01' });
      expect(raw).not.toContain('priv-material');
      expect(raw).not.toContain(Buffer.from('priv-material').toString('base64'));
    } finally {
      await stack.pool.query('ALTER TABLE whatsapp_keys_gone RENAME TO whatsapp_keys');
    }
  });
});
