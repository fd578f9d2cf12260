#!/usr/bin/env bash
# `make fuzz`: property-based API fuzzing with schemathesis against the committed spec.
#
# Starts the freshly built `kefu` on an empty SQLite database in a temporary directory on a
# free port, seeds it through the API, then runs every schemathesis check (examples,
# coverage, fuzzing and stateful phases; OpenAPI links included) with a fixed seed, once as
# the admin and once as an engineer. Exits non-zero on any failure; always stops the server
# and removes the database.
#
# Environment knobs (defaults are what CI runs):
#   FUZZ_SEED          hypothesis seed                         (default 20260301)
#   FUZZ_MAX_EXAMPLES  examples per operation and phase         (default 100)
#   FUZZ_MAX_TIME      hard cap in seconds per identity (a run that hits it fails)
#                      (default 1500)
#   FUZZ_WORKERS       concurrent schemathesis workers          (default 2)
#   FUZZ_KEEP          1 keeps the temp dir (server log, reports) for debugging
#   FUZZ_PATHS         regex: fuzz only the matching paths, to check new operations quickly;
#                      skips the stateful phase (default: every path, all phases)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

seed=${FUZZ_SEED:-20260301}
max_examples=${FUZZ_MAX_EXAMPLES:-100}
max_time=${FUZZ_MAX_TIME:-1500}
workers=${FUZZ_WORKERS:-2}
venv=$root/.venv-fuzz
requirements=$root/scripts/fuzz/requirements.txt
kefu=${CARGO_TARGET_DIR:-$root/target}/debug/kefu

log() { printf 'fuzz: %s\n' "$*" >&2; }

# --- schemathesis in a private virtualenv, reinstalled only when the pin changes -----------
want=$(sed -n 's/^schemathesis==//p' "$requirements")
have=$("$venv/bin/schemathesis" --version 2>/dev/null | sed -n 's/.*version //p' || true)
if [ "$have" != "$want" ]; then
    log "installing schemathesis $want into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
fi
st=$venv/bin/schemathesis

# --- the server ---------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/kefu-fuzz.XXXXXX")
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "${FUZZ_KEEP:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

admin_password='Fuzz-Admin-Pass-7'
engineer_password='Fuzz-Engineer-Pass-7'
# Lock-outs are raised so that fuzzing the login endpoint (thousands of wrong passwords from
# one address) cannot lock the seeded accounts out; the lock-out itself is covered by the
# black-box tests. Rate limits are off: the fuzzer sends thousands of requests a minute from
# one address with one token. Access tokens live for the whole run.
KEFU_BIND=127.0.0.1:0 \
KEFU_DATABASE_URL="sqlite://$work/kefu.db" \
KEFU_STORAGE_DIR="$work/objects" \
KEFU_ADMIN_PASSWORD=$admin_password \
KEFU_LOGIN_MAX_FAILURES_PER_ACCOUNT=1000000 \
KEFU_LOGIN_MAX_FAILURES_PER_IP=1000000 \
KEFU_RATE_LIMIT_PER_TOKEN=0 \
KEFU_RATE_LIMIT_PER_IP=0 \
KEFU_ACCESS_TOKEN_TTL_SECS=7200 \
KEFU_WORKERS=2 \
KEFU_LOG=info \
    "$kefu" serve >"$work/server.log" 2>&1 &
server_pid=$!

addr=
for _ in $(seq 100); do
    addr=$(jq -r 'select(.fields.message? == "listening" or .message? == "listening")
                  | (.fields.addr // .addr)' "$work/server.log" 2>/dev/null | head -n1 || true)
    [ -n "$addr" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; log "server died"; exit 1; }
    sleep 0.2
done
[ -n "$addr" ] || { cat "$work/server.log" >&2; log "server did not report its address"; exit 1; }
base=http://$addr
log "server on $base, database in $work"

# --- seed data through the API ------------------------------------------------------------
# api METHOD PATH [TOKEN] [JSON]: prints the body; fails on a non-2xx answer.
api() {
    local method=$1 path=$2 token=${3:-} body=${4:-}
    local args=(-sS -X "$method" "$base$path" -H 'content-type: application/json'
                -w '\n%{http_code}')
    [ -n "$token" ] && args+=(-H "authorization: Bearer $token")
    [ -n "$body" ] && args+=(--data "$body")
    local out code
    out=$(curl "${args[@]}")
    code=${out##*$'\n'}
    out=${out%$'\n'*}
    if [ "${code:0:1}" != 2 ]; then log "$method $path -> $code: $out"; return 1; fi
    printf '%s' "$out"
}
login() { api POST /api/v1/auth/login '' "{\"username\":\"$1\",\"password\":\"$2\"}" | jq -r .access_token; }
my_id() { api GET /api/v1/me "$1" | jq -r .id; }

admin=$(login admin "$admin_password")
api POST /api/v1/users "$admin" "{\"kind\":\"human\",\"username\":\"fuzz.engineer\",\"display_name\":\"模糊测试工程师\",
    \"roles\":[\"engineer\"],\"phone\":\"138 0013 8000\",\"password\":\"$engineer_password\"}" >/dev/null
service_id=$(api POST /api/v1/users "$admin" '{"username":"fuzz.export","display_name":"Finance export",
    "kind":"service","roles":["finance"]}' | jq -r .id)
api POST /api/v1/api-keys "$admin" "{\"user_id\":\"$service_id\",\"name\":\"fuzz export\"}" >/dev/null
for i in 1 2 3; do
    api POST /api/v1/users "$admin" "{\"kind\":\"human\",\"username\":\"fuzz.user$i\",\"display_name\":\"用户 $i\",
        \"roles\":[\"clerk\"],\"email\":\"user$i@example.com\"}" >/dev/null
done
engineer=$(login fuzz.engineer "$engineer_password")
# Decoys for commands aimed at the caller's own account (see hooks.py).
decoy_id=$(api POST /api/v1/users "$admin" '{"kind":"human","username":"fuzz.decoy","display_name":"Decoy",
    "roles":["admin"],"password":"Fuzz-Decoy-Pass-7"}' | jq -r .id)

# --- fuzz --------------------------------------------------------------------------------
# The stateful phase walks the spec's links; a path filter can cut every link out, which
# schemathesis reports as an error, so a filtered run checks the operations one by one only.
phases=examples,coverage,fuzzing,stateful
if [ -n "${FUZZ_PATHS:-}" ]; then phases=examples,coverage,fuzzing; fi
# run_as NAME TOKEN: one full schemathesis run with that identity.
run_as() {
    local name=$1 token=$2 self
    self=$(my_id "$token")
    log "schemathesis as $name (seed $seed, $max_examples examples per operation)"
    # --max-time would keep fuzzing until the budget is spent; `timeout` only caps the run.
    # The token goes in through the `bearer` security scheme (schemathesis.toml), not a fixed
    # `-H Authorization`: the checks that send a request without credentials (ignored_auth,
    # missing_required_header) must be able to leave it out.
    # Run from the temp dir: schemathesis keeps a `.schemathesis/` cache in its working
    # directory, which must neither land in the repo nor carry over between runs.
    (cd "$work" && KEFU_FUZZ_TOKEN=$token KEFU_FUZZ_SELF_ID=$self KEFU_FUZZ_DECOY_ID=$decoy_id \
    SCHEMATHESIS_HOOKS=$root/scripts/fuzz/hooks.py \
    timeout --signal=INT --kill-after=30 "$max_time" \
        "$st" --config-file "$root/scripts/fuzz/schemathesis.toml" run "$root/openapi/openapi.json" \
        --url "$base" \
        --checks all \
        --phases "$phases" \
        --max-examples "$max_examples" \
        --seed "$seed" \
        --workers "$workers" \
        --generation-database none \
        --request-timeout 10 \
        --report junit --report-dir "$work/report-$name" \
        --no-color \
        ${FUZZ_PATHS:+--include-path-regex "$FUZZ_PATHS"})
}

# session_intact NAME TOKEN: the identity must come out of its run as it went in (enabled, no
# temporary password); otherwise most of the run only saw 401/403 and proved nothing.
session_intact() {
    local me
    me=$(api GET /api/v1/me "$2") || { log "the $1 session did not survive its run"; return 1; }
    if [ "$(jq -r '.disabled or .must_change_password' <<<"$me")" != false ]; then
        log "the $1 account was disabled or its password reset during its run: $me"
        return 1
    fi
}

status=0
run_as admin "$admin" || status=1
session_intact admin "$admin" || status=1
run_as engineer "$engineer" || status=1
session_intact engineer "$engineer" || status=1
# Every audit action must be a webhook event or listed as unpublished (kernel/outbox.rs).
if grep -F 'audit action neither published nor listed as unpublished' "$work/server.log" >&2; then
    log "audit actions above are neither webhook events nor listed as unpublished"
    status=1
fi
if [ "$status" != 0 ]; then
    log "FAILED (server log tail below)"
    grep -v '"message":"request"' "$work/server.log" | tail -n 20 >&2 || true
fi
exit "$status"
