"""SQLite waits for a write lock instead of failing (newsroom/settings.py), and only SQLite gets those options;
the four-eyes rule's text editors are counted unless the environment says not to."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def settings_under(**env) -> dict:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_")
        and k not in {"DATABASE_URL", "REDIS_URL", "FOUR_EYES_COUNTS_TEXT_EDITORS"}
    }
    environment.update(DJANGO_DEBUG="1", **env)
    code = (
        "import json, newsroom.settings as s; "
        "print(json.dumps([s.DATABASES['default'].get('OPTIONS', {}), s.FOUR_EYES_COUNTS_TEXT_EDITORS]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    options, text_editors = json.loads(result.stdout.strip().splitlines()[-1])
    return {"options": options, "text_editors": text_editors}


def test_sqlite_waits_for_the_write_lock_taken_when_a_transaction_begins():
    loaded = settings_under()
    assert loaded["options"] == {"timeout": 20.0, "transaction_mode": "IMMEDIATE"}
    assert settings_under(DJANGO_SQLITE_TIMEOUT="5")["options"]["timeout"] == 5.0


def test_postgresql_gets_none_of_it():
    options = settings_under(DATABASE_URL="postgres://u@127.0.0.1:5432/x")["options"]
    assert "timeout" not in options and "transaction_mode" not in options


def test_four_eyes_counts_text_editors_unless_told_not_to():
    assert settings_under()["text_editors"] is True
    assert settings_under(FOUR_EYES_COUNTS_TEXT_EDITORS="0")["text_editors"] is False
