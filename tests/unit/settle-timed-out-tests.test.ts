import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/db/migrations.js';

interface JestJson {
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

/** A child Jest run: starting it compiles TypeScript, which takes a while on a loaded machine. */
const CHILD_JEST_TIMEOUT_MS = 300_000;

test('when a test times out while still writing, then it is stopped before the next test starts, and the next test sees none of its writes', async () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'settle-'));
  const output = path.join(folder, 'result.json');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--testMatch', '**/tests/fixtures/timed-out-test.fixture.ts', '--coverage=false', '--json', `--outputFile=${output}`],
        { cwd: projectRoot, env: { ...process.env, RUN_INTEGRATION_TESTS: '0' }, stdio: 'ignore' },
      );
      child.on('error', reject);
      child.on('exit', resolve);
    });
    const results = (JSON.parse(readFileSync(output, 'utf8')) as JestJson).testResults.flatMap((file) => file.assertionResults);
    expect(code).toBe(1);
    expect(results.map((r) => [r.title, r.status])).toEqual([
      ['a slow writer that outlives its timeout', 'failed'],
      ['the next test, which must not see the slow writer write', 'passed'],
      ['a row test 1, tracked the same way', 'passed'],
      ['a row test 2, tracked the same way', 'passed'],
    ]);
    expect(results[0]!.failureMessages.join('\n')).toMatch(/Exceeded timeout of 300 ms/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}, CHILD_JEST_TIMEOUT_MS);
