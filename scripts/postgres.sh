#!/usr/bin/env bash
# Install (when missing), start and provision a local PostgreSQL for CareChat's tests.
#
# Idempotent: safe to run any number of times. Needs root (or sudo).
#   - installs Debian's `postgresql` package only when no server binaries are present;
#   - creates the cluster `main` for the newest installed major version when it is missing;
#   - starts it when it is not running and waits until it accepts TCP connections;
#   - creates (or repairs) the role carechat/carechat with LOGIN CREATEDB.
#
# Executed: progress goes to stderr, the connection URL is printed on stdout, e.g.
#   CARECHAT_TEST_POSTGRES_URL="$(scripts/postgres.sh)"
# Sourced (`. scripts/postgres.sh`): does the same and exports CARECHAT_TEST_POSTGRES_URL
# without changing the caller's shell options.

_carechat_postgres() (
    set -euo pipefail

    local role=carechat password=carechat host=127.0.0.1
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "postgres.sh: needs root (or sudo)" >&2; exit 1; }
        sudo=(sudo)
    fi
    log() { echo "postgres.sh: $*" >&2; }

    # 1. Server packages.
    if ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || ! command -v pg_lsclusters >/dev/null; then
        log "PostgreSQL not found; installing Debian's postgresql package"
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
    fi
    local pgv
    pgv="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
    [ -n "$pgv" ] || { log "no PostgreSQL version under /usr/lib/postgresql"; exit 1; }

    # 2. Cluster `main` for that version.
    if ! pg_lsclusters -h | awk -v v="$pgv" '$1 == v && $2 == "main" { found = 1 } END { exit !found }'; then
        log "creating cluster $pgv/main"
        "${sudo[@]}" pg_createcluster "$pgv" main >&2
    fi
    local port
    port="$(pg_lsclusters -h | awk -v v="$pgv" '$1 == v && $2 == "main" { print $3 }')"

    # 3. Running? (`start` on a running cluster exits 2, so ask first.)
    if ! "${sudo[@]}" pg_ctlcluster "$pgv" main status >/dev/null 2>&1; then
        log "starting cluster $pgv/main on port $port"
        if ! "${sudo[@]}" pg_ctlcluster "$pgv" main start >&2; then
            log "start failed; last lines of the server log:"
            "${sudo[@]}" tail -n 30 "/var/log/postgresql/postgresql-$pgv-main.log" >&2 || true
            exit 1
        fi
    fi

    # 4. Wait until it accepts TCP connections (up to ~30 s).
    local i
    for i in $(seq 1 60); do
        if pg_isready -q -h "$host" -p "$port"; then break; fi
        if [ "$i" -eq 60 ]; then
            log "PostgreSQL did not become ready on $host:$port"
            "${sudo[@]}" tail -n 30 "/var/log/postgresql/postgresql-$pgv-main.log" >&2 || true
            exit 1
        fi
        sleep 0.5
    done

    # 5. Role (peer auth over the local socket; TCP uses scram-sha-256, hence the password).
    cd /   # psql as postgres cannot chdir into root-owned work trees
    psql_pg() { "${sudo[@]}" runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"; }
    if [ "$(psql_pg -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" = "1" ]; then
        psql_pg -c "ALTER ROLE $role WITH LOGIN CREATEDB PASSWORD '$password'" >&2
    else
        log "creating role $role"
        psql_pg -c "CREATE ROLE $role WITH LOGIN CREATEDB PASSWORD '$password'" >&2
    fi

    local url="postgres://$role:$password@$host:$port/postgres"
    log "PostgreSQL $pgv ready at $url"
    echo "$url"
)

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    # Sourced: provision and export the URL for the caller.
    if CARECHAT_TEST_POSTGRES_URL="$(_carechat_postgres)"; then
        export CARECHAT_TEST_POSTGRES_URL
        echo "CARECHAT_TEST_POSTGRES_URL=$CARECHAT_TEST_POSTGRES_URL" >&2
    else
        return 1
    fi
else
    _carechat_postgres
fi
