#!/usr/bin/env bash
# Benchmark of `carechat migrate-legacy`: fills two fresh legacy PostgreSQL databases
# (migrations/legacy/*.sql) with MESSAGES chat messages (and the users, conversations, patients,
# feedback and reminders around them), migrates them with the release binary into a fresh
# target, and prints rows per second. The legacy databases and the target are dropped at the end.
#
#   bash scripts/bench-legacy-migration.sh            # 1,000,000 messages into SQLite
#   MESSAGES=100000 TARGET=postgres bash scripts/bench-legacy-migration.sh
#
# Knobs: MESSAGES [1000000], TARGET sqlite|postgres [sqlite], BATCH [1000],
# CARECHAT_TEST_POSTGRES_URL (an account that may create databases) [the one scripts/postgres.sh makes].
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MESSAGES="${MESSAGES:-1000000}"
TARGET="${TARGET:-sqlite}"
BATCH="${BATCH:-1000}"
ADMIN_URL="${CARECHAT_TEST_POSTGRES_URL:-$(bash scripts/postgres.sh)}"
USERS=$(( MESSAGES / 100 > 10 ? MESSAGES / 100 : 10 ))
CONVERSATIONS=$(( MESSAGES / 20 > 10 ? MESSAGES / 20 : 10 ))
PATIENTS=$(( USERS / 2 ))
SUFFIX="$(date +%s)_$$"
T1="bench_legacy1_$SUFFIX" T2="bench_legacy2_$SUFFIX" TT="bench_target_$SUFFIX"
WORK="$(mktemp -d)"

url_of() { python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$ADMIN_URL" "$1"; }
psql_admin() { psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }
cleanup() {
    for db in "$T1" "$T2" "$TT"; do psql_admin -c "drop database if exists \"$db\" with (force)" >/dev/null 2>&1 || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building the release binary"
cargo build --release --quiet --bin carechat
BIN="${CARGO_TARGET_DIR:-target}/release/carechat"

echo "== legacy databases: $MESSAGES messages, $CONVERSATIONS conversations, $USERS chat users, $PATIENTS patients"
for db in "$T1" "$T2"; do psql_admin -c "create database \"$db\""; done
psql "$(url_of "$T1")" -v ON_ERROR_STOP=1 -q -f migrations/legacy/track1.sql
psql "$(url_of "$T2")" -v ON_ERROR_STOP=1 -q -f migrations/legacy/track2.sql
t0=$SECONDS
# Half the chat users are also patients (same number written another way): they merge.
psql "$(url_of "$T1")" -v ON_ERROR_STOP=1 -q <<SQL
insert into patients (patient_id, phone, first_name, last_name, password_hash, timezone, language)
select md5('p' || i)::uuid, '0788 ' || lpad(i::text, 6, '0'), 'Patient', i::text,
       '\$2b\$04\$abcdefghijklmnopqrstuuvTzQCbbfNcaJdRwrT5W8eNGNXkVHzWO', 'Africa/Kigali', 'rw'
from generate_series(1, $PATIENTS) i;
insert into feedback_sessions (session_id, patient_id, session_type, status, visit_date)
select md5('s' || i)::uuid, md5('p' || i)::uuid, 'post_visit', 'completed', '2024-01-02' from generate_series(1, $PATIENTS) i;
insert into feedback_responses (response_id, session_id, question_id, question, response_type, rating)
select md5('r' || i)::uuid, md5('s' || i)::uuid, 'overall', 'How was it?', 'rating', 1 + i % 5 from generate_series(1, $PATIENTS) i;
insert into reminders (reminder_id, patient_id, title, message, reminder_type, schedule_type, start_date, pattern, times, methods, status)
select md5('m' || i)::uuid, md5('p' || i)::uuid, 'Metformin', 'Take 500 mg', 'medication', 'recurring',
       '2024-01-01T00:00:00Z', 'daily', '{08:00}', '{in_app}', 'active' from generate_series(1, $PATIENTS) i;
insert into reminder_deliveries (delivery_id, reminder_id, scheduled_for, method, status)
select md5('d' || i)::uuid, md5('m' || i)::uuid, now() - interval '1 day', 'in_app', 'delivered' from generate_series(1, $PATIENTS) i;
SQL
psql "$(url_of "$T2")" -v ON_ERROR_STOP=1 -q <<SQL
insert into users (user_id, phone_number, full_name, password_hash, preferred_provider)
select md5('u' || i)::uuid, '+250788' || lpad(i::text, 6, '0'), 'Patient ' || i,
       '\$2b\$04\$abcdefghijklmnopqrstuuvTzQCbbfNcaJdRwrT5W8eNGNXkVHzWO', 'gemini'
from generate_series(1, $USERS) i;
insert into conversations (conversation_id, user_id, title)
select md5('c' || i)::uuid, md5('u' || (1 + i % $USERS))::uuid, 'Conversation ' || i from generate_series(1, $CONVERSATIONS) i;
insert into messages (message_id, conversation_id, role, content, provider, model, prompt_tokens, completion_tokens,
                      response_time_ms, created_at)
select md5('x' || i)::uuid, md5('c' || (1 + i % $CONVERSATIONS))::uuid,
       case when i % 2 = 0 then 'user' else 'assistant' end,
       'Message ' || i || ': ' || repeat('lorem ipsum ', 10),
       case when i % 2 = 1 then 'gemini' end, case when i % 2 = 1 then 'gemini-2.0-flash' end,
       case when i % 2 = 1 then 40 end, case when i % 2 = 1 then 120 end, case when i % 2 = 1 then 900 end,
       timestamptz '2024-01-01' + i * interval '1 second'
from generate_series(1, $MESSAGES) i;
analyze messages;
SQL
echo "   generated in $((SECONDS - t0)) s"

case "$TARGET" in
    sqlite) STORE="sqlite://$WORK/target.db" ;;
    postgres) psql_admin -c "create database \"$TT\""; STORE="$(url_of "$TT")" ;;
    *) echo "TARGET must be sqlite or postgres" >&2; exit 2 ;;
esac
export CARECHAT_STORAGE__IDENTITY="$STORE" CARECHAT_STORAGE__TRACK1="$STORE" CARECHAT_STORAGE__TRACK2="$STORE" \
    CARECHAT_STORAGE__TRACK3="$STORE" CARECHAT_STORAGE__ANALYTICS="$STORE" RUST_LOG="${RUST_LOG:-warn}"

echo "== migrate-legacy into $TARGET (batch $BATCH)"
start=$(date +%s.%N)
"$BIN" migrate-legacy --track1 "$(url_of "$T1")" --track2 "$(url_of "$T2")" --country-code 250 \
    --batch-size "$BATCH" --conflicts "$WORK/report.json" | tee "$WORK/summary.txt"
end=$(date +%s.%N)

echo "== verify"
vstart=$(date +%s.%N)
"$BIN" migrate-legacy --track1 "$(url_of "$T1")" --track2 "$(url_of "$T2")" --country-code 250 \
    --batch-size "$BATCH" --verify > /dev/null
vend=$(date +%s.%N)

python3 - "$WORK/report.json" "$start" "$end" "$vstart" "$vend" "$TARGET" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
start, end, vstart, vend = map(float, sys.argv[2:6])
rows = sum(t["read"] for t in report["tables"].values())
messages = report["tables"]["messages"]["read"]
secs = end - start
print(f"migrated {rows} legacy rows ({messages} messages) into {sys.argv[6]} in {secs:.1f} s: "
      f"{rows / secs:,.0f} rows/s, {messages / secs:,.0f} messages/s; verify {vend - vstart:.1f} s "
      f"({rows / (vend - vstart):,.0f} rows/s)")
PY
