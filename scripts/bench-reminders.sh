#!/usr/bin/env bash
# Reminder engine throughput (not a timed test): how many due deliveries per second the engine
# materialises and dispatches to the in-app inbox, with BENCH_REMINDERS (default 100000) active
# reminders, on SQLite and — when PostgreSQL is up (scripts/postgres.sh) — on PostgreSQL.
#   bash scripts/bench-reminders.sh                 # 100k reminders, batches of 500
#   BENCH_REMINDERS=10000 BENCH_BATCH=200 bash scripts/bench-reminders.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARECHAT_TEST_POSTGRES_URL="${CARECHAT_TEST_POSTGRES_URL:-postgres://carechat:carechat@127.0.0.1:5432/postgres}"
if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
    echo "PostgreSQL is not running on 127.0.0.1:5432: only SQLite will be measured (bash scripts/postgres.sh starts it)" >&2
    unset CARECHAT_TEST_POSTGRES_URL
fi
exec cargo bench --no-default-features --features "${BENCH_FEATURES:-track1,sqlite,postgres,mongodb}" --bench reminders
