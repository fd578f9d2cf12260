#!/usr/bin/env python3
"""Every OpenAPI schema name is declared once.

utoipa names a component after its Rust type (or `#[schema(as = …)]`); two types of one name
in different modules silently overwrite each other in the document, so one operation ends up
described with the other's schema (a commission line's `kind` once listed a claim line's
values). This scans every `ToSchema` derive and fails on a name declared twice.
"""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[2]
derive = re.compile(r"#\[derive\([^\]]*\bToSchema\b")
schema_as = re.compile(r"#\[schema\([^\]]*\bas\s*=\s*([A-Za-z_][\w:]*)")
item = re.compile(r"^\s*pub(?:\([^)]*\))?\s+(?:struct|enum)\s+([A-Za-z_]\w*)")

seen: dict[str, list[str]] = {}
for path in sorted(root.glob("crates/*/src/**/*.rs")):
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if not derive.search(line):
            continue
        renamed = None
        for j in range(i, min(i + 40, len(lines))):
            m = schema_as.search(lines[j])
            if m:
                renamed = m.group(1).split("::")[-1]
            m = item.match(lines[j])
            if m:
                name = renamed or m.group(1)
                seen.setdefault(name, []).append(f"{path.relative_to(root)}:{j + 1}")
                break

dups = {n: places for n, places in seen.items() if len(places) > 1}
for name, places in sorted(dups.items()):
    print(f"schema name {name} is declared {len(places)} times: {', '.join(places)}")
if dups:
    print("give each a distinct name (rename the type, or #[schema(as = …)])")
    sys.exit(1)
print(f"{len(seen)} schema names, each declared once")
