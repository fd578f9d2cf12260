#!/usr/bin/env bash
# `make clients`: generates the TypeScript client (openapi-typescript + openapi-fetch) and the
# Python client (openapi-python-client) from openapi/openapi.json with the pinned generators
# (clients/ts/package-lock.json, clients/python/requirements.txt), fails on any generator
# warning, type-checks each client with its dispatcher-flow script (`tsc --strict
# --noUncheckedIndexedAccess`, `mypy --strict`), then runs each script against its own live
# server on a fresh SQLite database. Generated code is never edited: clients/ts/generated/,
# clients/ts/dist/ and clients/python/{.venv,generated}/ are git-ignored output.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
spec="$root/openapi/openapi.json"
bin="${KEFU_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/kefu}"
[ -x "$bin" ] || { echo "clients: $bin not built (make build)" >&2; exit 1; }

# A generator's output, failing the run if it warned about anything.
no_warnings() {
    local name=$1 log=$2
    if grep -iE 'warn|unsupported|skipp' "$log" >/dev/null; then
        echo "clients: $name warned:" >&2; cat "$log" >&2; exit 1
    fi
}

echo "== TypeScript client"
ts="$root/clients/ts"
# Reinstalled whenever the lockfile changed since the last install.
if ! cmp -s "$ts/package-lock.json" "$ts/node_modules/.kefu-lock" 2>/dev/null; then
    (cd "$ts" && npm ci --no-audit --no-fund --silent >&2)
    cp "$ts/package-lock.json" "$ts/node_modules/.kefu-lock"
fi
rm -rf "$ts/generated" "$ts/dist"
(cd "$ts" && node generate.mjs "$spec" generated/kefu.d.ts) 2>&1 | tee "$ts/generate.log"
no_warnings openapi-typescript "$ts/generate.log"
(cd "$ts" && node_modules/.bin/tsc -p tsconfig.json --strict --noUncheckedIndexedAccess)
echo "tsc --strict --noUncheckedIndexedAccess: 0 errors"

echo "== Python client"
py="$root/clients/python"
venv="$py/.venv"
if [ ! -x "$venv/bin/mypy" ] || ! cmp -s "$py/requirements.txt" "$venv/requirements.txt"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$py/requirements.txt" >&2
    cp "$py/requirements.txt" "$venv/requirements.txt"
fi
rm -rf "$py/generated"
(cd "$py" && PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate --path "$spec" \
    --config config.yaml --output-path generated/kefu_client --meta none) >"$py/generate.log" 2>&1 \
    || { cat "$py/generate.log" >&2; exit 1; }
cat "$py/generate.log"
no_warnings openapi-python-client "$py/generate.log"
(cd "$py" && MYPYPATH=generated "$venv/bin/mypy" --strict --no-error-summary --cache-dir .venv/mypy-cache \
    generated/kefu_client flow.py)
echo "mypy --strict: 0 errors"

# One server per script: each starts from an empty database and its own generated admin
# password, which must be changed before anything else (the forced change).
serve() {
    local dir=$1
    mkdir -p "$dir/objects"
    env -i PATH="$PATH" KEFU_DATABASE_URL="sqlite://$dir/kefu.db" KEFU_BIND=127.0.0.1:0 \
        KEFU_STORAGE_DIR="$dir/objects" KEFU_CLOCK_FIXED="${KEFU_CLIENTS_CLOCK:-2026-03-10T10:00:00+08:00}" \
        KEFU_LOG=info KEFU_WORKERS=2 "$bin" serve >"$dir/out.log" 2>"$dir/err.log" &
    echo $! >"$dir/pid"
    for _ in $(seq 600); do
        addr=$(jq -r 'select(.message == "listening") | .addr' "$dir/out.log" 2>/dev/null | head -1)
        [ -n "$addr" ] && break
        sleep 0.1
    done
    [ -n "$addr" ] || { echo "clients: kefu did not start" >&2; cat "$dir/out.log" "$dir/err.log" >&2; exit 1; }
    KEFU_URL="http://$addr"
    KEFU_ADMIN_PASSWORD=$(sed -n 's/.*created user `admin` with password \([^ ]*\) .*/\1/p' "$dir/err.log")
    export KEFU_URL KEFU_ADMIN_PASSWORD
}

work=$(mktemp -d)
cleanup() {
    for p in "$work"/*/pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

echo "== TypeScript flow"
serve "$work/ts"
node "$ts/dist/flow.js"
echo "== Python flow"
serve "$work/py"
(cd "$py" && PYTHONPATH=generated "$venv/bin/python" flow.py)
echo "clients: both generated clients build and drive the dispatcher flow"
