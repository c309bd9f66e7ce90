import { helpText, integerOption, parseCommandLine, UsageError, type CommandLineIo, type CommandSpec, type OptionSpec } from '../../scripts/cli/command-line.js';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function io(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const value: CommandLineIo = {
    argv,
    stdout: (text) => void (out.stdout += text),
    stderr: (text) => void (out.stderr += text),
    exit: (code) => {
      throw new Exit(code);
    },
  };
  return { io: value, out };
}

const spec = {
  invocation: 'npm run load --',
  summary: 'Runs conversations.',
  options: {
    conversations: { type: 'string', valueName: 'N', default: '20', description: 'concurrent conversations' },
    json: { type: 'boolean', description: 'JSON report' },
  },
  notes: ['exit codes: 0 fine'],
} satisfies CommandSpec<Record<string, OptionSpec>>;

const validate = (values: { conversations?: string | undefined; json?: boolean | undefined }) => ({
  conversations: integerOption(values.conversations, 'conversations', 20),
  json: values.json === true,
});

function exitOf(run: () => unknown): number {
  try {
    run();
  } catch (error) {
    if (error instanceof Exit) return error.code;
    throw error;
  }
  throw new Error('no exit');
}

describe('parseCommandLine', () => {
  test('when a value follows its option after a space or after "=", then both read the same', () => {
    expect(parseCommandLine(spec, validate, io(['--conversations', '5']).io)).toEqual({ conversations: 5, json: false });
    expect(parseCommandLine(spec, validate, io(['--conversations=5', '--json']).io)).toEqual({ conversations: 5, json: true });
  });

  test('when nothing is given, then the defaults apply', () => {
    expect(parseCommandLine(spec, validate, io([]).io)).toEqual({ conversations: 20, json: false });
  });

  test('when --help or -h is given, even beside an unknown option, then the help goes to stdout and the exit code is 0', () => {
    for (const argv of [['--help'], ['-h'], ['--bogus', '--help']]) {
      const { io: streams, out } = io(argv);
      expect(exitOf(() => parseCommandLine(spec, validate, streams))).toBe(0);
      expect(out.stdout).toBe(helpText(spec));
      expect(out.stderr).toBe('');
    }
  });

  test('when an option is unknown, a value is missing or a positional is given, then one line names it on stderr, with the usage, and the exit code is 2', () => {
    const cases: [string[], string][] = [
      [['--bogus'], "Unknown option '--bogus'"],
      [['--conversations'], "Option '--conversations <value>' argument missing"],
      [['stray'], "Unexpected argument 'stray'"],
    ];
    for (const [argv, message] of cases) {
      const { io: streams, out } = io(argv);
      expect(exitOf(() => parseCommandLine(spec, validate, streams))).toBe(2);
      expect(out.stderr).toContain(`load: ${message}`);
      expect(out.stderr).toContain('usage: npm run load -- [--conversations N] [--json]');
      expect(out.stdout).toBe('');
    }
  });

  test('when a value check throws a UsageError, then the exit code is 2 with its message; any other error is thrown on', () => {
    const { io: streams, out } = io(['--conversations', '0']);
    expect(exitOf(() => parseCommandLine(spec, validate, streams))).toBe(2);
    expect(out.stderr).toContain('load: --conversations must be a whole number of at least 1 (got "0")');
    expect(() =>
      parseCommandLine(spec, () => {
        throw new TypeError('a bug');
      }, io([]).io),
    ).toThrow(TypeError);
    expect(new UsageError('x')).toBeInstanceOf(Error);
  });

  test('when the help is printed, then it lists every option with its placeholder and default, and the notes', () => {
    const text = helpText(spec);
    expect(text).toContain('usage: npm run load -- [--conversations N] [--json]');
    expect(text).toMatch(/--conversations N +concurrent conversations \(default: 20\)/);
    expect(text).toMatch(/--json +JSON report\n/);
    expect(text).toMatch(/-h, --help +print this help and exit/);
    expect(text).toContain('exit codes: 0 fine');
  });
});
