import { register } from 'tsx/esm/api';

register();
const { default: globalTeardown } = await import('./global-teardown.impl.ts');
export default async function teardown() {
  await globalTeardown();
}
