#!/usr/bin/env python3
"""Load test: N concurrent readers for T seconds against gunicorn over PostgreSQL, with Redis as the cache.

    .venv/bin/python scripts/loadtest.py                     # CI: 200 clients, 60 s, demo-scale data
    .venv/bin/python scripts/loadtest.py --clients 50 --duration 15 --articles 3000

What it does, from nothing:
1. creates its own PostgreSQL database (hard_load_<pid>) on 127.0.0.1:5432, migrates it and seeds it:
   `manage.py demo_data`, plus `seed_bench --articles N --append` when --articles is given;
2. collects static files and serves the site with gunicorn and production settings (DEBUG off, Redis cache and
   page cache on, DJANGO_HTTPS=0 because it is plain HTTP on loopback) on a free loopback port; worker recycling
   (max_requests) is off, so that memory is measured on the same processes from start to end;
3. drives the clients: asyncio, raw HTTP/1.1 over keep-alive sockets (reopened when the server closes them), each
   client looping over a mix of the home page, issue pages, article pages and searches;
4. samples the RSS of every gunicorn worker once a second;
5. prints requests, throughput, errors, latency percentiles per kind of page and the memory table; then drops
   the database and the cache keys it made.

It fails (exit 1) on any error: a status outside 2xx/3xx, a connection error or a timeout. It also fails when a
worker's memory grows, from the end of warm-up to the end of the run, by more than --max-growth-mb (16 MB):
a Django worker in steady state moves by a few MB at most after warm-up (allocator arenas settle, template and
URL caches are full), while a leak of only a few kilobytes per request shows up as tens of MB at this rate. The
growth is measured as the difference between the medians of the first and the last five samples after warm-up,
so one noisy sample changes nothing.

Shared with scripts/faulttest.py and bench/run.py: the database, gunicorn and settings helpers below.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
PYTHON = (
    str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
)
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_DB = 3


# ----- helpers shared with faulttest.py -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def admin_sql(sql: str, port: int = PG["port"]) -> None:
    import psycopg2

    connection = psycopg2.connect(dbname="postgres", host=PG["host"], port=port, user=PG["user"])
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


@contextlib.contextmanager
def fresh_database(name: str, port: int = PG["port"]):
    """An empty PostgreSQL database, dropped afterwards whatever happens."""
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', port)
    admin_sql(f'CREATE DATABASE "{name}"', port)
    try:
        yield f"postgres://{PG['user']}@{PG['host']}:{port}/{name}"
    finally:
        with contextlib.suppress(Exception):
            admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', port)


def production_env(database_url: str, redis_url: str = "", **extra: str) -> dict:
    """Production settings on plain HTTP over loopback; nothing inherited from the caller's DJANGO_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def manage(env: dict, *args: str, stdin: str | None = None, timeout: float = 1800) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


class Gunicorn:
    """A gunicorn master serving the site on a free loopback port; its stderr goes to a log file."""

    def __init__(self, env: dict, workers: int, log_path: Path, port: int | None = None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "newsroom.wsgi",
                "--config", "gunicorn.conf.py",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(workers),
            ],
            cwd=ROOT,
            env={**env, "GUNICORN_ACCESS_LOG": "/dev/null", "GUNICORN_MAX_REQUESTS": "0"},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, path: str = "/", timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log_tail())
            with (
                contextlib.suppress(OSError, urllib.error.URLError),
                urllib.request.urlopen(self.base + path, timeout=5) as response,
            ):
                if response.status < 500:
                    return
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time:\n" + self.log_tail())

    def worker_pids(self) -> list[int]:
        master = self.process.pid
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                # The command name may hold spaces and parentheses: the ppid follows the last ")".
                if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
        return sorted(pids)

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # Workers left behind by a master that died (start_new_session: they share its group).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()


def rss_kb(pid: int) -> int | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def delete_redis_keys(redis_url: str, prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
    deleted = 0
    with contextlib.suppress(redis.exceptions.RedisError):
        for key in client.scan_iter(match=f"*{prefix}*", count=500):
            deleted += client.delete(key)
    return deleted


def redis_ping(redis_url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


# ----- raw HTTP/1.1 over asyncio ---------------------------------------------------------------------------


class HTTPError(Exception):
    pass


class Connection:
    """One keep-alive HTTP/1.1 connection; reopened when the server closes it (gunicorn's sync workers do)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "User-Agent: newsroom-loadtest/1"]
        lines += ["Accept: text/html,application/xml", "Accept-Language: zh-hans"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise HTTPError("connection closed before a response")
        parts = status_line.decode("latin-1").split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise HTTPError(f"bad status line {status_line[:60]!r}")
        status = int(parts[1])
        response_headers: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            response_headers[name.strip().lower()] = value.strip()
        body = await self._body(response_headers)
        if response_headers.get("connection", "").lower() == "close" or parts[0] == "HTTP/1.0":
            await self.close()
        return status, response_headers, body

    async def _body(self, headers: dict[str, str]) -> bytes:
        if "content-length" in headers:
            return await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    await self.reader.readline()
                    return b"".join(chunks)
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readline()
        body = await self.reader.read()
        await self.close()
        return body


@dataclass
class Result:
    started: float
    kind: str
    path: str
    latency: float
    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400


@dataclass
class Workload:
    """The pages readers ask for, by kind, with weights."""

    paths: dict[str, list[str]]
    weights: dict[str, float] = field(default_factory=dict)

    def pick(self, rng: random.Random) -> tuple[str, str]:
        kinds = [k for k in self.paths if self.paths[k]]
        kind = rng.choices(kinds, weights=[self.weights.get(k, 1) for k in kinds])[0]
        return kind, rng.choice(self.paths[kind])


async def client_loop(
    index: int, port: int, workload: Workload, stop_at: float, t0: float, results: list, timeout: float
) -> None:
    rng = random.Random(index)
    connection = Connection("127.0.0.1", port)
    # Stagger the starts over the first second, as real readers do not arrive in one instant.
    await asyncio.sleep(rng.random())
    while time.monotonic() < stop_at:
        kind, path = workload.pick(rng)
        started = time.monotonic()
        try:
            status, _headers, _body = await asyncio.wait_for(connection.get(path), timeout)
            results.append(Result(started - t0, kind, path, time.monotonic() - started, status))
        except (TimeoutError, OSError, HTTPError, asyncio.IncompleteReadError, ValueError) as exc:
            results.append(
                Result(
                    started - t0, kind, path, time.monotonic() - started, None, f"{type(exc).__name__}: {exc}"
                )
            )
            await connection.close()
    await connection.close()


def run_clients(
    port: int, workload: Workload, clients: int, duration: float, timeout: float = 30
) -> list[Result]:
    results: list[Result] = []

    async def main():
        t0 = time.monotonic()
        stop_at = t0 + duration
        await asyncio.gather(
            *(client_loop(i, port, workload, stop_at, t0, results, timeout) for i in range(clients))
        )

    asyncio.run(main())
    return results


class MemorySampler(threading.Thread):
    """RSS of every gunicorn worker, once per `interval` seconds, with the time since `t0`."""

    def __init__(self, server: Gunicorn, interval: float = 1.0):
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.samples: dict[int, list[tuple[float, int]]] = defaultdict(list)
        self.t0 = time.monotonic()
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            now = time.monotonic() - self.t0
            for pid in self.server.worker_pids():
                value = rss_kb(pid)
                if value is not None:
                    self.samples[pid].append((now, value))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def latency_table(results: list[Result]) -> list[str]:
    rows = [f"{'kind':<10}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"]
    by_kind = defaultdict(list)
    for result in results:
        by_kind[result.kind].append(result)
    for kind in [*sorted(by_kind), "all"]:
        items = results if kind == "all" else by_kind[kind]
        latencies = [r.latency * 1000 for r in items]
        errors = sum(not r.ok for r in items)
        rows.append(
            f"{kind:<10}{len(items):>10}{errors:>8}"
            + "".join(f"{percentile(latencies, q):>9.0f}" for q in (50, 90, 99))
            + f"{max(latencies, default=0):>9.0f}"
        )
    return rows


# ----- the load test ---------------------------------------------------------------------------------------

PATHS_SCRIPT = """
import json
from articles.models import Article, Issue
articles = [a.get_absolute_url() for a in Article.objects.published().order_by("-published_at")[:400]]
issues = [i.get_absolute_url() for i in Issue.objects.with_public_articles().order_by("-date")[:60]]
titles = list(Article.objects.published().values_list("title", flat=True)[:200])
print(json.dumps({"articles": articles, "issues": issues, "titles": titles}))
"""
SEARCH_WORDS = [
    "科协",
    "科普",
    "青岚",
    "人工智能",
    "培训",
    "创新",
    "大赛",
    "农业",
    "量子",
    "科技馆",
    "院士",
    "数字",
]


def build_workload(paths: dict) -> Workload:
    words = list(SEARCH_WORDS)
    for title in paths["titles"]:
        words.extend(title[i : i + 2] for i in range(0, min(len(title), 8), 2))
    searches = [f"/search/?q={quote(word)}" for word in dict.fromkeys(w for w in words if w.strip())]
    searches += [f"/search/?q={quote(word)}&page=1" for word in SEARCH_WORDS[:4]]
    return Workload(
        paths={
            "home": ["/"],
            "issue": paths["issues"] or ["/issues/"],
            "article": paths["articles"],
            "search": searches,
        },
        # A news site's traffic: most readers land on articles, many on the front page.
        weights={"home": 3, "issue": 2, "article": 4, "search": 1},
    )


def memory_report(sampler: MemorySampler, warmup: float) -> tuple[list[str], float]:
    rows = [f"{'worker':>8}{'start MB':>10}{'warm MB':>9}{'end MB':>9}{'growth MB':>11}{'samples':>9}"]
    worst = 0.0
    for pid, samples in sorted(sampler.samples.items()):
        after = [kb for t, kb in samples if t >= warmup]
        if len(after) < 6:
            rows.append(f"{pid:>8}  too few samples after warm-up ({len(after)})")
            continue
        start, warm, end = samples[0][1], statistics.median(after[:5]), statistics.median(after[-5:])
        growth = (end - warm) / 1024
        worst = max(worst, growth)
        rows.append(
            f"{pid:>8}{start / 1024:>10.1f}{warm / 1024:>9.1f}{end / 1024:>9.1f}{growth:>11.1f}{len(samples):>9}"
        )
    return rows, worst


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (CI: 60)")
    parser.add_argument(
        "--warmup", type=float, default=10.0, help="seconds at the start not counted for memory"
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--articles", type=int, default=0, help="also seed_bench this many archive articles")
    parser.add_argument("--max-growth-mb", type=float, default=16.0)
    parser.add_argument("--no-page-cache", action="store_true", help="serve every request cold")
    parser.add_argument("--redis-url", default=f"redis://127.0.0.1:6379/{REDIS_DB}")
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds before a request counts as an error"
    )
    args = parser.parse_args(argv)
    if args.duration <= args.warmup + 6:
        parser.error("--duration must exceed --warmup by more than 6 s (memory needs samples after warm-up)")

    name = f"hard_load_{os.getpid()}"
    redis_url = args.redis_url if redis_ping(args.redis_url) else ""
    if not redis_url:
        if os.environ.get("CI", "").lower() == "true":
            print(f"LOAD TEST FAILED: Redis is not answering at {args.redis_url} (CI runs with Redis)")
            return 1
        log(f"Redis not answering at {args.redis_url}: running with the local-memory cache")
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix=f"{name}_"))
    try:
        return _run(args, name, redis_url, workdir, started)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(args, name: str, redis_url: str, workdir: Path, started: float) -> int:
    with fresh_database(name) as database_url:
        env = production_env(
            database_url,
            redis_url,
            DJANGO_CACHE_PREFIX=name,
            DJANGO_PAGE_CACHE="0" if args.no_page_cache else "1",
            DJANGO_MEDIA_ROOT=str(workdir / "media"),
            DJANGO_PRIVATE_MEDIA_ROOT=str(workdir / "private-media"),
        )
        log(f"database {name}: migrate and seed")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "demo_data")
        if args.articles:
            manage(env, "seed_bench", "--articles", str(args.articles), "--append")
        paths = json.loads(manage(env, "shell", "-c", PATHS_SCRIPT).strip().splitlines()[-1])
        workload = build_workload(paths)
        log(
            f"workload: {len(workload.paths['article'])} articles, {len(workload.paths['issue'])} issues, "
            f"{len(workload.paths['search'])} searches, home"
        )
        server = Gunicorn(env, args.workers, workdir / "gunicorn.log")
        sampler = None
        try:
            server.wait_ready()
            log(
                f"gunicorn on {server.base} with {args.workers} workers; {args.clients} clients for {args.duration:g} s"
            )
            sampler = MemorySampler(server)
            sampler.start()
            results = run_clients(server.port, workload, args.clients, args.duration, args.timeout)
            sampler.stop()
        finally:
            if sampler is not None:
                sampler.stop()
            server.stop()
            if redis_url:
                delete_redis_keys(redis_url, name)
        gunicorn_log = server.log_tail(60)

    errors = [r for r in results if not r.ok]
    statuses = Counter(r.status if r.status is not None else r.error.split(":")[0] for r in results)
    memory_rows, worst_growth = memory_report(sampler, args.warmup)
    print()
    print("=== load test figures ===")
    print(f"clients {args.clients}, duration {args.duration:g} s, workers {args.workers}, "
          f"page cache {'off' if args.no_page_cache else 'on'}, cache {'Redis' if redis_url else 'local memory'}")  # fmt: skip
    print(f"requests {len(results)}, {len(results) / args.duration:.1f}/s; errors {len(errors)}")
    print("statuses " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str)))
    print("\n".join(latency_table(results)))
    print(f"memory (RSS per gunicorn worker; warm-up {args.warmup:g} s; limit +{args.max_growth_mb:g} MB):")
    print("\n".join(memory_rows))
    print(f"total time {time.monotonic() - started:.0f} s")

    failures = []
    if not results:
        failures.append("no request completed")
    if errors:
        failures.append(f"{len(errors)} error responses")
        for result in errors[:10]:
            print(f"  error at {result.started:.1f}s {result.path}: {result.status or result.error}")
    if not sampler.samples:
        failures.append("no memory samples")
    if worst_growth > args.max_growth_mb:
        failures.append(
            f"memory grew by {worst_growth:.1f} MB past warm-up (limit {args.max_growth_mb:g} MB)"
        )
    if failures:
        print("gunicorn log (tail):\n" + gunicorn_log)
        print("LOAD TEST FAILED: " + "; ".join(failures))
        return 1
    print(f"LOAD TEST PASSED: no error in {len(results)} requests; worst memory growth {worst_growth:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
