import { classifyHealth, expiredKeysStatus, fileCountStatus, thresholdsFromConfig } from '../../src/whatsapp/health-thresholds.js';
import { loadConfig } from '../../src/config.js';

const defaults = thresholdsFromConfig(loadConfig({}));

describe('WhatsApp health thresholds (defaults)', () => {
  test('when nothing is configured, then the thresholds are 100/500 expired keys and 200/300 files', () => {
    expect(defaults).toEqual({ expiredKeysWarning: 100, expiredKeysCritical: 500, filesWarning: 200, filesCritical: 300 });
  });

  test.each([
    [0, 'healthy'],
    [99, 'healthy'],
    [100, 'warning'],
    [500, 'warning'],
    [501, 'critical'],
  ])('when %i keys are expired, then the status is %s', (expired, status) => {
    expect(expiredKeysStatus(expired, defaults)).toBe(status);
    expect(classifyHealth({ expiredKeys: expired }, defaults)).toBe(status);
  });

  test.each([
    [199, 'healthy'],
    [200, 'warning'],
    [300, 'warning'],
    [301, 'critical'],
  ])('when the auth folder holds %i files, then the status is %s', (files, status) => {
    expect(fileCountStatus(files, defaults)).toBe(status);
    expect(classifyHealth({ expiredKeys: 0, fileCount: files }, defaults)).toBe(status);
  });

  test('when keys say warning and files say critical, then the status is the worse: critical', () => {
    expect(classifyHealth({ expiredKeys: 100, fileCount: 301 }, defaults)).toBe('critical');
    expect(classifyHealth({ expiredKeys: 501, fileCount: 0 }, defaults)).toBe('critical');
  });

  test('when thresholds come from the environment, then they are the ones used', () => {
    const custom = thresholdsFromConfig(
      loadConfig({ WHATSAPP_EXPIRED_KEYS_WARNING: '5', WHATSAPP_EXPIRED_KEYS_CRITICAL: '10', WHATSAPP_FILES_WARNING: '1', WHATSAPP_FILES_CRITICAL: '2' }),
    );
    expect(classifyHealth({ expiredKeys: 4 }, custom)).toBe('healthy');
    expect(classifyHealth({ expiredKeys: 5 }, custom)).toBe('warning');
    expect(classifyHealth({ expiredKeys: 11 }, custom)).toBe('critical');
    expect(classifyHealth({ expiredKeys: 0, fileCount: 3 }, custom)).toBe('critical');
  });
});
