#!/usr/bin/env bash
# Generated clients: proves an integrator can generate a working client from openapi/openapi.json.
#
#   1. Python: openapi-python-client (pinned, in the venv target/client-venv) generates the
#      `carechat_client` package into target/clients/python/. Any warning it prints (a schema or
#      an operation it could not represent and skipped) fails the run.
#   2. Starts the default-feature server (target/debug/carechat, built by `cargo test`; built
#      here only when missing) on a free 127.0.0.1 port with SQLite in a temp dir, bootstraps an
#      administrator with `carechat admin create`, and runs tests/clients/python_smoke.py through
#      the generated client (register, login, /me, chat with the offline assistant, feedback,
#      blood inventory as admin, problem+json errors), asserting on the parsed typed models.
#   3. TypeScript: openapi-typescript (pinned in tests/clients/package.json, `npm ci`) writes
#      target/clients/ts/schema.d.ts and `tsc --noEmit` type-checks tests/clients/usage.ts.
#
# Idempotent; reinstalls nothing already at the pinned versions. Knobs (environment):
#   CLIENT_TEST_OPENAPI  the document to generate from  [openapi/openapi.json]
#   CARECHAT_BIN         the server binary               [target/debug/carechat]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
log() { echo "client-test.sh: $*" >&2; }

# Pinned: the generator and the runtime its code imports. A change here rebuilds the venv.
PINS="openapi-python-client==0.29.1 httpx==0.28.1 attrs==26.1.0"
DOC="$(realpath "${CLIENT_TEST_OPENAPI:-openapi/openapi.json}")"
VENV="$ROOT/target/client-venv"
OUT="$ROOT/target/clients"
BIN="${CARECHAT_BIN:-$ROOT/target/debug/carechat}"

SERVER_PID=""
SERVER_TMP=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$SERVER_TMP" ]; then rm -rf "$SERVER_TMP"; fi
}
trap cleanup EXIT

# 1. The Python client. The venv's bin goes first on PATH: the generator runs its own `ruff`.
if [ "$(cat "$VENV/pins" 2>/dev/null || true)" != "$PINS" ] || [ ! -x "$VENV/bin/openapi-python-client" ]; then
    log "installing $PINS into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    # shellcheck disable=SC2086 # one word per requirement
    "$VENV/bin/pip" install -q --disable-pip-version-check $PINS
    echo "$PINS" >"$VENV/pins"
fi
export PATH="$VENV/bin:$PATH"
openapi-python-client --version

mkdir -p "$OUT/python"
gen_log="$OUT/python/generate.log"
log "generating the Python client from $DOC"
openapi-python-client generate --path "$DOC" --meta none \
    --output-path "$OUT/python/carechat_client" --overwrite >"$gen_log" 2>&1 || {
    cat "$gen_log" >&2
    log "openapi-python-client failed"
    exit 1
}
cat "$gen_log"
# It exits 0 after skipping what it cannot represent; its warnings say what was dropped.
if grep -qiE 'warning|error' "$gen_log"; then
    log "openapi-python-client reported problems with the document (above): a client would lack them"
    exit 1
fi

# 2. The server and the smoke flow.
if [ ! -x "$BIN" ]; then
    log "$BIN missing; building it (cargo build --bin carechat)"
    cargo build --bin carechat
fi
# A one-track build (the track-alone CI steps leave one) would 404 the other tracks' routes.
missing_paths="$("$BIN" openapi | python3 -c '
import json, sys
served = json.load(sys.stdin)["paths"]
print(" ".join(sorted(set(json.load(open(sys.argv[1]))["paths"]) - set(served))))' "$ROOT/openapi/openapi.json")"
if [ -n "$missing_paths" ]; then
    log "$BIN does not serve every documented path (not the default-feature build?): $missing_paths"
    exit 1
fi
SERVER_TMP="$(mktemp -d)"
db="sqlite://$SERVER_TMP/client.db"
store_env=(
    CARECHAT_STORAGE__IDENTITY="$db" CARECHAT_STORAGE__TRACK1="$db" CARECHAT_STORAGE__TRACK2="$db"
    CARECHAT_STORAGE__TRACK3="$db" CARECHAT_STORAGE__ANALYTICS="$db"
)
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
server_log="$OUT/server.log"
log "starting $BIN on $base (log: $server_log)"
(
    cd "$SERVER_TMP"
    # The offline assistant answers whatever API keys the environment holds.
    exec env "${store_env[@]}" RUST_LOG="${RUST_LOG:-info}" CARECHAT_SERVER__HOST=127.0.0.1 \
        CARECHAT_SERVER__PORT="$port" CARECHAT_CHAT__DEFAULT_PROVIDER=local "$BIN" serve
) >"$server_log" 2>&1 </dev/null &
SERVER_PID=$!
for i in $(seq 1 60); do
    if curl -fsS -o /dev/null "$base/health/ready" 2>/dev/null; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null || [ "$i" -eq 60 ]; then
        log "server not ready; last lines of its log:"
        tail -n 40 "$server_log" >&2
        exit 1
    fi
    sleep 0.5
done

admin_phone="+15550008888" admin_password="client-smoke-admin-1"
(cd "$SERVER_TMP" && env "${store_env[@]}" CARECHAT_ADMIN_PASSWORD="$admin_password" \
    "$BIN" admin create --phone "$admin_phone" --name "Client Smoke Admin" >/dev/null)

rc=0
PYTHONPATH="$OUT/python" CARECHAT_BASE_URL="$base" CARECHAT_ADMIN_PHONE="$admin_phone" \
    CARECHAT_ADMIN_PASSWORD="$admin_password" "$VENV/bin/python" tests/clients/python_smoke.py || rc=$?
if [ "$rc" -ne 0 ]; then
    log "the Python smoke flow failed; last lines of the server log:"
    tail -n 20 "$server_log" >&2
    exit "$rc"
fi
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

# 3. TypeScript types, type-checked by a usage file.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    log "node and npm are required for the TypeScript check"
    exit 1
fi
installed_ok() {
    # node_modules holds exactly the versions package.json pins. (The JS is single-quoted on purpose.)
    # shellcheck disable=SC2016
    (cd tests/clients && node -e '
        const fs = require("fs");
        const want = JSON.parse(fs.readFileSync("package.json")).devDependencies;
        for (const [name, version] of Object.entries(want)) {
            const have = JSON.parse(fs.readFileSync(`node_modules/${name}/package.json`)).version;
            if (have !== version) process.exit(1);
        }
    ') 2>/dev/null
}
if ! installed_ok; then
    log "installing tests/clients packages (npm ci)"
    (cd tests/clients && npm ci --no-audit --no-fund)
fi
mkdir -p "$OUT/ts"
tests/clients/node_modules/.bin/openapi-typescript "$DOC" -o "$OUT/ts/schema.d.ts"
tests/clients/node_modules/.bin/tsc -p tests/clients/tsconfig.json
echo "client-test.sh: TypeScript usage type-checks against the generated types"
