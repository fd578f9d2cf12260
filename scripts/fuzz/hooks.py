"""schemathesis hooks for `make fuzz` (loaded through SCHEMATHESIS_HOOKS by run.sh).

Idempotency-Key: the server keys stored responses by caller and key, and answers 422 when a key
comes back with a different request (api.md "Writes"). Generated keys collide all the time
(hypothesis shrinks them to the same few strings, across operations too), which would turn
every later well-formed POST that happens to reuse one into a 422. Real clients send a fresh key
per logical request, so every *valid* generated key is made unique here; invalid keys are sent
as generated, so their rejection (400) is still checked. Replay and the 422 on reuse are covered
by the black-box tests (tests/blackbox/conventions.rs).

The caller's own account: schemathesis reuses ids it saw in responses (the caller's id is in
`getMe`, `login`, `created_by` of API keys...) as path parameters, and so sooner or later resets
the password of the very admin it is testing as, after which every request is a 403 that passes
every check while testing nothing (run.sh fails the run when that happens). A command on
`/api/v1/users/{id}...` aimed at the caller (KEFU_FUZZ_SELF_ID) is sent to a seeded decoy user
of the same kind instead (KEFU_FUZZ_DECOY_ID): same operation, same body, an existing record,
so nothing about the request's validity changes. What is left out: an admin resetting,
disabling or editing their own account through the admin endpoints, which the black-box tests
cover (tests/blackbox/users.rs).

`ast.parse` under workers: CPython 3.11 keeps the AST constructor's recursion depth in
interpreter-wide state (python/cpython#106905), so two worker threads parsing at once (hypothesis
parses lambda sources to describe filtered strategies) can corrupt it and one of them dies with
"SystemError: AST constructor recursion depth mismatch", which aborts the whole run as a
schemathesis internal error. Parsing is serialised behind one lock, and a parse that still hits
the stale counter is retried once; it costs nothing measurable next to the HTTP round trips.
"""

import ast
import itertools
import os
import re
import threading

import schemathesis

_ast_lock = threading.RLock()
_ast_parse = ast.parse


def _serialised_parse(*args, **kwargs):
    with _ast_lock:
        try:
            return _ast_parse(*args, **kwargs)
        except SystemError:
            return _ast_parse(*args, **kwargs)


ast.parse = _serialised_parse

_VALID_KEY = re.compile(r"[!-~]{1,255}")
_counter = itertools.count()
_SELF_ID = os.environ.get("KEFU_FUZZ_SELF_ID")
_DECOY_ID = os.environ.get("KEFU_FUZZ_DECOY_ID")


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

    path_parameters = case.path_parameters or {}
    if (
        _SELF_ID
        and _DECOY_ID
        and case.operation.path.startswith("/api/v1/users/{id}")
        and case.method.upper() != "GET"
        and path_parameters.get("id") == _SELF_ID
    ):
        path_parameters["id"] = _DECOY_ID
