# kefu — the two set-up commands are `make run` and `make test`.
CARGO ?= cargo
SHELL := /bin/bash
# The debug binary, wherever CARGO_TARGET_DIR puts it.
KEFU_DEBUG_BIN := $(or $(CARGO_TARGET_DIR),target)/debug/kefu
# Domain crates must stay pure: no database, web framework or runtime in their graph.
DOMAIN_CRATES := core tickets contracts inventory scoring billing
FORBIDDEN := ^(diesel|actix-web|actix-rt|actix-server|r2d2|tokio|mio|pq-sys|libsqlite3-sys|hyper|reqwest) v

.PHONY: bench run release build prereqs test test-sqlite test-pg lint fmt clippy check-deps module-cycles schema-names openapi openapi-check fuzz proof spec-lint clients

## Build and start the server on the embedded SQLite database (./data/kefu.db).
run: build
	$(KEFU_DEBUG_BIN) serve

## Optimised binary at target/release/kefu.
release: prereqs
	$(CARGO) build --release -p kefu-api --bin kefu

build: prereqs
	$(CARGO) build -p kefu-api --bin kefu

## What the build needs from the machine, said in one line each when missing.
prereqs:
	@scripts/prereqs.sh

## The whole suite on SQLite, then again on PostgreSQL when KEFU_TEST_PG_URL is set.
test: build
	$(MAKE) test-sqlite
	@if [ -n "$$KEFU_TEST_PG_URL" ]; then $(MAKE) test-pg; \
	else echo "KEFU_TEST_PG_URL not set: PostgreSQL run skipped"; fi

# Unit and store tests run once (store tests cover PostgreSQL themselves when the URL is
# set); the black-box suite runs once per database.
test-sqlite:
	$(call run_tests,--workspace)

test-pg: export KEFU_TEST_DB = postgres
test-pg:
	$(call run_tests,-p kefu-blackbox)

define run_tests
	if $(CARGO) nextest --version >/dev/null 2>&1; then \
		$(CARGO) nextest run --no-fail-fast $(1); \
	else \
		echo "cargo-nextest not found: using cargo test"; \
		$(CARGO) test --no-fail-fast $(1); \
	fi
endef

lint: fmt clippy check-deps module-cycles schema-names openapi-check spec-lint

fmt:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

check-deps:
	@for c in $(DOMAIN_CRATES); do \
		bad=$$($(CARGO) tree -p kefu-$$c -e normal,build --prefix none | sort -u | grep -E '$(FORBIDDEN)' || true); \
		if [ -n "$$bad" ]; then echo "kefu-$$c must not depend on: $$bad"; exit 1; fi; \
	done; echo "domain crates are free of I/O dependencies"

# The API crate's kernel imports no domain folder, and its modules import no cycle.
module-cycles:
	@python3 scripts/lint/module_cycles.py

# Every OpenAPI schema name is declared by one type (two would overwrite each other).
schema-names:
	@python3 scripts/lint/schema_names.py

## The month close at scale (issue 16): commissions and payroll for 200 engineers over a
## year of data, optimised build; prints what it measured (the target is under 5 s).
bench:
	$(CARGO) bench -p kefu-api --bench month_close

## Regenerate openapi/openapi.json from the code.
openapi: build
	$(KEFU_DEBUG_BIN) openapi > openapi/openapi.json

openapi-check: build
	@$(KEFU_DEBUG_BIN) openapi | diff -u openapi/openapi.json - \
		|| (echo "openapi/openapi.json is stale: run 'make openapi'"; exit 1)

## Spectral (OWASP) and Redocly on openapi/openapi.json (scripts/spec-lint; pinned npm tools).
spec-lint:
	./scripts/spec-lint/run.sh

## Generated clients (scripts/clients/run.sh): a TypeScript client (openapi-typescript +
## openapi-fetch) and a Python client (openapi-python-client) from openapi/openapi.json, each
## type-checked strictly with a dispatcher-flow script that then runs against a fresh server.
clients: build
	KEFU_BIN=$(KEFU_DEBUG_BIN) ./scripts/clients/run.sh

## Schemathesis against openapi/openapi.json on a fresh, seeded server (see scripts/fuzz/run.sh).
fuzz: build
	./scripts/fuzz/run.sh

## The robustness proof (scripts/proof/run.sh): access matrix, kill -9, contention, hostile
## input, memory under a login storm, advisories; one summary. PROOF_RECORD=1 keeps it in
## docs/robustness.md.
proof:
	./scripts/proof/run.sh
