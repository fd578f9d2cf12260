#!/usr/bin/env bash
# Checks what `make run` and `make test` need from the machine before cargo starts, so that a
# newcomer reads one clear line instead of a build script's stack of compiler output.
# The database drivers are compiled in (SQLite and libpq bundled); libpq links OpenSSL.
set -uo pipefail
need_rust="1.88"
missing=()

if ! command -v cargo >/dev/null 2>&1; then
    missing+=("Rust $need_rust or newer (https://rustup.rs: curl ... | sh, then a new shell)")
else
    have=$(rustc --version | awk '{print $2}')
    if [ "$(printf '%s\n%s\n' "$need_rust" "$have" | sort -V | head -1)" != "$need_rust" ]; then
        missing+=("Rust $need_rust or newer (found $have: rustup update stable)")
    fi
fi
command -v cc >/dev/null 2>&1 || missing+=("a C compiler (Debian: apt install build-essential)")
command -v pkg-config >/dev/null 2>&1 || missing+=("pkg-config (Debian: apt install pkg-config)")
if command -v pkg-config >/dev/null 2>&1 && ! pkg-config --exists openssl; then
    missing+=("the OpenSSL headers (Debian: apt install libssl-dev)")
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "kefu cannot be built on this machine yet; missing:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
fi
