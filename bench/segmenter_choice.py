"""jieba or rjieba (the binding of the Rust port jieba-rs) for search: speed, memory and results, measured both ways.

Search segments text in two places (search/text.py `segment`: `cut_for_search` words of every CJK run of an
article; search/engine.py `parse_query`: `cut` words of a long query run), both with the HMM on. This script:

- builds a corpus: the demo articles (devdata/demo.py) and generated bench articles (devdata/benchtext.py,
  large sentence pools so little repeats) until `--megabytes` of UTF-8 text, split into CJK runs as
  `segment` splits it;
- times each library's dictionary load in a fresh process (jieba's first call, with and without its cache
  file; rjieba's import), and the resident memory (RSS, and the private part) of a process after loading it:
  a bare interpreter, and a Django process with the URLconf loaded, as a gunicorn worker is;
- times `cut` and `cut_for_search` over the corpus (best and median of `--repeats` passes);
- compares the outputs run by run: the share of identical segmentations, and the most frequent differences,
  for the words search keeps (two characters or more) too;
- runs the search tests (tests/search) with each library in place of the other (`--tests`; with
  DATABASE_URL=postgres://... they include the PostgreSQL ranking tests).

Run: .venv/bin/python bench/segmenter_choice.py [--megabytes 2] [--repeats 3] [--tests]. The machine's figures
and the choice are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")

LIBRARIES = ("jieba", "rjieba")


# --- the two libraries, called as search calls them ---------------------------------------------------------


class Segmenter:
    """One library's `cut` and `cut_for_search` with the HMM on, as lists, under either library's keyword
    (jieba says HMM=, rjieba hmm=), so it can stand in for either module in search/text.py and engine.py."""

    def __init__(self, name: str):
        self.name = name
        if name == "jieba":
            import jieba

            jieba.setLogLevel(60)
            self._cut = lambda text, hmm: list(jieba.cut(text, HMM=hmm))
            self._search = lambda text, hmm: list(jieba.cut_for_search(text, HMM=hmm))
        else:
            import rjieba

            self._cut = lambda text, hmm: rjieba.cut(text, hmm=hmm)
            self._search = lambda text, hmm: rjieba.cut_for_search(text, hmm=hmm)

    def cut(self, text, *args, HMM=True, hmm=True, **kwargs):  # noqa: N803 (jieba's keyword)
        return self._cut(text, HMM and hmm)

    def cut_for_search(self, text, *args, HMM=True, hmm=True, **kwargs):  # noqa: N803
        return self._search(text, HMM and hmm)

    def setLogLevel(self, level):  # noqa: N802 (jieba's name)
        pass


# --- corpus ---------------------------------------------------------------------------------------------------


# Text beyond what the corpus holds: kana and hangul (jieba splits them into characters), compatibility
# ideographs, and Han outside U+4E00-U+9FD5 (extensions A and B), which jieba does not count as Han.
EDGE_RUNS = [
    "ひらがなカタカナ", "한국어텍스트", "豈更車", "大熊猫ひらがな保护", "中華人民共和國國務院",
    "王小明在清华大学读书", "李子柒的视频火了", "〇一二三", "喆㐀㐁", "𠀀𠀁中文𪚥測試", "林㛃在䶮湖边调查",
]  # fmt: skip


def corpus_texts(megabytes: float, seed: int = 20) -> list[str]:
    """Demo articles' and the search tests' written articles' texts, then generated articles' texts, until
    `megabytes` of UTF-8."""
    from devdata import benchdata, demo
    from devdata.benchtext import TextGenerator
    from tests.search.corpus.corpus import ARTICLES

    texts = []
    for spec in demo.ARTICLES:
        fields = [spec.title, spec.kicker, spec.subtitle, spec.summary, spec.author_note, *spec.paragraphs]
        texts.append("\n".join(f for f in fields if f))
    for article in ARTICLES:
        fields = [article["title"], article["subtitle"], article["summary"], *article["body"]]
        texts.append("\n".join(f for f in fields if f))
    rng = random.Random(seed)
    orgs = benchdata.organizations()
    names = [p.name for p in benchdata.people(rng, orgs, 2000)]
    # Large pools: the archive repeats sentences on purpose (each is segmented once), a benchmark should not.
    generator = TextGenerator(rng, orgs, names, per_topic=2000, title_pool=100000)
    kinds = ["news"] * 8 + ["opinion", "photo"]
    size = sum(len(t.encode()) for t in texts)
    while size < megabytes * 1_000_000:
        text = generator.article(rng.choice(kinds))
        fields = [text.title, text.kicker, text.subtitle, text.author_note, *text.sentences]
        texts.append("\n".join(f for f in fields if f))
        size += len(texts[-1].encode())
    return texts


def cjk_runs(texts: list[str]) -> list[str]:
    """The CJK runs `segment` hands to the segmenter."""
    from search.text import _TOKEN_RE, normalize

    return [m.group("cjk") for text in texts for m in _TOKEN_RE.finditer(normalize(text)) if m.group("cjk")]


# --- load time and memory, each in a fresh process ----------------------------------------------------------

_PROBE = r"""
import json, os, sys, time, types
name, django_too, cache_dir = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
def memory():
    fields = {}
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                fields[parts[0].rstrip(":")] = int(parts[1])
    private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return fields["Rss"] / 1024, private / 1024
def jieba_():
    import jieba
    jieba.setLogLevel(60)
    if cache_dir:
        jieba.dt.tmp_dir = cache_dir
    return jieba
if django_too:
    # A worker: Django, the URLconf (which imports search), then one segmentation through search/text.py.
    # Search imports rjieba; for "jieba" a stand-in module hands its calls to jieba, for "none" to nothing.
    if name != "rjieba":
        stand_in = sys.modules["rjieba"] = types.ModuleType("rjieba")
        if name == "jieba":
            stand_in.cut = lambda text, hmm=True: list(jieba_().cut(text, HMM=hmm))
            stand_in.cut_for_search = lambda text, hmm=True: list(jieba_().cut_for_search(text, HMM=hmm))
        else:
            stand_in.cut = stand_in.cut_for_search = lambda text, hmm=True: []
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")
    import django
    django.setup()
    from django.urls import get_resolver
    get_resolver().url_patterns
    from search.text import segment
before = memory()
start = time.perf_counter()
if django_too:
    segment("卫星通信")
elif name == "jieba":
    list(jieba_().cut_for_search("卫星通信", HMM=True))
elif name == "rjieba":
    import rjieba
    rjieba.cut_for_search("卫星通信", hmm=True)
load = time.perf_counter() - start
after = memory()
print(json.dumps({"load_s": load, "rss_before": before[0], "rss_after": after[0],
                  "private_before": before[1], "private_after": after[1]}))
"""


def probe(name: str, django_too: bool, cache_dir: str = "") -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, name, "1" if django_too else "0", cache_dir],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def load_and_memory(repeats: int) -> dict:
    """Per library: dictionary load (median of `repeats` fresh processes), and memory after it, in a bare
    interpreter and in a worker (Django with the URLconf, which imports search); and the worker without any."""
    alone = probe("none", True)
    results = {}
    for name in LIBRARIES:
        loads = [probe(name, False)["load_s"] for _ in range(repeats)]
        row = {"load_s": statistics.median(loads)}
        if name == "jieba":  # jieba builds its prefix dictionary once and caches it in a file
            with tempfile.TemporaryDirectory() as empty:
                row["load_cold_cache_s"] = probe(name, False, empty)["load_s"]
        bare, worker = probe(name, False), probe(name, True)
        row.update(
            rss_bare_mb=bare["rss_after"],
            rss_bare_added_mb=bare["rss_after"] - bare["rss_before"],
            rss_worker_mb=worker["rss_after"],
            rss_worker_added_mb=worker["rss_after"] - alone["rss_after"],
            private_worker_mb=worker["private_after"],
        )
        results[name] = row
    results["worker, none"] = {
        "rss_worker_mb": alone["rss_after"],
        "private_worker_mb": alone["private_after"],
    }
    return results


# --- throughput -------------------------------------------------------------------------------------------------


def throughput(segmenters: dict[str, Segmenter], runs: list[str], repeats: int) -> dict:
    chars = sum(map(len, runs))
    results = {}
    for mode in ("cut", "cut_for_search"):
        for name, segmenter in segmenters.items():
            call = getattr(segmenter, mode)
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                for run in runs:
                    call(run)
                times.append(time.perf_counter() - start)
            results[(mode, name)] = {
                "best_s": min(times),
                "median_s": statistics.median(times),
                "chars_per_s": chars / min(times),
            }
    return results


# --- outputs ----------------------------------------------------------------------------------------------------


def compare(segmenters: dict[str, Segmenter], runs: list[str], listed: int) -> dict:
    """Run by run: identical segmentations, and the most frequent differences (jieba's words / rjieba's)."""
    jieba_, rjieba_ = segmenters["jieba"], segmenters["rjieba"]
    unique = list(dict.fromkeys(runs))
    results = {}
    for mode in ("cut", "cut_for_search"):
        same = same_kept = 0
        differences: Counter = Counter()
        examples: dict = {}
        for run in unique:
            a, b = getattr(jieba_, mode)(run), getattr(rjieba_, mode)(run)
            same += a == b
            # What search keeps: words of two characters or more, in order (search/text.py `segment`).
            if [w for w in a if len(w) > 1] == [w for w in b if len(w) > 1]:
                same_kept += 1
            if a != b:
                ca, cb = Counter(a), Counter(b)
                key = (" ".join(sorted((ca - cb).elements())), " ".join(sorted((cb - ca).elements())))
                differences[key] += 1
                examples.setdefault(key, run)
        results[mode] = {
            "runs": len(unique),
            "identical": same / len(unique),
            "identical_kept_words": same_kept / len(unique),
            "differences": [(k, n, examples[k]) for k, n in differences.most_common(listed)],
            "distinct_differences": len(differences),
        }
    return results


# --- the search tests with each library -------------------------------------------------------------------------

_PYTEST_PLUGIN = r"""
import sys
sys.path.insert(0, "bench")
from segmenter_choice import Segmenter

class SwapSegmenter:
    def pytest_sessionstart(self, session):
        import search.engine, search.text
        stand_in = Segmenter(sys.argv[1])
        for module in (search.text, search.engine):
            for attribute in ("jieba", "rjieba"):
                if hasattr(module, attribute):
                    setattr(module, attribute, stand_in)

import pytest
args = ["-q", "-p", "no:cacheprovider", "tests/search", *sys.argv[2:]]
sys.exit(pytest.main(args, plugins=[SwapSegmenter()]))
"""


def run_tests(name: str, extra: list[str]) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", _PYTEST_PLUGIN, name, *extra], cwd=ROOT, capture_output=True, text=True
    )
    return done.returncode, done.stdout


# --- report -----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--differences", type=int, default=15, help="how many differences to list")
    parser.add_argument("--tests", action="store_true", help="run tests/search with each library")
    args = parser.parse_args()

    import django

    django.setup()

    texts = corpus_texts(args.megabytes)
    runs = cjk_runs(texts)
    size = sum(len(t.encode()) for t in texts)
    print(
        f"corpus: {len(texts)} articles, {size / 1e6:.2f} MB UTF-8, {len(runs)} CJK runs "
        f"({len(set(runs))} distinct), {sum(map(len, runs))} CJK characters"
    )

    print("\ndictionary load (fresh process, median) and memory after loading:")
    for name, row in load_and_memory(args.repeats).items():
        print(f"  {name:13} " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()))

    segmenters = {name: Segmenter(name) for name in LIBRARIES}
    for segmenter in segmenters.values():  # loaded before timing
        segmenter.cut_for_search("卫星通信")

    print(f"\nthroughput over the corpus's CJK runs ({args.repeats} passes):")
    speed = throughput(segmenters, runs, args.repeats)
    for (mode, name), row in speed.items():
        print(
            f"  {mode:15} {name:7} best {row['best_s']:.3f} s, median {row['median_s']:.3f} s, "
            f"{row['chars_per_s'] / 1e6:.2f} M chars/s"
        )
    for mode in ("cut", "cut_for_search"):
        ratio = speed[(mode, "jieba")]["best_s"] / speed[(mode, "rjieba")]["best_s"]
        print(f"  {mode}: rjieba {ratio:.1f}x jieba's speed")

    print("\noutputs, distinct runs (jieba's words -> rjieba's words, how often, an example run):")
    for mode, row in compare(segmenters, runs, args.differences).items():
        print(
            f"  {mode}: {row['runs']} runs, identical {row['identical']:.2%}, identical in the words search "
            f"keeps (2+ characters) {row['identical_kept_words']:.2%}, {row['distinct_differences']} distinct"
            " differences"
        )
        for (ours, theirs), count, example in row["differences"]:
            print(f"    {count:5}  [{ours}] -> [{theirs}]  in {example}")

    print("\nedge cases (runs as search/text.py `segment` cuts them), cut_for_search:")
    for run in cjk_runs(EDGE_RUNS):
        a, b = segmenters["jieba"].cut_for_search(run), segmenters["rjieba"].cut_for_search(run)
        print(
            f"  {'same' if a == b else 'DIFF'} {run}: {' '.join(a)}"
            + ("" if a == b else f" -> {' '.join(b)}")
        )

    if args.tests:
        print("\ntests/search with each library (the quality rankings print on PostgreSQL only):")
        rankings = {}
        for name in LIBRARIES:
            code, output = run_tests(name, ["-s"])
            lines = output.splitlines()
            summary = [line for line in lines if "passed" in line or "failed" in line]
            rankings[name] = [line for line in lines if line.startswith(("OK ", "MISS", "     missing"))]
            print(f"  {name}: exit {code}; {summary[-1] if summary else output[-500:]}")
            for line in lines:
                if "queries" in line:
                    print(f"    {line}")
        if rankings["jieba"]:
            same = rankings["jieba"] == rankings["rjieba"]
            print(
                f"  per-query rankings: {'identical' if same else 'DIFFERENT'} ({len(rankings['jieba'])} lines)"
            )


if __name__ == "__main__":
    main()
