"""Backups restore: a pg_dump of a real site, restored with pg_restore into a new database, serves the same pages.

This is the drill docs/operations.md asks for, automated: content (the demo newspaper plus an article photo in
the media folder) goes into a fresh PostgreSQL database; the database is dumped with `pg_dump -Fc` and the media
folder archived with tar; both are restored elsewhere (`pg_restore` into a new database, tar into a new folder);
then a fresh Django process pointed at the restored copy (DATABASE_URL, both media roots) renders the home page,
an issue, an article and the feed, byte for byte the same as the original renders them. The databases are
dropped afterwards.
"""

import json
import os
import shutil
import subprocess
import tarfile

import pytest

from tests.conftest import skip_or_fail
from tests.deploy.servers import PG, fresh_database, manage, postgres_available, production_env

pytestmark = pytest.mark.postgres

ADD_PHOTO = """
import io
from django.core.files.base import ContentFile
from PIL import Image
from articles.models import Article
article = Article.objects.published().order_by("-published_at").first()
buffer = io.BytesIO()
Image.new("RGB", (320, 200), (40, 110, 170)).save(buffer, "JPEG")
article.image.save("备份演练.jpg", ContentFile(buffer.getvalue()), save=False)
article.image_caption = "备份演练用图"
article.save(update_fields=["image", "image_caption"])  # published: the photo moves to public storage
article.refresh_from_db()
print(article.pk, article.image.name)
"""

RENDER = """
import json
from django.test import Client
from django.test.utils import setup_test_environment
from articles.models import Article, Issue
setup_test_environment()
article = Article.objects.get(pk={pk})
issue = Issue.objects.filter(articles__in=Article.objects.published()).order_by("-date").first()
client = Client()
pages = {{}}
for path in ["/", "/issues/", issue.get_absolute_url(), article.get_absolute_url(), "/feed/"]:
    response = client.get(path, HTTP_HOST="127.0.0.1")
    pages[path] = [response.status_code, response.content.decode()]
counts = {{
    "articles": Article.objects.count(),
    "published": Article.objects.published().count(),
    "issues": Issue.objects.count(),
}}
print(json.dumps({{"pages": pages, "counts": counts}}))
"""


def pg_tool(*args: str) -> None:
    result = subprocess.run(
        [*args, "-h", PG["host"], "-p", str(PG["port"]), "-U", PG["user"]], capture_output=True, text=True
    )
    assert result.returncode == 0, f"{args[0]} failed: {result.stderr}"


def render(env: dict, pk: int) -> dict:
    return json.loads(manage(env, "shell", "-c", RENDER.format(pk=pk)).strip().splitlines()[-1])


def test_a_restored_dump_serves_the_same_pages(tmp_path):
    if not postgres_available():
        skip_or_fail("needs PostgreSQL at 127.0.0.1:5432")
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            skip_or_fail(f"needs {tool} (apt-get install postgresql-client)")
    source_name, restored_name = f"hard_backup_src_{os.getpid()}", f"hard_backup_dst_{os.getpid()}"
    source_media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    source_private, restored_private = tmp_path / "private-media", tmp_path / "restored-private-media"
    dump, media_archive = tmp_path / "newsroom.dump", tmp_path / "media.tar.gz"
    common = {"DJANGO_PAGE_CACHE": "0"}

    with fresh_database(source_name) as source_url:
        source_env = production_env(
            source_url,
            "",
            DJANGO_MEDIA_ROOT=str(source_media),
            DJANGO_PRIVATE_MEDIA_ROOT=str(source_private),
            **common,
        )
        manage(source_env, "migrate", "--noinput")
        manage(source_env, "collectstatic", "--noinput")
        manage(source_env, "demo_data")
        pk_text, image_name = (
            manage(source_env, "shell", "-c", ADD_PHOTO).strip().splitlines()[-1].split(" ", 1)
        )
        pk = int(pk_text)
        original = render(source_env, pk)

        # The backup, as docs/operations.md prescribes it.
        pg_tool("pg_dump", "--format=custom", "--no-owner", "--file", str(dump), "--dbname", source_name)
        with tarfile.open(media_archive, "w:gz") as archive:
            archive.add(source_media, arcname="media")
            archive.add(source_private, arcname="private-media")  # unreleased pages, unpublished photos

        with fresh_database(restored_name):
            pg_tool("pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored_name, str(dump))
            with tarfile.open(media_archive) as archive:
                archive.extractall(tmp_path / "unpacked", filter="data")
            (tmp_path / "unpacked" / "media").rename(restored_media)
            (tmp_path / "unpacked" / "private-media").rename(restored_private)
            restored_url = source_url.rsplit("/", 1)[0] + "/" + restored_name
            restored_env = production_env(
                restored_url,
                "",
                DJANGO_MEDIA_ROOT=str(restored_media),
                DJANGO_PRIVATE_MEDIA_ROOT=str(restored_private),
                **common,
            )
            manage(restored_env, "migrate", "--check")  # every migration is recorded as applied
            restored = render(restored_env, pk)

    assert original["counts"] == restored["counts"]
    assert original["counts"]["published"] > 0
    for path, (status, html) in original["pages"].items():
        assert status == 200, path
        assert restored["pages"][path] == [status, html], f"{path} differs after the restore"
    article_html = restored["pages"][f"/articles/{pk}/"][1]
    assert "备份演练用图" in article_html
    assert not image_name.startswith("private/")
    assert (restored_media / image_name).read_bytes() == (source_media / image_name).read_bytes()
    private_files = sorted(p.relative_to(source_private) for p in source_private.rglob("*") if p.is_file())
    assert private_files  # the demo's unreleased issue
    for name in private_files:
        assert (restored_private / name).read_bytes() == (source_private / name).read_bytes()
