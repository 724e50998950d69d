"""A bounded load test of the self-check page's check endpoint, on the loopback address only.

    python bench/web.py [--clients 20] [--seconds 30]

Starts `itaku serve --port 0` (the installed command, on 127.0.0.1), lets CLIENTS threads post the
page's form for corpus proposals to /api/check for SECONDS, and prints one JSON line: requests, errors
(any answer that is not 200 with a review), requests per second, the median and 95th-percentile
latency, and the server's resident memory after a warm-up and at the end. It stops by itself; no
traffic leaves the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

from itaku.engine.profiles import default_catalog
from itaku.web import fields as fd
from itaku.web.formdata import values_of

ITAKU = str(Path(sys.executable).parent / "itaku")
DISTINCT = 200  # distinct proposals the clients cycle through
WARM_UP = 10.0  # seconds before the first memory reading (threads, caches, sessions and arenas settle)


def rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def bodies(token: str) -> list[str]:
    """The urlencoded forms the page sends for DISTINCT corpus proposals."""
    parts = fd.describe("ja", default_catalog())
    out = []
    for i in range(DISTINCT):
        values = values_of(corpus.proposal(i), parts)
        out.append(urlencode([("token", token), *((k, v) for k, vs in values.data.items() for v in vs)]))
    return out


def run(clients: int, seconds: float) -> dict[str, Any]:
    """Load the check endpoint; the figures of the run."""
    server = subprocess.Popen([ITAKU, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        address = re.search(r"(http://127\.0\.0\.1:\d+/)", server.stdout.readline())
        if address is None:
            raise RuntimeError("itaku serve did not start")
        port = int(address.group(1).rsplit(":", 1)[1].strip("/"))
        first = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        first.request("GET", "/")
        page = first.getresponse()
        cookie = (page.getheader("set-cookie") or "").split(";", 1)[0]
        token = re.search(r'name="token" value="([^"]+)"', page.read().decode()).group(1)  # type: ignore[union-attr]
        first.close()
        forms = bodies(token)
        latencies: list[list[float]] = [[] for _ in range(clients)]
        errors = [0] * clients
        started = time.perf_counter()
        stop = started + seconds
        memory: dict[str, float] = {}

        def client(k: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.connect()
            # headers and body go in two writes: without TCP_NODELAY (which browsers set), Nagle's
            # algorithm and the server's delayed ACK would add ~40 ms to every request
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            headers = {"content-type": "application/x-www-form-urlencoded", "cookie": cookie}
            i = k
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    connection.request("POST", "/api/check", body=forms[i % len(forms)].encode(), headers=headers)
                    answer = connection.getresponse()
                    good = answer.status == 200 and json.loads(answer.read()).get("ok") is True
                except (OSError, http.client.HTTPException, ValueError):
                    connection.close()
                    good = False
                latencies[k].append(time.perf_counter() - t0)
                errors[k] += 0 if good else 1
                i += clients
            connection.close()

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for thread in threads:
            thread.start()
        time.sleep(WARM_UP)
        memory["after_warm_up"] = rss_mb(server.pid)
        samples = []
        while any(thread.is_alive() for thread in threads):
            time.sleep(1.0)
            samples.append(rss_mb(server.pid))
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        memory["at_end"] = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = sorted(t for ts in latencies for t in ts)
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "errors": sum(errors),
        "per_s": round(len(every) / elapsed, 1),
        "median_ms": round(statistics.median(every) * 1000, 1),
        "p95_ms": round(every[int(0.95 * (len(every) - 1))] * 1000, 1),
        "rss_after_warm_up_mb": memory["after_warm_up"],
        "rss_at_end_mb": memory["at_end"],
        "rss_growth_mb": round(memory["at_end"] - memory["after_warm_up"], 1),
        "rss_samples_mb": samples,
    }


def main() -> None:
    """Run the load test and print its figures as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    print(json.dumps(run(args.clients, args.seconds)))


if __name__ == "__main__":
    main()
