// `node --import ./tests/helpers/module-log/register.mjs ...`: records every module the process loads (hooks.mjs).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
