/**
 * The harness itself: what the other tests in this folder rely on when they
 * say "through a stock transaction-mode PgBouncer".
 */
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { startPgBouncer, type RunningPgBouncer } from '../helpers/pgbouncer.js';

describe('the PgBouncer test harness', () => {
  let database: TestDatabase;
  let bouncer: RunningPgBouncer;
  const clients: pg.Client[] = [];

  const connect = async (options: Partial<pg.ClientConfig> = {}) => {
    const client = new pg.Client({ connectionString: bouncer.url(database.name), ...options });
    client.on('error', () => undefined);
    clients.push(client);
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    bouncer = await startPgBouncer({ upstreamUrl: process.env.TEST_ADMIN_URL as string, defaultPoolSize: 1 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await bouncer?.stop();
    await database?.drop();
  });

  test('when two clients are connected at once, then their transactions share one server session (transaction pooling)', async () => {
    const first = await connect();
    const second = await connect();
    const pidOf = async (client: pg.Client) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    // With one server connection per pool, session pooling would make the second client wait forever.
    const [a, b] = [await pidOf(first), await pidOf(second)];
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect((await first.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db).toBe(database.name);
  });

  test('when a client asks for statement_timeout as a startup parameter, then the stock PgBouncer refuses the connection', async () => {
    await expect(connect({ statement_timeout: 1_000 })).rejects.toThrow(/unsupported startup parameter/);
    expect(bouncer.log()).toMatch(/unsupported startup parameter/);
  });

  test('when one client sets a session-level timeout, then another client on the same server session sees it', async () => {
    // Two clients on one server connection: what one SETs at session level leaks to the other,
    // which is why session state must not be relied on behind a transaction pooler.
    const first = await connect();
    const second = await connect();
    // (PgBouncer re-applies a few tracked parameters such as application_name per client; timeouts are not among them.)
    await first.query('SET statement_timeout = 4321');
    const seen = (await second.query<{ value: string }>("SELECT current_setting('statement_timeout') AS value")).rows[0]?.value;
    expect(seen).toBe('4321ms');
  });
});
