#!/usr/bin/env python3
"""`make bench`: the site at a newspaper's scale, measured, in one table.

    .venv/bin/python bench/run.py --articles 100000              # make bench (about 6 minutes on 2 cores)
    .venv/bin/python bench/run.py --articles 1000 --duration 3 --smoke   # make bench-smoke (CI)

1. Creates a fresh PostgreSQL database (newsroom_bench on 127.0.0.1:5432, user postgres; dropped first),
   migrates it, runs `seed_bench --articles N` (timed) and collects the static files.
2. Serves the site with gunicorn (the project's gunicorn.conf.py, 2 sync workers) and production settings
   (DJANGO_DEBUG=0, a random DJANGO_SECRET_KEY, DJANGO_HTTPS=0, DJANGO_ALLOWED_HOSTS=127.0.0.1) on a free
   loopback port: first with DJANGO_PAGE_CACHE=0 (cold), then with the page cache on (warm); the cache in
   local memory as those settings have it (no REDIS_URL), or with --cache redis in Redis (db 2, a key prefix
   of its own), as with several app servers.
3. Loads each page kind with wrk (bench/paths.lua: many paths per row, in random order) or, without wrk, with
   bench/loadgen.py: home, issue, article, tag, search (two characters, longer), feed, and a static file
   served by the same server, each row after a short unrecorded warm-up.
4. Prints one table: requests per second, p50, p95, p99, and each row's throughput as a share of the static
   file's on the same server; then the issue's targets, met or not.

Everything it started (gunicorn) is stopped at the end, even on error or Ctrl-C. --smoke exits non-zero on any
response other than 2xx, any socket error or timeout, and any error in the server's log.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import loadgen  # noqa: E402
from scripts.loadtest import PG, PYTHON, Gunicorn, admin_sql, log, manage, production_env  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/2"
ROWS = [
    # (label, paths key when cold, paths key when warm)
    ("home", "home", "home"),
    ("issue", "issue", "issue"),
    ("article", "article-cold", "article-warm"),
    ("tag", "tag", "tag"),
    ("search, 2 characters", "search-2", "search-2"),
    ("search, longer", "search-long", "search-long"),
    ("feed", "feed", "feed"),
    ("API list", "api-list", "api-list"),
    ("API detail", "api-detail-cold", "api-detail-warm"),
]
TARGETS = {"warm_ratio": 0.9, "cold_article_ratio": 0.15, "cold_article_p95_ms": 50, "search_p95_ms": 100}


# --- database and Django -----------------------------------------------------------------------------------


def database_has_articles(name: str) -> bool:
    import psycopg2

    try:
        connection = psycopg2.connect(dbname=name, **PG)
    except psycopg2.OperationalError:
        return False
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('articles_article') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT EXISTS (SELECT 1 FROM articles_article)")
        return cursor.fetchone()[0]


def bench_env(database: str, cache: str, prefix: str) -> dict:
    """Production settings over loopback (scripts/loadtest.py): the benchmark database, and Redis under a key
    prefix of its own with --cache redis."""
    redis = {"REDIS_URL": REDIS_URL, "DJANGO_CACHE_PREFIX": prefix} if cache == "redis" else {}
    database_url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}"
    # The load comes from one address: the API's anonymous rate limit would answer 429 after 120 requests.
    return production_env(
        database_url, GUNICORN_LOG_LEVEL="warning", DJANGO_API_RATE_ANONYMOUS="1000000/s", **redis
    )


def clear_redis_prefix(prefix: str) -> None:
    with contextlib.suppress(Exception):
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)


# --- the server ----------------------------------------------------------------------------------------------


def fetch(server: Gunicorn, path: str, timeout: float = 60) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(server.base + path, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def server_log(server: Gunicorn) -> str:
    with contextlib.suppress(OSError):
        return server.log_path.read_text(errors="replace")
    return ""


# --- load ----------------------------------------------------------------------------------------------------


def load(server: Gunicorn, paths: list[str], seconds: float, connections: int, work: Path) -> dict:
    """One measured run over `paths`; returns requests, rps, latency percentiles (ms) and errors."""
    if shutil.which("wrk"):
        paths_file = work / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        result = subprocess.run(
            [
                "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
                "-s", str(ROOT / "bench" / "paths.lua"), f"http://127.0.0.1:{server.port}",
            ],
            env={**os.environ, "BENCH_PATHS": str(paths_file)},
            capture_output=True,
            text=True,
            check=True,
        )  # fmt: skip
        line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH_RESULT "))
        raw = json.loads(line.removeprefix("BENCH_RESULT "))
    else:
        raw = loadgen.run("127.0.0.1", server.port, paths, seconds, connections)
    errors = sum(
        raw[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50": raw["p50_us"] / 1000,
        "p95": raw["p95_us"] / 1000,
        "p99": raw["p99_us"] / 1000,
        "errors": errors,
        "error_detail": {k: raw[k] for k in raw if k.endswith(("errors", "timeouts")) and raw[k]},
    }


def check_paths(server: Gunicorn, paths: dict[str, list[str]], sample: int = 100) -> list[str]:
    """The first `sample` paths of each row answer 200 (the load runs count any other status as an error);
    returns the failures."""
    failures = []
    for key, items in paths.items():
        for path in items[:sample]:
            status, _body = fetch(server, path)
            if status != 200:
                failures.append(f"{key}: {path} answered {status}")
    return failures


def measure_server(
    server: Gunicorn, paths: dict, warm: bool, args, work: Path, results: dict, cache: str
) -> None:
    label = "warm" if warm else "cold"
    if warm:
        # Fill the cache: each path once with a shared cache; with a per-process one, often enough that every
        # worker has rendered each path (which worker accepts a request is up to the kernel).
        rounds = 1 if cache == "redis" else 4 * args.workers
        for _ in range(rounds):
            for row in ROWS:
                for path in paths[row[2]]:
                    fetch(server, path)
    # The static file is measured first and last and the two runs pooled: the machine's background load drifts
    # during a phase, and each row's ratio should not depend on when the reference happened to be taken.
    static_runs = []
    for row, cold_key, warm_key in [
        ("static file", "static", "static"),
        *ROWS,
        ("static file", "static", "static"),
    ]:
        key = warm_key if warm else cold_key
        load(server, paths[key], args.warmup, args.connections, work)  # unrecorded: connections, caches
        result = load(server, paths[key], args.duration, args.connections, work)
        if row == "static file":
            static_runs.append(result)
            result = pooled(static_runs)
        results[(row, label)] = result
        log(
            f"  {label:4} {row:22} {result['rps']:8.1f} req/s  p50 {result['p50']:7.1f} ms  "
            f"p95 {result['p95']:7.1f} ms  p99 {result['p99']:7.1f} ms"
            + (f"  ERRORS {result['error_detail']}" if result["errors"] else "")
        )


def pooled(runs: list[dict]) -> dict:
    """Several runs of one row as one: total requests over total time; latencies averaged."""
    seconds = sum(r["requests"] / r["rps"] for r in runs)
    merged = {k: sum(r[k] for r in runs) / len(runs) for k in ("p50", "p95", "p99")}
    return {
        **merged,
        "requests": sum(r["requests"] for r in runs),
        "rps": sum(r["requests"] for r in runs) / seconds,
        "errors": sum(r["errors"] for r in runs),
        "error_detail": {k: v for r in runs for k, v in r["error_detail"].items()},
    }


# --- report --------------------------------------------------------------------------------------------------


def machine() -> dict:
    import psycopg2

    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1].split()[1]
    with psycopg2.connect(dbname="postgres", **PG) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory": memory,
        "postgresql": pg_version,
        "python": platform.python_version(),
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def table(results: dict) -> str:
    lines = [
        f"{'page':22} {'':5} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'/ static':>9}",
        "-" * 74,
    ]
    for label in ("cold", "warm"):
        static = results[("static file", label)]["rps"]
        for row, *_keys in ROWS:
            r = results[(row, label)]
            lines.append(
                f"{row:22} {label:5} {r['rps']:9.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} {r['rps'] / static:9.3f}"
            )
        r = results[("static file", label)]
        lines.append(
            f"{'static file':22} {label:5} {r['rps']:9.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} {1:9.3f}"
        )
        lines.append("")
    return "\n".join(lines)


def targets(results: dict, seed_seconds: float | None) -> list[tuple[str, bool]]:
    static_warm = results[("static file", "warm")]["rps"]
    static_cold = results[("static file", "cold")]["rps"]
    checks = [
        (f"warm {row} >= {TARGETS['warm_ratio']} of static", results[(row, "warm")]["rps"] / static_warm >= TARGETS["warm_ratio"])
        for row in ("home", "issue", "article", "API list", "API detail")
    ]  # fmt: skip
    for row in ("article", "API detail"):
        checks.append(
            (
                f"cold {row} >= {TARGETS['cold_article_ratio']} of static",
                results[(row, "cold")]["rps"] / static_cold >= TARGETS["cold_article_ratio"],
            )
        )
    cold = results[("article", "cold")]
    checks.append(
        (
            f"cold article p95 < {TARGETS['cold_article_p95_ms']} ms",
            cold["p95"] < TARGETS["cold_article_p95_ms"],
        )
    )
    for row in ("search, 2 characters", "search, longer"):
        checks.append(
            (
                f"cold {row} p95 < {TARGETS['search_p95_ms']} ms",
                results[(row, "cold")]["p95"] < TARGETS["search_p95_ms"],
            )
        )
    if seed_seconds is not None:
        checks.append(("seed_bench < 180 s", seed_seconds < 180))
    return checks  # fmt: skip


# --- main ----------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=10, help="Seconds per measured row (default 10).")
    parser.add_argument("--warmup", type=float, default=None, help="Unrecorded seconds before each row.")
    parser.add_argument("--connections", type=int, default=4, help="Concurrent connections (default 4).")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2).")
    parser.add_argument(
        "--cache",
        choices=["locmem", "redis"],
        default="locmem",
        help="locmem (no REDIS_URL, the default) or redis.",
    )
    parser.add_argument("--database", default=None, help="Database name (default newsroom_bench[_smoke]).")
    parser.add_argument("--reuse", action="store_true", help="Keep a database already seeded (no new seed).")
    parser.add_argument(
        "--keep", action="store_true", help="Keep the smoke run's database (always kept otherwise)."
    )
    parser.add_argument("--json", type=Path, help="Also write the results to this file.")
    parser.add_argument("--smoke", action="store_true", help="CI: small, fast, fails on any error.")
    args = parser.parse_args()
    args.warmup = args.warmup if args.warmup is not None else (1 if args.smoke else 3)
    database = args.database or ("newsroom_bench_smoke" if args.smoke else "newsroom_bench")
    prefix = f"bench{os.getpid()}"
    env = bench_env(database, args.cache, prefix)
    servers: list[Gunicorn] = []
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))

    def stop_everything(*_signal_args):
        for server in servers:
            server.stop()
        servers.clear()
        if _signal_args:
            raise SystemExit(130)

    signal.signal(signal.SIGTERM, stop_everything)
    signal.signal(signal.SIGINT, stop_everything)
    info = machine()
    log(
        f"machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} memory, PostgreSQL {info['postgresql']}, load {info['load_average']}"
    )
    seed_seconds = None
    results: dict = {}
    problems: list[str] = []
    try:
        if args.reuse and database_has_articles(database):
            log(f"reusing the seeded database {database}")
            manage(env, "migrate", "--noinput")
        else:
            log(f"fresh database {database}")
            admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin_sql(f'CREATE DATABASE "{database}"')
            manage(env, "migrate", "--noinput")
            log(f"seed_bench --articles {args.articles}")
            started = time.monotonic()
            output = manage(env, "seed_bench", "--articles", str(args.articles))
            seed_seconds = time.monotonic() - started
            log(f"  {output.strip().splitlines()[-1]}")
            log(f"  seed_bench took {seed_seconds:.1f} s")
        manage(env, "collectstatic", "--noinput")
        # A local-memory cache holds 1000 entries per process (DJANGO_LOCAL_CACHE_ENTRIES): the warm rows'
        # paths, and the API's per-URL answer times, must fit in it, or the "warm" rows would measure evictions.
        warm_articles, per_list = ("500", "50") if args.cache == "redis" else ("150", "30")
        paths = json.loads(
            subprocess.run(
                [PYTHON, str(ROOT / "bench" / "paths.py"), "--articles-cold", "2000", "--articles-warm", warm_articles, "--per-list", per_list],
                cwd=ROOT, env=env, capture_output=True, text=True, check=True,
            ).stdout
        )  # fmt: skip
        for warm in (False, True):
            server_env = {**env, "DJANGO_PAGE_CACHE": "1" if warm else "0"}
            clear_redis_prefix(prefix)
            server = Gunicorn(server_env, args.workers, work / f"gunicorn-{'warm' if warm else 'cold'}.log")
            servers.append(server)
            server.wait_ready(paths["static"][0])
            log(
                f"{'warm' if warm else 'cold'} server (DJANGO_PAGE_CACHE={server_env['DJANGO_PAGE_CACHE']}, {args.workers} workers) on port {server.port}"
            )
            problems += check_paths(
                server, {k: v for k, v in paths.items() if k != "article-cold" or not warm}
            )
            measure_server(server, paths, warm, args, work, results, args.cache)
            server.stop()
            servers.remove(server)
            text = server_log(server)
            if "Traceback" in text or " ERROR " in text:
                problems.append(f"errors in the {'warm' if warm else 'cold'} server's log:\n{text[-3000:]}")
    finally:
        stop_everything()
        clear_redis_prefix(prefix)
        if args.smoke and not args.keep:
            with contextlib.suppress(Exception):
                admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)

    generator = "wrk" if shutil.which("wrk") else "bench/loadgen.py (wrk not installed)"
    print()
    print(f"newsroom benchmark, {args.articles if seed_seconds is not None else 'existing'} articles, "
          f"{info['date']}; load generator {generator}, {args.connections} connections; gunicorn {args.workers} sync workers; "
          f"cache {args.cache}")  # fmt: skip
    print(f"machine: {info['cpus']} CPUs, {info['cpu']}, {info['memory']} memory; PostgreSQL {info['postgresql']}; Python {info['python']}; load average at start {info['load_average']}, at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    if seed_seconds is not None:
        print(f"seed_bench --articles {args.articles}: {seed_seconds:.1f} s")
    print()
    print(table(results))
    for name, met in targets(results, seed_seconds):
        print(f"  [{'met' if met else 'NOT MET'}] {name}")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "seed_seconds": seed_seconds, "results": {f"{k[0]}|{k[1]}": v for k, v in results.items()}}, ensure_ascii=False, indent=2))  # fmt: skip
    errors = sum(r["errors"] for r in results.values())
    if problems or errors:
        print(f"\nFAILED: {errors} load errors" + "".join(f"\n- {p}" for p in problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
