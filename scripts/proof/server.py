"""What the proof's memory measurements share: a fresh kefu server and its resident memory."""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ADMIN_PASSWORD = "Proof-Admin-Pass-7"


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def start(binary, work, extra_env=None):
    """Starts `kefu serve` on a fresh SQLite database in `work`; returns (process, base URL)."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        **{k: v for k, v in os.environ.items() if k.startswith("MALLOC_")},
        "KEFU_BIND": "127.0.0.1:0",
        "KEFU_DATABASE_URL": f"sqlite://{work}/kefu.db",
        "KEFU_STORAGE_DIR": f"{work}/objects",
        "KEFU_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "KEFU_JOBS_ENABLED": "0",
        "KEFU_LOG": "warn,kefu=info",
        **(extra_env or {}),
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


def call(base, method, path, body=None, headers=None, timeout=120):
    """One request; returns (status, body text), or (error text, "") when nothing came back."""
    request = urllib.request.Request(f"{base}{path}", data=body, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except OSError as error:
        return str(error), ""


def login(base):
    body = json.dumps({"username": "admin", "password": ADMIN_PASSWORD}).encode()
    return call(base, "POST", "/api/v1/auth/login", body,
                {"content-type": "application/json"})


def tally(statuses):
    counts = {}
    for status in statuses:
        counts[str(status)] = counts.get(str(status), 0) + 1
    return counts


def run_sampling(pid, workers, peak):
    """Starts the threads, waits for them while sampling resident memory every 20 ms; returns
    the peak (at least `peak`)."""
    for thread in workers:
        thread.start()
    while any(t.is_alive() for t in workers):
        peak = max(peak, rss_mb(pid))
        time.sleep(0.02)
    return peak


def settle(pid):
    """Resident memory and threads once the burst is over. The runtime retires idle blocking
    threads after 10 s; "afterwards" is after that (PROOF_SETTLE_SECS, default 15)."""
    time.sleep(float(os.environ.get("PROOF_SETTLE_SECS", "15")))
    return rss_mb(pid), threads(pid)
