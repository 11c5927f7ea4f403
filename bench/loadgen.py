"""A small HTTP load generator for bench/run.py when wrk is not installed.

Closed loop, like wrk: `connections` threads each send a request, wait for the whole response, and send the
next, over a new connection each time (gunicorn's sync workers close every connection anyway). Python threads
cost more CPU than wrk per request, so on a small machine its figures are lower than wrk's; bench/run.py says
which generator produced a table.
"""

from __future__ import annotations

import http.client
import random
import threading
import time


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def run(host: str, port: int, paths: list[str], duration: float, connections: int) -> dict:
    """Load `paths` (chosen at random) for `duration` seconds; the same fields as bench/paths.lua prints."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = {"connect_errors": 0, "read_errors": 0, "write_errors": 0, "status_errors": 0, "timeouts": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def worker(index: int) -> None:
        rng = random.Random(index)
        mine = latencies[index]
        while time.monotonic() < deadline:
            path = rng.choice(paths)
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(host, port, timeout=30)
                connection.request("GET", path, headers={"Connection": "close"})
                response = connection.getresponse()
                response.read()
                connection.close()
            except TimeoutError:
                with lock:
                    errors["timeouts"] += 1
                continue
            except OSError:
                with lock:
                    errors["read_errors"] += 1
                continue
            mine.append(time.perf_counter() - started)
            if response.status >= 400:
                with lock:
                    errors["status_errors"] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    values = sorted(v for per_thread in latencies for v in per_thread)
    return {
        "requests": len(values),
        "duration_us": int(elapsed * 1e6),
        "p50_us": int(percentile(values, 50) * 1e6),
        "p95_us": int(percentile(values, 95) * 1e6),
        "p99_us": int(percentile(values, 99) * 1e6),
        **errors,
    }
