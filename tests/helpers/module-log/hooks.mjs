// ESM loader hooks (they run on Node's hooks thread): append the URL of every
// module loaded to the file named by MODULE_LOG, so a test can tell which
// packages a process imported.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  if (process.env.MODULE_LOG) appendFileSync(process.env.MODULE_LOG, `${url}\n`);
  return nextLoad(url, context);
}
