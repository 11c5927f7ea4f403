"""Settings come from the environment; production refuses to start without a real secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    environment.update(env)
    code = "import newsroom.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.LANGUAGE_CODE)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_without_secret_key_is_an_error_that_says_what_to_set():
    result = load_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_the_demo_key():
    from newsroom.settings import DEMO_SECRET_KEY

    result = load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=DEMO_SECRET_KEY)
    assert result.returncode != 0 and "demo key" in result.stderr


def test_defaults_sqlite_shanghai_chinese():
    result = load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", "Asia/Shanghai", "zh-hans"]


def test_database_url_is_read():
    result = load_settings(DJANGO_DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert "postgresql" in result.stdout
