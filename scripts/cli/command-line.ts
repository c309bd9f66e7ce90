/**
 * The one argument parser of the operator scripts, over node:util parseArgs.
 * Every script declares its options once (with a line of help each) and calls
 * `parseCommandLine` before it touches the database, Sentry or a file:
 *
 *  - `--help` / `-h` prints the usage to stdout and exits 0;
 *  - an unknown option, a missing or malformed value, or a stray argument is
 *    a usage error: one line naming it plus the usage line on stderr, exit 2
 *    (the shell convention for "wrong invocation"), nothing reported;
 *  - `--name value` and `--name=value` are the same thing (parseArgs).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  /** One line for --help. */
  description: string;
  /** The placeholder of a string option's value in --help, e.g. `N` or `PATH`. */
  valueName?: string;
  /** Shown without brackets in the usage line; the check itself is the script's (`requiredOption`). */
  required?: boolean;
}

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** How the operator runs it, e.g. `npm run db:seed --`. */
  invocation: string;
  /** What the command does, in a sentence or two (first line of --help). */
  summary: string;
  options: O;
  /** Extra lines after the option list: exit codes, what it writes, examples. */
  notes?: string[];
}

type ParseConfig<O extends Record<string, OptionSpec>> = { options: O & { help: { type: 'boolean'; short: 'h' } }; strict: true; allowPositionals: false };
export type CommandValues<O extends Record<string, OptionSpec>> = Omit<ReturnType<typeof parseArgs<ParseConfig<O>>>['values'], 'help'>;

/** Thrown by value checks after parsing; `parseCommandLine`'s caller turns it into exit 2 through `exitOnUsageError`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CommandLineIo {
  argv: string[];
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  exit: (code: number) => never;
}

const processIo = (): CommandLineIo => ({
  argv: process.argv.slice(2),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  exit: (code) => process.exit(code),
});

/** `load` for `npm run load --`. */
function commandName<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  return spec.invocation.replace(/^npm run /, '').replace(/ --$/, '');
}

function optionSynopsis(name: string, option: OptionSpec): string {
  const flag = `--${name}${option.type === 'string' ? ` ${option.valueName ?? 'VALUE'}` : ''}`;
  return option.short ? `-${option.short}, ${flag}` : flag;
}

export function usageLine<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  const parts = Object.entries(spec.options).map(([name, option]) => (option.required ? optionSynopsis(name, option) : `[${optionSynopsis(name, option)}]`));
  return `usage: ${[spec.invocation, ...parts].join(' ')}`;
}

export function helpText<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  const rows: [string, string][] = [
    ...Object.entries(spec.options).map(([name, option]): [string, string] => [
      optionSynopsis(name, option),
      option.default === undefined || option.default === false ? option.description : `${option.description} (default: ${String(option.default)})`,
    ]),
    ['-h, --help', 'print this help and exit'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    usageLine(spec),
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    ...(spec.notes?.length ? ['', ...spec.notes] : []),
    '',
  ].join('\n');
}

/** Prints a usage error the way the parser does and exits 2. */
export function exitWithUsageError<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, message: string, io: CommandLineIo = processIo()): never {
  io.stderr(`${commandName(spec)}: ${message}\n${usageLine(spec)}\n(--help for details)\n`);
  return io.exit(2);
}

/**
 * Parses the command line, or exits: 0 after --help, 2 on a usage error.
 * `validate` turns raw values into what the script needs; a UsageError it
 * throws is a usage error too.
 */
export function parseCommandLine<O extends Record<string, OptionSpec>, R = CommandValues<O>>(
  spec: CommandSpec<O>,
  validate?: (values: CommandValues<O>) => R,
  io: CommandLineIo = processIo(),
): R {
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, { type, short, default: fallback }]) => [
      name,
      { type, ...(short ? { short } : {}), ...(fallback === undefined ? {} : { default: fallback }) },
    ]),
  );
  let values: Record<string, unknown>;
  try {
    const config: ParseArgsConfig = { args: io.argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false };
    values = parseArgs(config).values as Record<string, unknown>;
  } catch (error) {
    // ERR_PARSE_ARGS_UNKNOWN_OPTION, _INVALID_OPTION_VALUE, _UNEXPECTED_POSITIONAL: all wrong invocations.
    if (argvAsksForHelp(io.argv)) return printHelp(spec, io);
    return exitWithUsageError(spec, (error as Error).message, io);
  }
  if (values.help) return printHelp(spec, io);
  delete values.help;
  const typed = values as CommandValues<O>;
  if (!validate) return typed as R;
  try {
    return validate(typed);
  } catch (error) {
    if (error instanceof UsageError) return exitWithUsageError(spec, error.message, io);
    throw error;
  }
}

/** `--help` wins over anything else on the line, as operators expect. */
function argvAsksForHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function printHelp<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, io: CommandLineIo): never {
  io.stdout(helpText(spec));
  return io.exit(0);
}

/** A whole number of at least `min` from a string option, or a UsageError naming the option. */
export function integerOption(raw: string | undefined, name: string, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be a whole number of at least ${min} (got "${raw}")`);
  return value;
}

/** A number greater than zero from a string option, or a UsageError naming the option. */
export function positiveNumberOption(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a number greater than 0 (got "${raw}")`);
  return value;
}

/** A string option that must be given and not empty. */
export function requiredOption(raw: string | undefined, name: string): string {
  if (raw === undefined || raw.trim() === '') throw new UsageError(`--${name} is required`);
  return raw;
}
