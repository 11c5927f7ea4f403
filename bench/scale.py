#!/usr/bin/env python3
"""`make bench-scale`: the cold pages as the archive grows, one curve table.

    .venv/bin/python bench/scale.py                                   # 10,000, 100,000, 1,000,000 articles
    .venv/bin/python bench/scale.py --sizes 1000,3000 --duration 2    # a quick look
    .venv/bin/python bench/scale.py --seed-args "--years 20 --per-issue 140"   # passed to every seed_bench

1. Creates a fresh PostgreSQL database (newsroom_bench_scale on 127.0.0.1:5432; dropped first, and dropped at
   the end unless --keep), migrates it and collects the static files.
2. For each size, smallest first, grows the same database to that many articles: `seed_bench --articles N`
   the first time, then `seed_bench --articles <difference> --append` (older issues before the archive),
   timed. If seed_bench refuses because the issues do not fit in its years, the step is retried with
   `--years 20 --per-issue 140` (the run says so).
3. At each size, picks the paths anew (bench/paths.py) and runs bench/run.py's cold phase only: a fresh
   gunicorn, the page cache off, the shared fragments on, every cache empty; every row of bench/run.py.
4. Prints one table: per page and size, the cold ratio to the static file and the p95 (ms); the search rows
   are the search p95 and "tag, deepest page" the deepest listing page's; then per size the seed time and the
   largest worker's memory; and issue 20's cold targets at each size. --json writes the same figures.

Like bench/run.py it fails (exit 1) on any response other than 2xx, any socket error and any error in a
server's log; the targets are printed, not enforced.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.run import (  # noqa: E402
    Servers,
    add_load_arguments,
    bench_env,
    choose_paths,
    clear_redis_prefix,
    failures,
    fresh_database,
    header,
    machine,
    print_targets,
    run_phase,
    seed,
    table,
    targets,
)
from scripts.loadtest import admin_sql, log, manage  # noqa: E402

DEFAULT_SIZES = "10000,100000,1000000"
ROOMY_SEED = ("--years", "20", "--per-issue", "140")  # a million articles fit (issue 20)
SEED_TARGET_ARTICLES, SEED_TARGET_SECONDS = 1_000_000, 15 * 60


def parse_sizes(text: str) -> list[int]:
    sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive whole numbers, such as 10000,100000")
    return sizes


def grow(env: dict, current: int, size: int, extra: list[str]) -> tuple[float, str]:
    """Seed from `current` articles up to `size`; returns the seconds it took and the arguments used."""
    articles = size - current
    base = ["--append"] if current else []
    try:
        return seed(env, articles, *base, *extra), " ".join(base + extra)
    except RuntimeError as error:
        if "do not fit" not in str(error) or extra:
            raise
        log(
            f"  seed_bench refused ({str(error).strip().splitlines()[-1]}); again with {' '.join(ROOMY_SEED)}"
        )
        return seed(env, articles, *base, *ROOMY_SEED), " ".join(base + list(ROOMY_SEED))


def report(curve: dict[str, dict], info: dict, args) -> None:
    header(
        info,
        args,
        f"the cold pages at {', '.join(curve)} articles (one database, grown by seed_bench --append)",
    )
    print("cold: DJANGO_PAGE_CACHE=0, the shared fragments on, a fresh gunicorn at each size.")
    print("ratio: requests a second as a share of the static file's at the same size; p95 in ms.")
    print()
    print(table(curve))
    print(f"{'seed (append), s':22} | " + " | ".join(f"{c['seed_seconds']:14.1f}" for c in curve.values()))
    total = sum(c["seed_seconds"] for c in curve.values())
    print(
        f"\nseeding to {list(curve)[-1]} articles took {total:.1f} s in all; seed_bench --articles <added>:"
    )
    for size, column in curve.items():
        print(f"  to {size}: {column['seed_arguments'] or '(defaults)'}")
    for size, column in curve.items():
        print(f"\n{size} articles:")
        print_targets(targets({"cold": column}))
    largest = max(int(size) for size in curve)
    if largest >= SEED_TARGET_ARTICLES:
        met = total < SEED_TARGET_SECONDS
        print(f"  [{'met' if met else 'NOT MET'}] seeding {largest} articles < 15 min ({total / 60:.1f} min, "
              "in appended steps, not one seed_bench --articles 1000000)")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES), help=f"Articles, comma-separated (default {DEFAULT_SIZES}).")  # fmt: skip
    add_load_arguments(parser)
    parser.add_argument("--seed-args", default="", help='Passed to every seed_bench, e.g. "--years 20 --per-issue 140".')  # fmt: skip
    parser.add_argument("--database", default="newsroom_bench_scale", help="Database name (default newsroom_bench_scale).")  # fmt: skip
    parser.add_argument(
        "--keep", action="store_true", help="Keep the database at the end (dropped otherwise)."
    )
    args = parser.parse_args()
    args.warmup = args.warmup if args.warmup is not None else 3
    prefix = f"bench{os.getpid()}"
    env = bench_env(args.database, args.cache, prefix)
    servers = Servers()
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-scale-"))
    info = machine()
    log(f"machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} memory, load {info['load_average']}")
    curve: dict[str, dict] = {}
    current = 0
    try:
        fresh_database(env, args.database)
        manage(env, "collectstatic", "--noinput")
        for size in args.sizes:
            seconds, used = grow(env, current, size, shlex.split(args.seed_args))
            current = size
            paths = choose_paths(env, args.cache)
            column = run_phase("cold", env, paths, args, work, servers, 100)
            curve[str(size)] = {**column, "seed_seconds": seconds, "seed_arguments": used}
    finally:
        servers.stop_all()
        clear_redis_prefix(prefix)
        if not args.keep:
            with contextlib.suppress(Exception):
                admin_sql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
    report(curve, info, args)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "sizes": curve}, ensure_ascii=False, indent=2))
    errors, problems = failures(curve)
    if problems or errors:
        print(f"\nFAILED: {errors} load errors" + "".join(f"\n- {p}" for p in problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
