#!/usr/bin/env python3
"""Memory under a login storm: 150 parallel logins against a fresh server.

Password hashing (argon2) is the most memory-hungry thing a request can make the server do,
and logins are open to anyone. The server bounds concurrent hashing (KEFU_PASSWORD_HASH_*);
this measures what that bound buys: the server's resident memory while 150 logins arrive at
once, and again 15 s after they have been answered.

Usage: logins_rss.py KEFU_BINARY  (prints one JSON line; exits 1 when a ceiling is exceeded)
Ceilings (issue "Robustness"): peak below 300 MB, settled below 200 MB afterwards.
PROOF_SETTLE_SECS changes the wait before the settled reading (default 15).
"""

import json
import sys
import tempfile
import threading

from server import login, rss_mb, run_sampling, settle, start, tally

PARALLEL = 150
PEAK_CEILING_MB = 300
SETTLED_CEILING_MB = 200
# A storm of one account from one address is what is measured, not the lock-outs (their
# parallel behaviour has its own tests).
STORM_ENV = {
    "KEFU_LOGIN_MAX_FAILURES_PER_IP": "1000000",
    "KEFU_LOGIN_MAX_FAILURES_PER_ACCOUNT": "1000000",
    "KEFU_RATE_LIMIT_PER_IP": "0",
}


def one_login(base, results, index):
    results[index] = login(base)[0]


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="kefu-proof-rss-") as work:
        server, base = start(binary, work, STORM_ENV)
        try:
            idle = rss_mb(server.pid)
            results = [None] * PARALLEL
            workers = [threading.Thread(target=one_login, args=(base, results, i))
                       for i in range(PARALLEL)]
            peak = run_sampling(server.pid, workers, idle)
            settled, settled_threads = settle(server.pid)
        finally:
            server.kill()
            server.wait()
    report = {
        "parallel_logins": PARALLEL,
        "answers": tally(results),
        "rss_idle_mb": round(idle, 1),
        "rss_peak_mb": round(peak, 1),
        "rss_settled_mb": round(settled, 1),
        "threads_settled": settled_threads,
        "ceilings_mb": {"peak": PEAK_CEILING_MB, "settled": SETTLED_CEILING_MB},
    }
    print(json.dumps(report))
    # Every login must be answered: 200, or 503 with Retry-After when no hashing slot freed
    # up in time; never a dropped connection or a 5xx of another kind.
    answered = all(s in (200, 503) for s in results)
    within = peak < PEAK_CEILING_MB and settled < SETTLED_CEILING_MB
    sys.exit(0 if answered and within else 1)


if __name__ == "__main__":
    main()
