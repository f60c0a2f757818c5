#!/usr/bin/env bash
# Real-browser tests (tests/browser/: Swagger UI's new-user path) in Debian's Chromium.
#
# Idempotent: safe to run any number of times. Needs root (or sudo) only to install Chromium.
#   - installs Debian's `chromium` package when /usr/bin/chromium is missing (apt-get update first);
#   - installs tests/browser's npm packages (playwright-core, which downloads no browser) with
#     `npm ci` when they are missing or not the pinned version (`npm install` without a lockfile);
#   - runs `node --test tests/browser/` from the repo root; the exit code is the tests' result.
#
# The tests start the server themselves from $CARECHAT_BIN (default target/debug/carechat, the
# default-feature binary `cargo test` builds; built here only when missing). Screenshot:
# target/browser/swagger-authorized.png. Needs Node.js >= 20 and npm (on the machine image).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
log() { echo "browser-test.sh: $*" >&2; }

sudo=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then sudo=(sudo); fi

# 1. Chromium (Debian's; playwright-core drives it through executablePath).
if [ ! -x /usr/bin/chromium ]; then
    log "/usr/bin/chromium not found; installing Debian's chromium package"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >&2
fi
/usr/bin/chromium --version 2>/dev/null || true

# 2. Node.js and the test's npm packages.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    log "node and npm are required (Node.js >= 20)"
    exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
    log "Node.js >= 20 required (playwright-core), found $(node --version)"
    exit 1
fi
echo "node $(node --version), npm $(npm --version)"

installed_ok() {
    # node_modules present with the version package.json pins.
    (cd tests/browser && node -e '
        const fs = require("fs");
        const want = JSON.parse(fs.readFileSync("package.json")).dependencies["playwright-core"];
        const have = JSON.parse(fs.readFileSync("node_modules/playwright-core/package.json")).version;
        process.exit(want === have ? 0 : 1);
    ') 2>/dev/null
}
if ! installed_ok; then
    if [ -f tests/browser/package-lock.json ]; then
        log "installing tests/browser packages (npm ci)"
        (cd tests/browser && npm ci --no-audit --no-fund)
    else
        log "no package-lock.json; installing tests/browser packages (npm install)"
        (cd tests/browser && npm install --no-audit --no-fund)
    fi
fi

# 3. The server binary.
export CARECHAT_BIN="${CARECHAT_BIN:-$ROOT/target/debug/carechat}"
if [ ! -x "$CARECHAT_BIN" ]; then
    if [ "$CARECHAT_BIN" = "$ROOT/target/debug/carechat" ]; then
        log "$CARECHAT_BIN missing; building it (cargo build --bin carechat)"
        cargo build --bin carechat
    else
        log "CARECHAT_BIN=$CARECHAT_BIN is not an executable"
        exit 1
    fi
fi

# 4. The tests.
mkdir -p target/browser
exec node --test tests/browser/
