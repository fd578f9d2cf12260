"""schemathesis hooks for `make fuzz` (loaded through SCHEMATHESIS_HOOKS by run.sh).

Idempotency-Key: the server keys stored responses by caller and key, and answers 422 when a key
comes back with a different request (api.md "Writes"). Generated keys collide all the time
(hypothesis shrinks them to the same few strings, across operations too), which would turn
every later well-formed POST that happens to reuse one into a 422. Real clients send a fresh key
per logical request, so every *valid* generated key is made unique here; invalid keys are sent
as generated, so their rejection (400) is still checked. Replay and the 422 on reuse are covered
by the black-box tests (tests/blackbox/conventions.rs).
"""

import itertools
import re

import schemathesis

_VALID_KEY = re.compile(r"[!-~]{1,255}")
_counter = itertools.count()


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() != "idempotency-key":
            continue
        value = headers[name]
        if isinstance(value, str) and _VALID_KEY.fullmatch(value):
            suffix = f"~{next(_counter)}"
            headers[name] = value[: 255 - len(suffix)] + suffix
