import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { countAuthFiles, startFileMonitor } from '../../src/whatsapp/file-monitor.js';
import type { Logger } from '../../src/observability/logger.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'file-monitor-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const thresholds = { expiredKeysWarning: 100, expiredKeysCritical: 500, filesWarning: 2, filesCritical: 3 };

function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (_facts: unknown, message: string) => void lines.push({ level, message });
  const logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } as unknown as Logger;
  return { logger, lines };
}

async function files(count: number) {
  for (let i = 0; i < count; i += 1) await writeFile(path.join(dir, `session-${i}.json`), '{}');
}

describe('countAuthFiles', () => {
  test('when the folder holds files and a sub-folder, then only the files are counted', async () => {
    await files(3);
    await mkdir(path.join(dir, 'nested'));
    expect(await countAuthFiles(dir)).toBe(3);
  });

  test('when the folder does not exist, then it holds 0 files', async () => {
    expect(await countAuthFiles(path.join(dir, 'missing'))).toBe(0);
  });
});

describe('startFileMonitor', () => {
  test.each([
    [1, 'healthy', 'debug'],
    [2, 'warning', 'warn'],
    [4, 'critical', 'error'],
  ])('when the folder holds %i files (warning 2, critical 3), then the status is %s and it logs at %s', async (count, status, level) => {
    await files(count);
    const { logger, lines } = recordingLogger();
    const monitor = startFileMonitor({ dir, thresholds, logger, intervalMs: 60_000 });
    try {
      expect(await monitor.check()).toEqual({ fileCount: count, status });
      expect(lines.at(-1)?.level).toBe(level);
    } finally {
      monitor.stop();
    }
  });
});
