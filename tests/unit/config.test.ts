import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  test('when the environment is empty, then the documented defaults apply', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config).toMatchObject({
      PORT: 3000,
      POSTGRES_MAX_CONNECTIONS: 3,
      POSTGRES_MIN_CONNECTIONS: 1,
      POSTGRES_ACQUIRE_TIMEOUT_MS: 10_000,
      POSTGRES_STATEMENT_TIMEOUT_MS: 60_000,
      POSTGRES_MAX_LIFETIME_S: 3_600,
      WHATSAPP_ENABLED: false,
      CLEANUP_INTERVAL_HOURS: 6,
    });
  });

  test('when NODE_ENV is production and no readiness delay is set, then readiness stays 503 for 15 s before the listener closes; elsewhere 0; a set value wins', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).SHUTDOWN_READINESS_DELAY_MS).toBe(15_000);
    expect(loadConfig({ NODE_ENV: 'production', SHUTDOWN_READINESS_DELAY_MS: '' }).SHUTDOWN_READINESS_DELAY_MS).toBe(15_000);
    expect(loadConfig({}).SHUTDOWN_READINESS_DELAY_MS).toBe(0);
    expect(loadConfig({ NODE_ENV: 'production', SHUTDOWN_READINESS_DELAY_MS: '0' }).SHUTDOWN_READINESS_DELAY_MS).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', SHUTDOWN_READINESS_DELAY_MS: '2500' }).SHUTDOWN_READINESS_DELAY_MS).toBe(2_500);
    expect(() => loadConfig({ SHUTDOWN_READINESS_DELAY_MS: '-1' })).toThrow(/SHUTDOWN_READINESS_DELAY_MS/);
  });

  test('when DATABASE_URL is empty, then it counts as absent (embedded PostgreSQL)', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  test('when a value is invalid, then the error names the key and never echoes the value', () => {
    const secret = 'mysql://admin:hunter2@db.internal/app';
    expect(() => loadConfig({ DATABASE_URL: secret })).toThrow(ConfigError);
    const failure = (() => {
      try {
        loadConfig({ DATABASE_URL: secret, DIRECT_DATABASE_URL: secret, PORT: 'eighty' });
        return undefined;
      } catch (error) {
        return error as Error;
      }
    })();
    expect(failure).toBeInstanceOf(ConfigError);
    expect(failure?.message).toContain('DATABASE_URL');
    expect(failure?.message).toContain('DIRECT_DATABASE_URL');
    expect(failure?.message).toContain('PORT');
    expect(failure?.message).not.toContain('hunter2');
  });

  test('when DIRECT_DATABASE_URL is empty, then it is absent; when set, then it is kept as given', () => {
    expect(loadConfig({ DIRECT_DATABASE_URL: '' }).DIRECT_DATABASE_URL).toBeUndefined();
    expect(loadConfig({ DIRECT_DATABASE_URL: 'postgresql://app@10.0.0.5:5432/salon' }).DIRECT_DATABASE_URL).toBe('postgresql://app@10.0.0.5:5432/salon');
  });

  test('when the minimum pool size exceeds the maximum, then the configuration is refused', () => {
    expect(() => loadConfig({ POSTGRES_MIN_CONNECTIONS: '5', POSTGRES_MAX_CONNECTIONS: '3' })).toThrow(/POSTGRES_MIN_CONNECTIONS/);
  });

  test('when WHATSAPP_ENABLED is "true" or "1", then it is on', () => {
    expect(loadConfig({ WHATSAPP_ENABLED: 'true' }).WHATSAPP_ENABLED).toBe(true);
    expect(loadConfig({ WHATSAPP_ENABLED: '1' }).WHATSAPP_ENABLED).toBe(true);
    expect(loadConfig({ WHATSAPP_ENABLED: 'false' }).WHATSAPP_ENABLED).toBe(false);
  });
});
