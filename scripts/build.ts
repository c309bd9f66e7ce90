/**
 * `npm run build`: prisma generate + tsc into dist/, and a stamp of what it
 * was built from. `--if-stale` (what `npm start` and `npm run worker` use)
 * builds only when the sources, the schema or the dependencies changed since.
 */
import { parseCommandLine } from './cli/command-line.js';
import { buildDist, buildIfStale } from './build/dist-build.js';

const { ifStale } = parseCommandLine(
  {
    invocation: 'npm run build --',
    summary: 'Generates the Prisma client and compiles src/ into dist/, then records what dist/ was built from (dist/.build-stamp.json).',
    options: {
      'if-stale': { type: 'boolean', default: false, description: 'build only when sources, schema or dependencies changed since the last build' },
    },
    notes: ['exit codes: 0 built (or already current), 1 the build failed, 2 wrong invocation'],
  },
  (values) => ({ ifStale: values['if-stale'] === true }),
);

const log = (line: string) => process.stderr.write(`build: ${line}\n`);
try {
  if (ifStale) await buildIfStale({ log });
  else await buildDist(log);
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
