/**
 * PM2 process file for production: the API and the worker as separate apps.
 *
 * Release (the order matters: the schema goes first, then the code that needs it):
 *   npm ci && npm run build
 *   npm run db:deploy             # prisma migrate deploy: applies committed migrations, never drops data
 *   pm2 startOrReload ecosystem.config.cjs --env production
 *   curl -f http://127.0.0.1:$PORT/health/ready && curl -f http://127.0.0.1:$PORT/health/whatsapp
 * `pm2 deploy ecosystem.config.cjs production` runs the same steps (see `deploy` below).
 *
 * Both apps are built JavaScript (dist/), started with `node --import ./dist/instrument.js`
 * so Sentry is initialised before any other module loads.
 *
 * Environment: PM2 passes its own environment through; put the keys of
 * .env.example (DATABASE_URL, SENTRY_DSN, ...) in the service's environment
 * or a file your process manager loads, not in this file.
 */
const path = require('node:path');

// Keep in step with .env.example: SIGTERM -> readiness 503 (SHUTDOWN_READINESS_DELAY_MS)
// -> drain in-flight requests (SHUTDOWN_TIMEOUT_MS) -> database close -> Sentry flush
// (SENTRY_FLUSH_TIMEOUT_MS). PM2 must wait longer than all of that before SIGKILL.
const SHUTDOWN_TIMEOUT_MS = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);
const SHUTDOWN_READINESS_DELAY_MS = Number(process.env.SHUTDOWN_READINESS_DELAY_MS ?? 0);
const SENTRY_FLUSH_TIMEOUT_MS = Number(process.env.SENTRY_FLUSH_TIMEOUT_MS ?? 2_000);
const KILL_TIMEOUT_MS = SHUTDOWN_READINESS_DELAY_MS + SHUTDOWN_TIMEOUT_MS + SENTRY_FLUSH_TIMEOUT_MS + 5_000;

const common = {
  cwd: __dirname,
  interpreter: 'node',
  node_args: '--import ./dist/instrument.js',
  exec_mode: 'fork',
  kill_signal: 'SIGTERM',
  kill_timeout: KILL_TIMEOUT_MS,
  autorestart: true,
  // A process that cannot reach the database exits 1 with one line saying why; PM2 restarts it
  // with exponential backoff (200 ms doubling, capped at 15 s by PM2). 100 unstable restarts
  // ride out a database outage of about 25 minutes during a deploy, then PM2 gives up (errored)
  // instead of spinning forever on a permanent mistake (bad DATABASE_URL, port taken).
  max_restarts: 100,
  min_uptime: 10_000,
  exp_backoff_restart_delay: 200,
  // Measured RSS: about 300 MB after warm-up, up to 385 MB under `npm run load`; restart well above that.
  max_memory_restart: '768M',
  time: true,
  merge_logs: true,
  env: { NODE_ENV: 'development' },
  env_production: { NODE_ENV: 'production' },
};

module.exports = {
  apps: [
    {
      ...common,
      name: 'ai-admin-data-api',
      script: path.join('dist', 'index.js'),
      // Scaling: the API is stateless. Run more copies (a second app entry with its own PORT,
      // or more machines) behind the load balancer, which watches /health/ready. Each copy
      // opens its own pool of POSTGRES_MAX_CONNECTIONS (default 3): keep copies x 3 (+ workers)
      // under the server's max_connections, or put PgBouncer in transaction mode in front.
      instances: 1,
    },
    {
      ...common,
      name: 'ai-admin-data-worker',
      script: path.join('dist', 'worker.js'),
      // One is enough. More are safe: the key cleanup takes a PostgreSQL advisory lock,
      // so exactly one worker runs it at a time; extra workers only add failover.
      instances: 1,
    },
  ],

  deploy: {
    production: {
      // Fill in for your hosts; the post-deploy step is the release order above.
      user: process.env.DEPLOY_USER ?? 'deploy',
      host: (process.env.DEPLOY_HOSTS ?? 'localhost').split(','),
      ref: process.env.DEPLOY_REF ?? 'origin/main',
      repo: process.env.DEPLOY_REPO ?? 'git@example.invalid:ai-admin/ai-admin-data.git',
      path: process.env.DEPLOY_PATH ?? '/srv/ai-admin-data',
      'post-deploy': 'npm ci && npm run build && npm run db:deploy && pm2 startOrReload ecosystem.config.cjs --env production',
    },
  },
};
