"""Images inserted into article bodies from the editor: private files (`private/editor/…`, uploaded by
articles/editor.py), shown to the public only while an article whose body shows them is public.

They never move: the body keeps pointing at `/private-media/editor/…`, and the private-file view
(files/views.py) lets a reader in when a public article's body shows the image (`BodyImage` rows, kept current
on every save of an article's body), and anyone with a signed link in a share-link preview.
"""

import re

from django.db.models import Exists, OuterRef

from articles.models import Article
from core.storage import PRIVATE_PREFIX

from .models import BodyImage

EDITOR_FOLDER = PRIVATE_PREFIX + "editor/"
# An editor image's address in a body, as files/views.py serves it: /private-media/editor/2026/12/<hex>.png
BODY_IMAGE_URL = re.compile(r"/private-media/(editor/[0-9A-Za-z_./-]+)")


def names_in(body: str) -> set[str]:
    return {PRIVATE_PREFIX + match for match in BODY_IMAGE_URL.findall(body or "")}


def link(article: Article, update_fields, created: bool) -> None:
    """Record which editor images the article's body shows (after its save, in its transaction)."""
    if update_fields is not None and "body" not in update_fields:
        return
    if "body" not in article.__dict__:  # deferred: not written by this save
        return
    names = names_in(article.body)
    if created and not names:
        return
    current = set(BodyImage.objects.filter(article=article).values_list("name", flat=True))
    if names == current:
        return
    BodyImage.objects.filter(article=article, name__in=current - names).delete()
    BodyImage.objects.bulk_create(
        [BodyImage(name=name, article=article) for name in sorted(names - current)], ignore_conflicts=True
    )


def shown_publicly(name: str) -> bool:
    """Whether a public article's body shows the editor image `name`."""
    rows = BodyImage.objects.filter(name=name, article=OuterRef("pk"))
    return Article.objects.published().filter(Exists(rows)).exists()


def sign_in(body: str, sign) -> str:
    """The body with every editor image's address replaced by `sign(name)` (a share-link preview)."""
    return BODY_IMAGE_URL.sub(lambda match: sign(PRIVATE_PREFIX + match[1]), body or "")
