import { describeDatabase, listenUrl, startBanner } from '../../src/api/start-banner.js';

describe('start banner', () => {
  test('when the API listens on every interface, then the URL is localhost; a named host is kept (IPv6 in brackets)', () => {
    expect(listenUrl('0.0.0.0', 3000)).toBe('http://localhost:3000');
    expect(listenUrl('::', 3000)).toBe('http://localhost:3000');
    expect(listenUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080');
    expect(listenUrl('::1', 8080)).toBe('http://[::1]:8080');
  });

  test('when printed, then it names the URL, the database, every route and the next step, and never a connection string', () => {
    const text = startBanner({
      url: 'http://localhost:3000',
      routes: ['GET /health', 'GET /metrics'],
      database: describeDatabase({ DATABASE_URL: 'postgresql://u:secret@h/db', EMBEDDED_PG_PORT: 54329 }, { embedded: undefined }),
      startupMs: 2_345,
      envFile: { file: '.env', keys: 3 },
    });
    expect(text).toContain('ai-admin-data is listening on http://localhost:3000 (started in 2.3 s)');
    expect(text).toContain('  database: DATABASE_URL\n');
    expect(text).toContain('    GET /health\n    GET /metrics\n');
    expect(text).toContain('next: npm run db:seed');
    expect(text).toContain('env file: .env (3 keys; variables already in the environment win)');
    expect(text).not.toContain('secret');
  });
});
