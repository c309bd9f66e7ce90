/**
 * A Prisma generator (declared in prisma/schema.prisma, run by every
 * `prisma generate`, hence by `npm install` and the build): writes the
 * repositories' table specs next to the generated client, from the same
 * data model, so a schema edit plus a migration is the whole change.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import generatorHelper from '@prisma/generator-helper';
import { renderTableSpecs } from './render-table-specs.ts';

const DEFAULT_OUTPUT = '../src/generated/table-specs.ts';

/** A module specifier from the output file to `target`, with the .js suffix NodeNext wants. */
function specifier(fromFile: string, target: string): string {
  const relative = path.relative(path.dirname(fromFile), target).split(path.sep).join('/');
  return (relative.startsWith('.') ? relative : `./${relative}`).replace(/\.ts$/, '.js');
}

generatorHelper.generatorHandler({
  onManifest: () => ({ prettyName: 'Repository table specs', defaultOutput: DEFAULT_OUTPUT, requiresGenerators: ['prisma-client'] }),
  onGenerate: async (options) => {
    const output = options.generator.output?.value;
    if (!output) throw new Error('the table-specs generator needs an output file');
    const client = options.otherGenerators.find((g) => g.provider.value === 'prisma-client' || g.name === 'client');
    const clientOutput = client?.output?.value;
    if (!clientOutput) throw new Error('the table-specs generator needs the prisma-client generator and its output folder');
    const projectSrc = path.resolve(path.dirname(options.schemaPath), '..', 'src');
    const text = renderTableSpecs(options.dmmf.datamodel, {
      clientImport: specifier(output, path.join(clientOutput, 'client.ts')),
      specImport: specifier(output, path.join(projectSrc, 'repositories', 'table-spec.ts')),
    });
    mkdirSync(path.dirname(output), { recursive: true });
    writeFileSync(output, text);
  },
});
