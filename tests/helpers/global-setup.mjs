// Jest loads global setup outside its module system (no transform of ESM, no
// moduleNameMapper), so the TypeScript implementation is loaded through tsx.
import { register } from 'tsx/esm/api';

const unregister = register();
const { default: globalSetup } = await import('./global-setup.impl.ts');
export default async function setup() {
  await globalSetup();
}
void unregister;
