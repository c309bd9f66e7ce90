import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, loadEnvFile } from '../../src/config.js';

let folder: string;
let file: string;

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'env-file-'));
  file = path.join(folder, '.env');
  writeFileSync(file, ['# a comment', 'FROM_FILE=file', 'IN_BOTH=file', 'EMPTY_IN_ENV=file', 'export EXPORTED=yes', 'QUOTED="two words # not a comment"', ''].join('\n'));
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('loadEnvFile', () => {
  test('when a key is in the file and in the environment, even as an empty string, then the environment wins; the file fills the rest', () => {
    const env: NodeJS.ProcessEnv = { ENV_FILE: file, IN_BOTH: 'environment', EMPTY_IN_ENV: '' };
    const outcome = loadEnvFile(env);
    expect(env).toMatchObject({ FROM_FILE: 'file', IN_BOTH: 'environment', EMPTY_IN_ENV: '', EXPORTED: 'yes', QUOTED: 'two words # not a comment' });
    expect(outcome).toEqual({ file, applied: ['FROM_FILE', 'EXPORTED', 'QUOTED'], keptFromEnvironment: ['IN_BOTH', 'EMPTY_IN_ENV'] });
  });

  test('when ENV_FILE is none, then no file is read', () => {
    const env: NodeJS.ProcessEnv = { ENV_FILE: 'none' };
    expect(loadEnvFile(env).file).toBeUndefined();
    expect(env).toEqual({ ENV_FILE: 'none' });
  });

  test('when NODE_ENV is test and ENV_FILE is not set, then the project .env is not read (tests never see a developer .env); a named file still is', () => {
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'test' };
    expect(loadEnvFile(env).file).toBeUndefined();
    expect(Object.keys(env)).toEqual(['NODE_ENV']);
    expect(loadEnvFile({ NODE_ENV: 'test', ENV_FILE: file }).file).toBe(file);
  });

  test('when ENV_FILE names a file that does not exist, then nothing is loaded and loadConfig refuses with one line naming ENV_FILE', () => {
    const env: NodeJS.ProcessEnv = { ENV_FILE: path.join(folder, 'missing.env') };
    expect(loadEnvFile(env).file).toBeUndefined();
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/^invalid configuration: ENV_FILE: no such file/);
  });
});
