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
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

PARALLEL = 150
PEAK_CEILING_MB = 300
SETTLED_CEILING_MB = 200
ADMIN_PASSWORD = "Proof-Admin-Pass-7"


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start(binary, work):
    env = {
        "PATH": os.environ.get("PATH", ""),
        **{k: v for k, v in os.environ.items() if k.startswith("MALLOC_")},
        "KEFU_BIND": "127.0.0.1:0",
        "KEFU_DATABASE_URL": f"sqlite://{work}/kefu.db",
        "KEFU_STORAGE_DIR": f"{work}/objects",
        "KEFU_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "KEFU_JOBS_ENABLED": "0",
        # A storm of one account from one address is what is measured, not the lock-outs
        # (their parallel behaviour has its own tests).
        "KEFU_LOGIN_MAX_FAILURES_PER_IP": "1000000",
        "KEFU_LOGIN_MAX_FAILURES_PER_ACCOUNT": "1000000",
        "KEFU_RATE_LIMIT_PER_IP": "0",
        "KEFU_LOG": "warn,kefu=info",
    }
    server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    for line in server.stdout:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("message") == "listening":
            threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
            return server, f"http://{entry['addr']}"
        if time.time() > deadline:
            break
    server.kill()
    sys.exit("kefu did not start")


def login(base, results, index):
    body = json.dumps({"username": "admin", "password": ADMIN_PASSWORD}).encode()
    request = urllib.request.Request(f"{base}/api/v1/auth/login", data=body,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            results[index] = response.status
    except urllib.error.HTTPError as error:
        results[index] = error.code
    except OSError as error:
        results[index] = str(error)


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="kefu-proof-rss-") as work:
        server, base = start(binary, work)
        try:
            idle = rss_mb(server.pid)
            results = [None] * PARALLEL
            threads = [threading.Thread(target=login, args=(base, results, i))
                       for i in range(PARALLEL)]
            peak = idle
            for thread in threads:
                thread.start()
            while any(t.is_alive() for t in threads):
                peak = max(peak, rss_mb(server.pid))
                time.sleep(0.02)
            # The runtime retires idle blocking threads after 10 s; "afterwards" is after that.
            time.sleep(float(os.environ.get("PROOF_SETTLE_SECS", "15")))
            settled = rss_mb(server.pid)
            threads = len(os.listdir(f"/proc/{server.pid}/task"))
        finally:
            server.kill()
            server.wait()
    statuses = {}
    for status in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    report = {
        "parallel_logins": PARALLEL,
        "answers": statuses,
        "rss_idle_mb": round(idle, 1),
        "rss_peak_mb": round(peak, 1),
        "rss_settled_mb": round(settled, 1),
        "threads_settled": threads,
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
