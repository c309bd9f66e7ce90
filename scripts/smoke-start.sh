#!/usr/bin/env bash
# `npm start` end to end on a fresh embedded PostgreSQL: /health must answer
# 200 within a minute, and SIGTERM must stop everything with exit code 0.
set -uo pipefail
cd "$(dirname "$0")/.."

data_dir=$(mktemp -d /tmp/ai-admin-data-smoke-XXXXXX)
chmod 755 "$data_dir"  # the embedded server runs as the postgres user when we are root
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
pg_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log=$(mktemp)

env -u DATABASE_URL PORT="$port" EMBEDDED_PG_PORT="$pg_port" EMBEDDED_PG_DATA_DIR="$data_dir/pg" LOG_LEVEL=info npm start >"$log" 2>&1 &
npm_pid=$!
started=$(date +%s)
status=1
for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$port/health" >/dev/null; then status=0; break; fi
  kill -0 "$npm_pid" 2>/dev/null || break
  sleep 0.5
done
elapsed=$(( $(date +%s) - started ))
if [ "$status" -eq 0 ]; then
  echo "smoke: npm start served /health in ${elapsed}s"
  ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")
  [ "$ready" = "200" ] || { echo "smoke: /health/ready answered $ready"; status=1; }
else
  echo "smoke: npm start did not serve /health within a minute"; tail -20 "$log"
fi
# SIGTERM to the service itself (npm's shell sits between), as PM2 or systemd would send it.
descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
service_pid=$(for p in $(descendants "$npm_pid"); do [ "$(cat /proc/$p/comm 2>/dev/null)" = node ] && grep -qa 'dist/index.js' "/proc/$p/cmdline" && echo "$p"; done | head -1)
kill -TERM "${service_pid:-$npm_pid}"
wait "$npm_pid"; exit_code=$?
if [ "$exit_code" -ne 0 ]; then echo "smoke: exit code $exit_code after SIGTERM"; status=1; fi
grep -q 'shutdown complete' "$log" || { echo "smoke: no clean shutdown logged"; status=1; }
if pgrep -f "postgres -D $data_dir" >/dev/null; then echo "smoke: embedded PostgreSQL left running"; status=1; fi
rm -rf "$data_dir" "$log"
[ "$status" -eq 0 ] && echo "smoke: passed" || echo "smoke: FAILED"
exit "$status"
