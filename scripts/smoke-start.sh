#!/usr/bin/env bash
# `npm start` end to end on a fresh embedded PostgreSQL, as a newcomer runs it, from a private
# folder (mode 700, as a checkout under /root or in `mktemp -d` is): as root the server runs as
# the postgres user, who cannot enter it, so binaries and data must be put where it can.
#  1. first start: /health answers 200 (it builds first: up to 5 minutes on a loaded machine), /health/ready 200;
#  2. `npm run db:seed` beside it puts the demo salon into the running server;
#  3. SIGTERM (to npm, then to node) stops everything with exit code 0 and no PostgreSQL left running;
#  4. a second start on the same folder reuses the data (the demo salon is still there).
set -uo pipefail
checkout="$(cd "$(dirname "$0")/.." && pwd)"

# The private folder is made inside the checkout (.scratch is git-ignored) so node_modules can be
# hard-linked (same file system): same files, but reachable only through a folder others cannot enter.
mkdir -p "$checkout/.scratch"
private_dir=$(mktemp -d "$checkout/.scratch/smoke-XXXXXX")
chmod 700 "$private_dir"
project="$private_dir/project"
mkdir "$project"
for entry in package.json tsconfig.json tsconfig.build.json prisma.config.ts prisma src scripts; do cp -a "$checkout/$entry" "$project/"; done
rm -rf "$project/src/generated"
cp -al "$checkout/node_modules" "$project/node_modules" 2>/dev/null || cp -a "$checkout/node_modules" "$project/node_modules"
cd "$project"
data_dir="$private_dir/pg"
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port=$(free_port)
pg_port=$(free_port)
log=$(mktemp)
status=0
fail() { echo "smoke: $1"; status=1; }

export PORT="$port" EMBEDDED_PG_PORT="$pg_port" EMBEDDED_PG_DATA_DIR="$data_dir" LOG_LEVEL=info
unset DATABASE_URL

descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }

# start_service LABEL: runs `npm start` in the background and waits for /health.
start_service() {
  : >"$log"
  npm start >"$log" 2>&1 &
  npm_pid=$!
  local started=$(date +%s) up=1
  # Generous: the first start builds (prisma generate + tsc), which takes minutes on a loaded machine.
  for _ in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$port/health" >/dev/null; then up=0; break; fi
    kill -0 "$npm_pid" 2>/dev/null || break
    sleep 0.5
  done
  if [ "$up" -ne 0 ]; then
    fail "$1: npm start did not serve /health within 5 minutes"; tail -20 "$log"
    local p; for p in $(descendants "$npm_pid") "$npm_pid"; do kill -TERM "$p" 2>/dev/null; done; wait "$npm_pid" 2>/dev/null
    return 1
  fi
  echo "smoke: $1: npm start served /health in $(( $(date +%s) - started ))s"
  local ready
  ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")
  [ "$ready" = "200" ] || fail "$1: /health/ready answered $ready"
}

# stop_service LABEL TARGET: SIGTERM to `npm start` itself (TARGET=npm: what `kill <pid of npm start>`
# or a harness does; the script execs node, so npm's child is the service) or to the service's
# node process (TARGET=node: what PM2 or systemd send). Either way: exit code 0, nothing left running.
stop_service() {
  local target_pid="$npm_pid" exit_code
  if [ "$2" = node ]; then
    target_pid=$(for p in $(descendants "$npm_pid"); do [ "$(cat /proc/$p/comm 2>/dev/null)" = node ] && grep -qa 'dist/index.js' "/proc/$p/cmdline" && echo "$p"; done | head -1)
    [ -n "$target_pid" ] || { fail "$1: no node process under npm start"; target_pid="$npm_pid"; }
  fi
  kill -TERM "$target_pid"
  wait "$npm_pid"; exit_code=$?
  [ "$exit_code" -eq 0 ] || fail "$1: exit code $exit_code after SIGTERM to $2"
  grep -q 'shutdown complete' "$log" || fail "$1: no clean shutdown logged"
  sleep 0.5
  if pgrep -f -- "-p $pg_port " >/dev/null; then fail "$1: embedded PostgreSQL left running"; fi
  if curl -s -o /dev/null "http://127.0.0.1:$port/health"; then fail "$1: the service still answers after npm exited"; fi
}

companies() {
  node -e '
    const pg = require("pg");
    const c = new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_PG_PORT}/postgres` });
    c.connect().then(() => c.query("SELECT count(*)::int AS n FROM companies")).then((r) => { console.log(r.rows[0].n); return c.end(); })
      .catch(() => { console.log("error"); process.exit(0); });'
}

if start_service "first start"; then
  LOG_LEVEL=warn npm run --silent db:seed >/dev/null 2>&1 || fail "npm run db:seed failed against the running server"
  [ "$(companies)" = "1" ] || fail "the demo salon is not in the database after db:seed"
  stop_service "first start" npm
  if start_service "second start"; then
    grep -q 'initialising embedded PostgreSQL' "$log" && fail "second start initialised a new data folder"
    [ "$(companies)" = "1" ] || fail "second start lost the data of the first"
    stop_service "second start" node
  fi
fi
# As root the data went to a folder under the temp directory (the log said where): remove it too.
served_dir=$(grep -o '"dataDir":"[^"]*"' "$log" | head -1 | cut -d'"' -f4)
[ -n "$served_dir" ] && [ "$served_dir" != "$data_dir" ] && rm -rf "$served_dir"
rm -rf "$private_dir" "$log"
[ "$status" -eq 0 ] && echo "smoke: passed" || echo "smoke: FAILED"
exit "$status"
