/**
 * PM2 process file for production: the API and the worker as separate apps.
 *
 * Release (the order matters: the schema goes first, then the code that needs it):
 *   npm ci && npm run build
 *   npm run db:deploy             # prisma migrate deploy: applies committed migrations, never drops data
 *   npx pm2 startOrReload ecosystem.config.cjs --env production
 *   curl -f http://127.0.0.1:$PORT/health/ready && curl -f http://127.0.0.1:$PORT/health/whatsapp
 * `pm2 deploy ecosystem.config.cjs production` runs the same steps (see `deploy` below).
 * PM2 is a dependency of the project: `npx pm2` runs the pinned version from node_modules.
 *
 * Zero-downtime reload: the API runs in cluster mode with two instances sharing the port.
 * `pm2 reload` replaces them one at a time: it starts the new instance, waits until that
 * instance says it is ready (wait_ready: process.send('ready') once the port listens and the
 * database answered; at most listen_timeout), then sends SIGINT to the old one, which drains
 * (readiness 503, listener closed so PM2 routes new connections to the others, in-flight
 * requests finish with Connection: close) and exits. `npm run check:reload` measures it.
 *
 * Both apps are built JavaScript (dist/), started with
 * `node --enable-source-maps --import ./dist/instrument.js` so Sentry is initialised before
 * any other module loads and stack traces point into src/.
 *
 * Environment: PM2 passes its own environment through; put the keys of
 * .env.example (DATABASE_URL, SENTRY_DSN, ...) in the service's environment
 * or a file your process manager loads, not in this file.
 */
const path = require('node:path');

// Keep in step with src/config.ts: SIGINT (what PM2 sends) -> readiness 503
// (SHUTDOWN_READINESS_DELAY_MS, 15 s by default in production) -> drain in-flight requests
// (SHUTDOWN_TIMEOUT_MS) -> database close -> Sentry flush (SENTRY_FLUSH_TIMEOUT_MS).
// PM2 must wait longer than all of that before SIGKILL.
const numberFromEnv = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const SHUTDOWN_TIMEOUT_MS = numberFromEnv('SHUTDOWN_TIMEOUT_MS', 10_000);
const SHUTDOWN_READINESS_DELAY_MS = numberFromEnv('SHUTDOWN_READINESS_DELAY_MS', 15_000);
const SENTRY_FLUSH_TIMEOUT_MS = numberFromEnv('SENTRY_FLUSH_TIMEOUT_MS', 2_000);
const KILL_TIMEOUT_MS = SHUTDOWN_READINESS_DELAY_MS + SHUTDOWN_TIMEOUT_MS + SENTRY_FLUSH_TIMEOUT_MS + 5_000;

const common = {
  cwd: __dirname,
  interpreter: 'node',
  node_args: '--enable-source-maps --import ./dist/instrument.js',
  // PM2 stops a process with SIGINT (its kill_signal option is not what sets this); both
  // SIGINT and SIGTERM start the same graceful shutdown.
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
      // Cluster mode: the instances share the port, so a reload always has one serving.
      // Two is the least that keeps serving through a reload. Each instance opens its own
      // pool of POSTGRES_MAX_CONNECTIONS (default 3): keep instances x 3 (+ workers) per
      // machine under the server's max_connections, or put PgBouncer in front.
      exec_mode: 'cluster',
      instances: 2,
      // Ready = listening and the database answered (src/index.ts sends it), not merely started.
      wait_ready: true,
      // Start-up takes a few seconds (measured up to 31 s on a 2-CPU machine under heavy load).
      // PM2 waits this long for 'ready' and then stops the old instance anyway, so keep it
      // well above the start-up time.
      listen_timeout: 60_000,
    },
    {
      ...common,
      name: 'ai-admin-data-worker',
      script: path.join('dist', 'worker.js'),
      // One is enough. More are safe: the key cleanup takes a PostgreSQL advisory lock,
      // so exactly one worker runs it at a time; extra workers only add failover.
      // No HTTP, so a reload may stop and start it: fork mode.
      exec_mode: 'fork',
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
      'post-deploy': 'npm ci && npm run build && npm run db:deploy && npx pm2 startOrReload ecosystem.config.cjs --env production',
    },
  },
};
