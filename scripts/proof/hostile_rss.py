#!/usr/bin/env python3
"""Memory after hostile input: a fresh server under waves of the inputs meant to hurt it.

The black-box tests prove each hostile input is refused with a 4xx and nothing is written;
this measures what they cost the server's memory when they arrive together and repeatedly:
deeply nested and oversized JSON, invalid UTF-8, 64 KiB query strings, 50,000-character
search text on every list, 200-header requests, image bombs (a few hundred bytes declaring a
20000×20000 canvas) and over-limit uploads, all in parallel, several rounds.

Usage: hostile_rss.py KEFU_BINARY  (prints one JSON line; exits 1 on a 5xx, a dropped
connection where an answer is due, or a ceiling exceeded)
Ceilings (issue "Robustness"): peak below 300 MB, settled below 200 MB afterwards.
"""

import json
import os
import struct
import sys
import tempfile
import threading
import zlib

from server import call, login, rss_mb, run_sampling, settle, start, tally

ROUNDS = 5
PEAK_CEILING_MB = 300
SETTLED_CEILING_MB = 200
LISTS = ["/api/v1/users", "/api/v1/teams", "/api/v1/customers", "/api/v1/products",
         "/api/v1/equipment", "/api/v1/tickets", "/api/v1/kb-articles"]


def bomb_png(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">II", width, height) + bytes([8, 2, 0, 0, 0])
    idat = bytes([0x78, 0x01, 0x01, 0x00, 0x01, 0xFF, 0xFE]) + bytes(256)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def multipart(owner_id, name, content_type, data):
    boundary = "kefu-proof-boundary"
    parts = b""
    for field, value in [("owner_type", "customer"), ("owner_id", owner_id), ("kind", "photo")]:
        parts += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n"
                  f"{value}\r\n").encode()
    parts += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
              f"filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n").encode()
    parts += data + f"\r\n--{boundary}--\r\n".encode()
    return parts, f"multipart/form-data; boundary={boundary}"


def attacks(token, customer):
    """(name, method, path, body, headers, answer due): one wave of hostile requests."""
    auth = {"authorization": f"Bearer {token}"}
    json_headers = {**auth, "content-type": "application/json"}
    bomb, bomb_type = multipart(customer, "bomb.png", "image/png", bomb_png(20_000, 20_000))
    huge, huge_type = multipart(customer, "huge.bin", "application/octet-stream",
                                os.urandom(1024) * (30 * 1024))  # 30 MiB, over any upload limit
    wave = [
        ("nesting", "POST", "/api/v1/customers", b"[" * 100_000, json_headers, True),
        ("invalid utf-8", "POST", "/api/v1/customers",
         b'{"name": "\xff\xfe\xc3\x28"}', json_headers, True),
        ("oversized body", "POST", "/api/v1/customers",
         json.dumps({"name": "x" * (8 * 1024 * 1024)}).encode(), json_headers, False),
        ("long query", "GET", "/api/v1/customers?q=" + "x" * (64 * 1024), None, auth, False),
        ("many headers", "GET", "/api/v1/customers", None,
         {**auth, **{f"x-filler-{n}": "y" for n in range(200)}}, False),
    ]
    wave += [("long search", "GET", f"{path}?q={'a' * 50_000}", None, auth, True)
             for path in LISTS]
    wave += [("image bomb", "POST", "/api/v1/attachments", bomb,
              {**auth, "content-type": bomb_type}, True)] * 8
    wave += [("over-limit upload", "POST", "/api/v1/attachments", huge,
              {**auth, "content-type": huge_type}, False)] * 2
    return wave


def main():
    binary = sys.argv[1]
    answers, failures = [], []
    with tempfile.TemporaryDirectory(prefix="kefu-proof-hostile-") as work:
        server, base = start(binary, work, {"KEFU_RATE_LIMIT_PER_IP": "0"})
        try:
            status, body = login(base)
            token = json.loads(body)["access_token"]
            status, body = call(base, "POST", "/api/v1/customers",
                                json.dumps({"name": "Proof"}).encode(),
                                {"authorization": f"Bearer {token}",
                                 "content-type": "application/json"})
            customer = json.loads(body)["id"]
            idle = peak = rss_mb(server.pid)
            lock = threading.Lock()

            def send(name, method, path, body, headers, due):
                status, text = call(base, method, path, body, headers, timeout=60)
                with lock:
                    answers.append(status)
                    # An oversized request may be cut off by the server before it has all been
                    # sent: a closed connection is a refusal too. A 5xx never is.
                    refused = isinstance(status, int) and 400 <= status < 500
                    if not refused and (due or isinstance(status, int)):
                        failures.append(f"{name}: {status} {text[:200]}")

            for _ in range(ROUNDS):
                wave = [threading.Thread(target=send, args=attack)
                        for attack in attacks(token, customer)]
                peak = run_sampling(server.pid, wave, peak)
            settled, settled_threads = settle(server.pid)
            alive = call(base, "GET", "/api/v1/customers",
                         headers={"authorization": f"Bearer {token}"})[0] == 200
        finally:
            server.kill()
            server.wait()
    report = {
        "hostile_requests": len(answers),
        "answers": tally(s if isinstance(s, int) else "closed" for s in answers),
        "failures": failures[:5],
        "server_alive_after": alive,
        "rss_idle_mb": round(idle, 1),
        "rss_peak_mb": round(peak, 1),
        "rss_settled_mb": round(settled, 1),
        "threads_settled": settled_threads,
        "ceilings_mb": {"peak": PEAK_CEILING_MB, "settled": SETTLED_CEILING_MB},
    }
    print(json.dumps(report, ensure_ascii=False))
    within = peak < PEAK_CEILING_MB and settled < SETTLED_CEILING_MB
    sys.exit(0 if within and alive and not failures else 1)


if __name__ == "__main__":
    main()
