#!/usr/bin/env python3
"""`make bench`: every public page, measured with and without its caches, in one table.

    .venv/bin/python bench/run.py --articles 100000              # make bench
    .venv/bin/python bench/run.py --articles 1000 --duration 2 --smoke   # make bench-smoke (CI)

1. Creates a fresh PostgreSQL database (newsroom_bench on 127.0.0.1:5432, user postgres; dropped first),
   migrates it, runs `seed_bench --articles N` (timed) and collects the static files.
2. Picks the paths of each row from that database (bench/paths.py): home, issue, page of the digital edition,
   article, tag, the deepest page of the most popular tag, section, author, organization, event, feed, search
   of two and of four characters, the API's list and detail; and a static file served by the same server.
3. Three phases, each a fresh gunicorn (the project's gunicorn.conf.py, 2 sync workers, production settings
   on a free loopback port) with every cache empty: "cold" (DJANGO_PAGE_CACHE=0, the shared fragments on),
   "warm" (the page cache on, filled before measuring) and "no fragments" (DJANGO_PAGE_CACHE=0
   DJANGO_FRAGMENT_CACHE=0). The cache in local memory as production has it without REDIS_URL, or with
   --cache redis in Redis (db 2, a key prefix of its own). Each row is loaded with wrk (bench/paths.lua: its
   paths in random order) or, without wrk, bench/loadgen.py, after a short unrecorded warm-up (in the warm
   phase: the fill). The static file is measured first and last in each phase and the two runs pooled. At
   the end of each phase the largest resident memory (VmRSS) of the gunicorn workers is read.
4. Prints one table: per page and phase, throughput as a share of the static file's on the same server
   ("ratio") and the p95 latency; then issue 20's targets, met or not.

Everything it started (gunicorn) is stopped at the end, even on error or Ctrl-C. --smoke exits non-zero on any
response other than 2xx, any socket error or timeout, and any error in the server's log; it prints the targets
but does not fail on them. bench/scale.py reuses these pieces at several archive sizes.
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
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import loadgen  # noqa: E402
from scripts.loadtest import PG, PYTHON, Gunicorn, admin_sql, log, manage, production_env  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/2"
ROWS = [
    # (label, paths key in the cold phases, paths key in the warm one): bench/paths.py
    ("home", "home", "home"),
    ("issue", "issue", "issue"),
    ("edition page", "edition", "edition"),
    ("article", "article-cold", "article-warm"),
    ("tag", "tag", "tag"),
    ("tag, deepest page", "tag-deep", "tag-deep"),
    ("section", "section", "section"),
    ("author", "author", "author"),
    ("organization", "organization", "organization"),
    ("event", "event", "event"),
    ("feed", "feed", "feed"),
    ("search, 2 characters", "search-2", "search-2"),
    ("search, 4 characters", "search-4", "search-4"),
    ("API list", "api-list", "api-list"),
    ("API detail", "api-detail-cold", "api-detail-warm"),
]
STATIC = ("static file", "static", "static")
PHASES = {
    "cold": {"DJANGO_PAGE_CACHE": "0"},
    "warm": {"DJANGO_PAGE_CACHE": "1"},
    "no fragments": {"DJANGO_PAGE_CACHE": "0", "DJANGO_FRAGMENT_CACHE": "0"},
}
SEARCH_ROWS = ("search, 2 characters", "search, 4 characters")
DEEPEST_ROW = "tag, deepest page"
# Issue 20's targets (ratios to the static file on the same server; milliseconds; MB).
TARGETS = {
    "cold": 0.10,
    "cold_article": 0.25,
    "warm": 0.9,
    "no_fragments_article": 0.10,
    "no_fragments": 0.03,
    "search_p95_ms": 100,
    "deepest_p95_ms": 50,
    "worker_mb": 150,
}
DEFAULT_LOCAL_CACHE_ENTRIES = 1000  # newsroom/settings.py, DJANGO_LOCAL_CACHE_ENTRIES


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


def fresh_database(env: dict, database: str) -> None:
    log(f"fresh database {database}")
    admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{database}"')
    manage(env, "migrate", "--noinput")


def seed(env: dict, articles: int, *extra: str) -> float:
    """`seed_bench --articles N` with `extra` arguments (such as --append); returns the seconds it took."""
    log(f"seed_bench --articles {articles} {' '.join(extra)}".rstrip())
    started = time.monotonic()
    output = manage(env, "seed_bench", "--articles", str(articles), *extra, timeout=6 * 3600)
    seconds = time.monotonic() - started
    log(f"  {output.strip().splitlines()[-1]}")
    log(f"  seed_bench took {seconds:.1f} s")
    return seconds


def choose_paths(env: dict, cache: str, smoke: bool = False) -> dict[str, list[str]]:
    """The paths of every row (bench/paths.py), from the seeded database; fewer with `smoke`."""
    # Each warm path is rendered once per worker to fill the cache: fewer of them with a cache per process.
    counts = ("500", "50") if cache == "redis" else ("150", "30")
    cold, (warm, per_list) = ("300", ("50", "10")) if smoke else ("2000", counts)
    return json.loads(
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "paths.py"), "--articles-cold", cold, "--articles-warm", warm, "--per-list", per_list],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip


def clear_redis_prefix(prefix: str) -> None:
    """Delete this run's keys in Redis (none without --cache redis: no prefix)."""
    if not prefix:
        return
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


def worker_memory_mb(server: Gunicorn) -> float:
    """The largest resident memory (VmRSS) of the master's worker processes, in MB."""
    largest = 0
    for pid in server.worker_pids():
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    largest = max(largest, int(line.split()[1]))  # kB
    return largest / 1024


class Servers:
    """The gunicorns this run started; all stopped on exit, SIGTERM or Ctrl-C."""

    def __init__(self):
        self.running: list[Gunicorn] = []
        signal.signal(signal.SIGTERM, self._signalled)
        signal.signal(signal.SIGINT, self._signalled)

    def start(self, env: dict, workers: int, log_path: Path) -> Gunicorn:
        server = Gunicorn(env, workers, log_path)
        self.running.append(server)
        return server

    def stop(self, server: Gunicorn) -> None:
        server.stop()
        self.running.remove(server)

    def stop_all(self) -> None:
        for server in list(self.running):
            self.stop(server)

    def _signalled(self, *_args):
        self.stop_all()
        raise SystemExit(130)


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


def check_paths(server: Gunicorn, paths: dict[str, list[str]], keys: list[str], sample: int) -> list[str]:
    """The first `sample` paths of each row answer 200 (wrk counts only 4xx and 5xx as errors); and every row
    has paths. Returns the failures."""
    failures = []
    for key in keys:
        if not paths.get(key):
            failures.append(f"{key}: no path to load (bench/paths.py found none)")
        for path in paths.get(key, [])[:sample]:
            status, _body = fetch(server, path)
            if status != 200:
                failures.append(f"{key}: {path} answered {status}")
    return failures


def page_cache_state(server: Gunicorn, path: str) -> str:
    """The X-Page-Cache header of `path`'s response: "hit", "miss", or "" (not cacheable, or an error)."""
    with contextlib.suppress(OSError), urllib.request.urlopen(server.base + path, timeout=60) as response:
        response.read()
        return response.headers.get("X-Page-Cache", "")
    return ""


def fill(server: Gunicorn, paths: list[str], workers: int, shared: bool, connections: int) -> None:
    """Put every path in the page cache of every worker. A worker misses a path once (then stores it), and
    which worker accepts a request is up to the kernel: request each path until it has missed once per worker
    (once with a shared cache), at most 8 times per worker."""

    def warm(path: str) -> None:
        misses = 0
        for _ in range(8 * workers):
            misses += page_cache_state(server, path) != "hit"
            if misses >= (1 if shared else workers):
                return

    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(warm, paths))


def measure_rows(server: Gunicorn, paths: dict, phase: str, args, work: Path) -> dict:
    """Each row (and the static file, first and last, pooled) after an unrecorded warm-up; {row: result}."""
    results, static_runs = {}, []
    for row, cold_key, warm_key in [STATIC, *ROWS, STATIC]:
        key = warm_key if phase == "warm" else cold_key
        if not paths.get(key):
            continue
        if phase != "warm" or row == STATIC[0]:  # fill() requested the warm phase's pages already
            load(server, paths[key], args.warmup, args.connections, work)  # unrecorded: connections, caches
        result = load(server, paths[key], args.duration, args.connections, work)
        if row == STATIC[0]:
            static_runs.append(result)
            result = pooled(static_runs)
        results[row] = result
        log(
            f"  {phase:12} {row:22} {result['rps']:8.1f} req/s  p50 {result['p50']:7.1f} ms  "
            f"p95 {result['p95']:7.1f} ms  p99 {result['p99']:7.1f} ms"
            + (f"  ERRORS {result['error_detail']}" if result["errors"] else "")
        )
    return results


def phase_env(env: dict, phase: str, paths: dict, args) -> tuple[dict, str]:
    """The server's environment in `phase`, and a note when the local-memory cache was enlarged for it."""
    server_env = {**env, **PHASES[phase]}
    entries = args.local_cache_entries
    if phase == "warm" and args.cache == "locmem" and not entries:
        # Each warm path is a page entry, its fragments more: all must fit, or "warm" would measure evictions.
        warm_paths = sum(len(paths.get(key, [])) for _row, _cold, key in ROWS)
        entries = max(DEFAULT_LOCAL_CACHE_ENTRIES, 25 * warm_paths)
    if entries:
        server_env["DJANGO_LOCAL_CACHE_ENTRIES"] = str(entries)
    note = f"DJANGO_LOCAL_CACHE_ENTRIES={entries}" if entries and args.cache == "locmem" else ""
    return server_env, note


def run_phase(phase: str, env: dict, paths: dict, args, work: Path, servers: Servers, sample: int) -> dict:
    """One phase on a fresh gunicorn: {"rows": {row: result}, "memory_mb", "problems", "note"}."""
    server_env, note = phase_env(env, phase, paths, args)
    clear_redis_prefix(env.get("DJANGO_CACHE_PREFIX", ""))
    server = servers.start(server_env, args.workers, work / f"gunicorn-{phase.replace(' ', '-')}.log")
    server.wait_ready(paths["static"][0])
    settings = " ".join(f"{k}={v}" for k, v in PHASES[phase].items())
    log(
        f"{phase} server ({settings}{', ' + note if note else ''}, {args.workers} workers) on port {server.port}"
    )
    keys = [warm if phase == "warm" else cold for _row, cold, warm in ROWS]
    problems = check_paths(server, paths, keys, sample)
    if phase == "warm":
        warm_paths = [p for key in keys for p in paths.get(key, [])]
        fill(server, warm_paths, args.workers, args.cache == "redis", args.connections)
    rows = measure_rows(server, paths, phase, args, work)
    memory = worker_memory_mb(server)
    log(f"  {phase:12} largest worker: {memory:.0f} MB")
    servers.stop(server)
    text = server_log(server)
    if "Traceback" in text or " ERROR " in text:
        problems.append(f"errors in the {phase} server's log:\n{text[-3000:]}")
    return {"rows": rows, "memory_mb": memory, "problems": problems, "note": note}


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
        "load_average": load_average(),
    }


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def ratio(phase_result: dict, row: str) -> float | None:
    """`row`'s throughput as a share of the static file's in the same phase; None if not measured."""
    rows = phase_result["rows"]
    if row not in rows or STATIC[0] not in rows:
        return None
    return rows[row]["rps"] / rows[STATIC[0]]["rps"]


def cell(phase_result: dict | None, row: str) -> str:
    """A row's ratio and p95 (ms) in one phase, 14 characters."""
    if not phase_result or row not in phase_result["rows"]:
        return f"{'-':>6} {'-':>7}"
    return f"{ratio(phase_result, row):6.3f} {phase_result['rows'][row]['p95']:7.1f}"


def table(columns: dict[str, dict]) -> str:
    """One line per page, one column pair (ratio, p95 ms) per entry of `columns` (phases, or archive sizes);
    then the static file's requests a second and the largest worker's memory."""
    names = list(columns)
    lines = [
        f"{'':22} | " + " | ".join(f"{name:^14}" for name in names),
        f"{'page':22} | " + " | ".join(f"{'ratio':>6} {'p95 ms':>7}" for _ in names),
        "-" * (23 + 17 * len(names)),
    ]
    for row, *_keys in ROWS:
        lines.append(f"{row:22} | " + " | ".join(cell(columns[name], row) for name in names))
    static = [columns[name]["rows"].get(STATIC[0]) for name in names]
    lines.append(
        f"{'static file, req/s':22} | "
        + " | ".join(f"{s['rps']:6.0f} {s['p95']:7.1f}" if s else f"{'-':>14}" for s in static)
    )
    lines.append(
        f"{'largest worker, MB':22} | " + " | ".join(f"{columns[n]['memory_mb']:6.0f} {'':7}" for n in names)
    )
    return "\n".join(lines)


def _below(phase_result: dict, rows: list[str], minimum: float) -> tuple[bool, str]:
    ratios = {row: ratio(phase_result, row) for row in rows}
    low = [f"{row} {value:.3f}" for row, value in ratios.items() if value is not None and value < minimum]
    missing = [row for row, value in ratios.items() if value is None]
    detail = ", ".join(low + [f"{row} not measured" for row in missing])
    return not low and not missing, detail


def targets(phases: dict[str, dict]) -> list[tuple[str, bool, str]]:
    """Issue 20's targets over the phases measured: (statement, met, what misses it)."""
    t, checks = TARGETS, []
    others = [row for row, *_ in ROWS if row != "article"]
    every = [row for row, *_ in ROWS]
    if "cold" in phases:
        cold = phases["cold"]
        checks.append((f"page cache off: every public page >= {t['cold']}", *_below(cold, others, t["cold"])))
        checks.append(
            (
                f"page cache off: the article >= {t['cold_article']}",
                *_below(cold, ["article"], t["cold_article"]),
            )
        )
        for row, limit in [
            *((r, t["search_p95_ms"]) for r in SEARCH_ROWS),
            (DEEPEST_ROW, t["deepest_p95_ms"]),
        ]:
            p95 = cold["rows"].get(row, {}).get("p95")
            met = p95 is not None and p95 < limit
            checks.append(
                (f"page cache off: {row} p95 < {limit} ms", met, "" if met else f"{p95 or 0:.1f} ms")
            )
    if "warm" in phases:
        checks.append(
            (f"page cache on: every page >= {t['warm']}", *_below(phases["warm"], every, t["warm"]))
        )
    if "no fragments" in phases:
        bare = phases["no fragments"]
        checks.append(
            (
                f"fragment cache off too: the article >= {t['no_fragments_article']}",
                *_below(bare, ["article"], t["no_fragments_article"]),
            )
        )
        checks.append(
            (
                f"fragment cache off too: every other page >= {t['no_fragments']}",
                *_below(bare, others, t["no_fragments"]),
            )
        )
    heavy = {name: p["memory_mb"] for name, p in phases.items() if p["memory_mb"] >= t["worker_mb"]}
    checks.append(
        (
            f"a gunicorn worker < {t['worker_mb']} MB",
            not heavy,
            ", ".join(f"{k} {v:.0f} MB" for k, v in heavy.items()),
        )
    )
    return checks  # fmt: skip


def print_targets(checks: list[tuple[str, bool, str]]) -> None:
    for name, met, detail in checks:
        print(f"  [{'met' if met else 'NOT MET'}] {name}" + (f" ({detail})" if detail and not met else ""))


def failures(phases: dict[str, dict]) -> tuple[int, list[str]]:
    """Load errors and problems (non-200 paths, errors in a server's log) over all phases."""
    errors = sum(r["errors"] for p in phases.values() for r in p["rows"].values())
    return errors, [problem for p in phases.values() for problem in p["problems"]]


# --- main ----------------------------------------------------------------------------------------------------


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """The options bench/run.py and bench/scale.py share."""
    parser.add_argument("--duration", type=float, default=10, help="Seconds per measured row (default 10).")
    parser.add_argument("--warmup", type=float, default=None, help="Unrecorded seconds before each row.")
    parser.add_argument("--connections", type=int, default=4, help="Concurrent connections (default 4).")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2).")
    parser.add_argument("--cache", choices=["locmem", "redis"], default="locmem", help="locmem (no REDIS_URL, the default) or redis.")  # fmt: skip
    parser.add_argument(
        "--local-cache-entries",
        type=int,
        default=0,
        help="DJANGO_LOCAL_CACHE_ENTRIES in every phase (default: the site's 1000; the warm phase enough for its paths).",
    )
    parser.add_argument("--json", type=Path, help="Also write the results to this file.")


def header(info: dict, args, what: str) -> None:
    generator = "wrk" if shutil.which("wrk") else "bench/loadgen.py (wrk not installed)"
    print()
    print(f"newsroom benchmark, {what}, {info['date']}; load generator {generator}, {args.connections} connections, "
          f"{args.duration:g} s a row; gunicorn {args.workers} sync workers; cache {args.cache}")  # fmt: skip
    print(f"machine: {info['cpus']} CPUs, {info['cpu']}, {info['memory']} memory; PostgreSQL {info['postgresql']}; "
          f"Python {info['python']}; load average at start {info['load_average']}, at end {load_average()}")  # fmt: skip


def report(phases: dict[str, dict], info: dict, args, seed_seconds: float | None) -> None:
    header(info, args, f"{args.articles if seed_seconds is not None else 'existing'} articles")
    if seed_seconds is not None:
        print(f"seed_bench --articles {args.articles}: {seed_seconds:.1f} s")
    for name, phase in phases.items():
        if phase["note"]:
            print(f"{name} phase: {phase['note']} (the site's default is {DEFAULT_LOCAL_CACHE_ENTRIES})")
    print("ratio: requests a second as a share of the static file's in the same phase; p95 in ms.")
    print()
    print(table(phases))
    print()
    print_targets(targets(phases))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "seed_seconds": seed_seconds, "phases": phases}, ensure_ascii=False, indent=2))  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    add_load_arguments(parser)
    parser.add_argument("--database", default=None, help="Database name (default newsroom_bench[_smoke]).")
    parser.add_argument("--reuse", action="store_true", help="Keep a database already seeded (no new seed).")
    parser.add_argument("--keep", action="store_true", help="Keep the smoke run's database (always kept otherwise).")  # fmt: skip
    parser.add_argument("--smoke", action="store_true", help="CI: small, fast, fails on any error.")
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"Comma-separated phases to run (default all: {','.join(PHASES)}).",
    )
    args = parser.parse_args()
    chosen = [name.strip() for name in args.phases.split(",") if name.strip()]
    if not chosen or set(chosen) - set(PHASES):
        parser.error(f"--phases takes some of {', '.join(PHASES)}")
    args.warmup = args.warmup if args.warmup is not None else (1 if args.smoke else 3)
    database = args.database or ("newsroom_bench_smoke" if args.smoke else "newsroom_bench")
    prefix = f"bench{os.getpid()}"
    env = bench_env(database, args.cache, prefix)
    servers = Servers()
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    info = machine()
    log(f"machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} memory, PostgreSQL {info['postgresql']}, load {info['load_average']}")  # fmt: skip
    seed_seconds = None
    phases: dict[str, dict] = {}
    try:
        if args.reuse and database_has_articles(database):
            log(f"reusing the seeded database {database}")
            manage(env, "migrate", "--noinput")
        else:
            fresh_database(env, database)
            seed_seconds = seed(env, args.articles)
        manage(env, "collectstatic", "--noinput")
        paths = choose_paths(env, args.cache, args.smoke)
        for number, phase in enumerate(chosen):
            sample = (20 if args.smoke else 100) if number == 0 else 5
            phases[phase] = run_phase(phase, env, paths, args, work, servers, sample)
    finally:
        servers.stop_all()
        clear_redis_prefix(prefix)
        if args.smoke and not args.keep:
            with contextlib.suppress(Exception):
                admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
    report(phases, info, args, seed_seconds)
    errors, problems = failures(phases)
    if problems or errors:
        print(f"\nFAILED: {errors} load errors" + "".join(f"\n- {p}" for p in problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
