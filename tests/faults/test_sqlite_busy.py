"""On SQLite, two saves at the same moment both succeed: the second waits for the first's lock instead of failing
with "database is locked" (newsroom/settings.py: `timeout`, `transaction_mode` IMMEDIATE). A save that still
finds the database locked after the wait is told the site is busy, with its text in the form; that is not an
outage (core/middleware.py).

The races run on a SQLite file in a process of their own (tests/faults/sqlite_writers.py): the test suite's
own SQLite database is in memory, where locking differs.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLOWEST = 180  # seconds: a scenario taking longer is stuck


def run_worker(database: Path, scenario: str, **env) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environment.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="newsroom.test_settings",
        DJANGO_CONN_MAX_AGE="0",
        DJANGO_ALLOWED_HOSTS="testserver",
        **env,
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults.sqlite_writers", scenario],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=SLOWEST,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    lines = result.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied for each scenario."""
    database = tmp_path_factory.mktemp("sqlite") / "schema.sqlite3"
    run_worker(database, "migrate")
    return database


@pytest.fixture
def database(schema, tmp_path) -> Path:
    copy = tmp_path / "db.sqlite3"
    shutil.copy(schema, copy)
    return copy


def statuses(outcome) -> list[int]:
    return sorted(result["status"] for result in outcome["results"])


def test_two_editors_saving_two_articles_at_once_both_save(database):
    outcome = run_worker(database, "two_articles")
    assert statuses(outcome) == [302, 302], [r["body"][:600] for r in outcome["results"]]
    assert outcome["saved"] == outcome["titles"]


def test_two_saves_of_one_article_from_one_version_save_one_and_refuse_the_other(database):
    """The second save waits, then finds the first one saved: the usual conflict, never the outage page."""
    outcome = run_worker(database, "same_article")
    assert statuses(outcome) == [200, 302], [r["body"][:600] for r in outcome["results"]]
    (saved,) = outcome["saved"]
    (refused,) = [title for title in outcome["titles"] if title != saved]
    (conflict,) = [r["body"] for r in outcome["results"] if r["status"] == 200]
    assert f'value="{refused}"' in conflict  # the refused text is in the form...
    assert outcome["kept"] == [refused]  # ...and kept
    assert "unavailable" not in conflict


def test_a_lock_held_past_the_wait_is_busy_not_an_outage_and_the_text_stays_in_the_form(database):
    outcome = run_worker(database, "held_lock", DJANGO_SQLITE_TIMEOUT="1")
    refused, again = outcome["results"]
    assert refused["status"] == 503
    body = refused["body"]
    assert 'value="青川县科普大篷车巡展启程"' in body  # the posted title, back in the change form
    assert 'id="article_form"' in body
    assert "The database is unavailable" not in body and "数据库暂时无法使用" not in body
    assert outcome["saved_during"] == "青川县科普大篷车巡展"  # nothing was saved
    assert again["status"] == 302 and outcome["saved"] == ["青川县科普大篷车巡展启程"]
