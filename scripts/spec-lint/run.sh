#!/usr/bin/env bash
# `make spec-lint`: Spectral (spectral:oas + OWASP API Security Top 10 2023) and Redocly
# (`recommended`) on the committed openapi/openapi.json, with the pinned versions of
# package-lock.json (installed from the npm registry on first use). Prints one line per linter
# and fails on any error; warnings are listed in the rulesets with their reasons.
set -uo pipefail
cd "$(dirname "$0")"
spec=../../openapi/openapi.json
if [ ! -x node_modules/.bin/spectral ] || [ ! -x node_modules/.bin/redocly ]; then
    npm ci --no-audit --no-fund --silent >&2 || exit 1
fi
status=0
spectral=$(node_modules/.bin/spectral lint "$spec" -r .spectral.yaml -f json --quiet 2>/dev/null)
summary=$(jq -r '"spectral: \(map(select(.severity == 0)) | length) errors, \(map(select(.severity == 1)) | length) warnings" +
    (if any(.severity == 0) then " (" + (map(select(.severity == 0)) | group_by(.code) | map("\(.[0].code) \(length)") | join(", ")) + ")" else "" end)' <<<"${spectral:-[]}")
echo "$summary"
jq -e 'any(.severity == 0) | not' <<<"${spectral:-[]}" >/dev/null || status=1
redocly=$(REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
    node_modules/.bin/redocly lint "$spec" --config redocly.yaml --format json 2>/dev/null)
jq -r '"redocly: \(.totals.errors) errors, \(.totals.warnings) warnings" +
    (if .totals.errors > 0 then " (" + ([.problems[] | select(.severity == "error") | .ruleId] | group_by(.) | map("\(.[0]) \(length)") | join(", ")) + ")" else "" end)' <<<"$redocly"
jq -e '.totals.errors == 0' <<<"$redocly" >/dev/null || status=1
exit $status
