"""Hostile request bodies: how much a 200 MB body grows the server, and how slow /health gets meanwhile.

Starts each ASGI server as `make serve` / `make run` would (own process, embedded SQLite in a temporary
folder, DEBUG off) and, per server, sends an unauthenticated 200 MB multipart body to /media/upload,
once chunked (no Content-Length, so only counting the bytes can stop it) and once with its
Content-Length declared. Meanwhile a second client asks GET /health every 50 ms. Printed per server
and body: the answer, how many bytes the client got to send, the server's peak RSS growth (process
tree, sampled every 20 ms) and /health latency (median, max). daphne is the anchor: it reads every body
whole before the application sees it, so the application's limit cannot help there.

    .venv/bin/python bench/body_limits.py                      # uvicorn, granian, daphne; 200 MB
    .venv/bin/python bench/body_limits.py --servers uvicorn --mb 50

Targets (issue 15): RSS growth < 50 MB for a 200 MB body; a concurrent /health under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CHUNK = 64 * 1024


def command(server: str, port: int) -> list[str]:
    app = "juggy.asgi:application"
    if server == "uvicorn":
        return [str(VENV_BIN / "uvicorn"), app, "--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    if server == "granian":
        return [str(VENV_BIN / "granian"), "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port), app]
    return [str(VENV_BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), app]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss_kb(pid: int) -> int:
    pids, total = [pid], 0
    while pids:
        current = pids.pop()
        try:
            total += int(next(line for line in Path(f"/proc/{current}/status").read_text().splitlines()
                              if line.startswith("VmRSS")).split()[1])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
        pids.extend(int(c) for c in children)
    return total


def get_health(base: str) -> float:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=30) as response:
            response.read()
    except OSError:
        pass  # a 503 still measures the wait
    return (time.perf_counter() - started) * 1000


def send_body(port: int, size: int, *, chunked: bool) -> tuple[str, int]:
    """Send a multipart body of `size` bytes; return the status line (or what stopped us) and bytes sent."""
    boundary = "benchboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()
    headers = [
        "POST /media/upload HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Content-Type: multipart/form-data; boundary={boundary}",
    ]
    headers.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}")
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    sent = 0
    try:
        sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        block = head + b"%PDF" + b"x" * (CHUNK - len(head) - 4)
        while sent < size:
            piece = block[: min(CHUNK, size - sent)]
            block = b"x" * CHUNK
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked:
            sock.sendall(b"0\r\n\r\n")
        outcome = "sent all"
    except OSError as exc:
        outcome = f"cut ({type(exc).__name__})"
    try:
        sock.settimeout(60)
        reply = sock.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")
        outcome = reply or outcome
    except OSError:
        pass
    finally:
        sock.close()
    return outcome, sent


def run(server: str, size: int, tmp: Path) -> list[dict]:
    port = free_port()
    env = {**os.environ, "SECRET_KEY": "bench", "DEBUG": "0", "JUGGY_VAR_DIR": str(tmp / server),
           "JUGGY_ENV_FILE": str(tmp / "no.env"), "LOG_LEVEL": "WARNING", "DATABASE_URL": "", "REDIS_URL": ""}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    proc = subprocess.Popen(command(server, port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get_health(base) if socket.create_connection(("127.0.0.1", port), timeout=1) else None
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(5):
            get_health(base)  # warm: imports, first connection
        rows = []
        for chunked in (True, False):
            baseline = tree_rss_kb(proc.pid)
            peak, latencies, done = baseline, [], threading.Event()

            def sample(done=done):
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, tree_rss_kb(proc.pid))
                    time.sleep(0.02)

            def probe(done=done, latencies=latencies):
                while not done.is_set():
                    latencies.append(get_health(base))
                    time.sleep(0.05)

            threads = [threading.Thread(target=sample), threading.Thread(target=probe)]
            for t in threads:
                t.start()
            started = time.perf_counter()
            outcome, sent = send_body(port, size, chunked=chunked)
            elapsed = time.perf_counter() - started
            time.sleep(0.3)
            done.set()
            for t in threads:
                t.join()
            rows.append({
                "server": server, "body": "chunked" if chunked else "content-length", "answer": outcome,
                "sent_mb": sent / 2**20, "seconds": elapsed, "rss_growth_mb": (peak - baseline) / 1024,
                "health_p50": statistics.median(latencies) if latencies else float("nan"),
                "health_max": max(latencies) if latencies else float("nan"), "probes": len(latencies),
            })
        return rows
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", nargs="+", default=["uvicorn", "granian", "daphne"])
    parser.add_argument("--mb", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [row for server in args.servers for row in run(server, args.mb * 2**20, Path(tmp))]
    print(f"{args.mb} MB unauthenticated body to /media/upload (limit MEDIA_MAX_UPLOAD_BYTES + 64 KB)")
    print(f"{'server':8} {'body':15} {'answer':34} {'sent MB':>8} {'s':>6} {'RSS +MB':>8} "
          f"{'/health p50 ms':>15} {'max ms':>8} {'n':>4}")
    for r in rows:
        print(f"{r['server']:8} {r['body']:15} {r['answer'][:34]:34} {r['sent_mb']:8.1f} {r['seconds']:6.2f} "
              f"{r['rss_growth_mb']:8.1f} {r['health_p50']:15.1f} {r['health_max']:8.1f} {r['probes']:4}")
    print("target: RSS growth < 50 MB, /health max < 100 ms (daphne is the anchor without streaming)")


if __name__ == "__main__":
    main()
