#!/usr/bin/env bash
# `make proof`: the robustness proof, repeatable on a fresh clone, with one summary at the end.
#
#   1. The proof's black-box tests, on SQLite and (with KEFU_TEST_PG_URL) on PostgreSQL:
#      the authorisation matrix generated from the spec, kill -9 under load, idempotency
#      contention and crashed claims, parallel logins against the lock-out, a lost database,
#      hostile input (NUL, nesting, invalid UTF-8, SQL/HTML text, climbing file names, oversized
#      bodies, queries and headers, image bombs, long search text), two schedulers.
#   2. Memory under 150 parallel logins and after waves of hostile input, on the release
#      binary (scripts/proof/logins_rss.py, hostile_rss.py).
#   3. Spec lint: Spectral (spectral:oas + OWASP) and Redocly on openapi/openapi.json.
#   4. Advisories: cargo audit against the local RustSec snapshot (ADVISORY_DB, default
#      ../shared/advisory-db; no network), every finding fixed or listed in .cargo/audit.toml.
#
# PROOF_RECORD=1 appends the summary, dated, to docs/robustness.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
target=${CARGO_TARGET_DIR:-$root/target}
advisory_db=${ADVISORY_DB:-$root/../shared/advisory-db}
log() { printf 'proof: %s\n' "$*" >&2; }
failures=0
summary=()

# The proof's tests, by name: each one fails on the defect it guards against.
filter='test(/access_matrix|crash::|hostile::|idempotent|key_left_claimed|committed_before_a_crash|parallel_wrong_logins|thirty_parallel_logins|hashing_slot|lost_database|database_lost_under_load|nul_characters|huge_canvas|over_limit_upload|bodies_must_be_json|search_text_longer|two_instances|lease_expired|replayed_twice/)'

run_tests() { # NAME, then env assignments
    local name=$1 out
    shift
    out=$(env "$@" cargo nextest run --no-fail-fast -p kefu-blackbox -E "$filter" --no-capture 2>&1)
    local status=$?
    local passed
    passed=$(grep -oE '[0-9]+ tests? run: [0-9]+ passed[^)]*' <<<"$out" | tail -n1)
    summary+=("$name: ${passed:-no summary}")
    while IFS= read -r line; do summary+=("  $line"); done \
        < <(grep -E '^(access matrix|crash test[^:]*|database outage):' <<<"$out")
    if [ $status != 0 ]; then
        failures=$((failures + 1))
        grep -E '^\s+FAIL|panicked' <<<"$out" | head -n 20 >&2
    fi
}

log "building"
cargo build -p kefu-api --bin kefu >&2 || exit 1
cargo build --release -p kefu-api --bin kefu >&2 || exit 1

log "black-box proof on SQLite"
run_tests "tests on SQLite"
if [ -n "${KEFU_TEST_PG_URL:-}" ]; then
    log "black-box proof on PostgreSQL"
    run_tests "tests on PostgreSQL" KEFU_TEST_DB=postgres
else
    summary+=("tests on PostgreSQL: skipped (KEFU_TEST_PG_URL not set)")
fi

measure() { # LABEL SCRIPT: one memory measurement on the release binary
    local rss
    if rss=$(python3 "scripts/proof/$2" "$target/release/kefu"); then
        summary+=("$1: $rss")
    else
        summary+=("$1: FAILED $rss")
        failures=$((failures + 1))
    fi
}
log "memory under 150 parallel logins (release build)"
measure "login storm" logins_rss.py
log "memory after waves of hostile input (release build)"
measure "hostile input" hostile_rss.py

log "spec lint (Spectral OWASP, Redocly)"
lint=$(scripts/spec-lint/run.sh) || failures=$((failures + 1))
while IFS= read -r line; do summary+=("spec lint: $line"); done <<<"$lint"

log "advisories"
if ! cargo audit --version >/dev/null 2>&1; then
    log "installing cargo-audit"
    cargo install --locked cargo-audit >&2 || exit 1
fi
if [ -d "$advisory_db" ]; then
    if audit=$(cargo audit --db "$advisory_db" --no-fetch --json 2>/dev/null); then
        summary+=("advisories: $(jq -r '"\(.vulnerabilities.count) vulnerabilities, \(.warnings | map(length) | add // 0) warnings"' <<<"$audit") ($(cat "$advisory_db/SNAPSHOT.txt" 2>/dev/null | head -n1))")
    else
        summary+=("advisories: FAILED $(jq -c '[.vulnerabilities.list[].advisory.id]' <<<"$audit" 2>/dev/null)")
        failures=$((failures + 1))
    fi
else
    summary+=("advisories: FAILED no advisory database at $advisory_db (set ADVISORY_DB)")
    failures=$((failures + 1))
fi

report=$(printf '%s\n' "${summary[@]}")
printf '\n== make proof ==\n%s\nfailures: %s\n' "$report" "$failures"
if [ "${PROOF_RECORD:-0}" = 1 ]; then
    {
        printf '\n### %s (commit %s)\n\n```\n%s\nfailures: %s\n```\n' \
            "$(date -u +%Y-%m-%d)" "$(git rev-parse --short HEAD)" "$report" "$failures"
    } >>docs/robustness.md
    log "recorded in docs/robustness.md"
fi
[ "$failures" = 0 ]
