"""Keyset pagination, newest first by (published_at, id): a deep page costs what the first one does (no
OFFSET), and a page's links stay right while articles are published in front of it.

A cursor is the (published_at, id) of the row it continues from and its direction, base64-encoded; `next`
continues after the page's last article, `previous` before its first."""

import base64
import binascii
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.fragments import shared_fragment

CURSOR_PARAM = "cursor"


def encode_cursor(direction: str, published_at: datetime, pk: int) -> str:
    raw = f"{direction}|{published_at.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[str, datetime, int]:
    try:
        padded = value + "=" * (-len(value) % 4)
        direction, stamp, pk = base64.urlsafe_b64decode(padded).decode().split("|")
        if direction not in ("n", "p"):
            raise ValueError(direction)
        return direction, datetime.fromisoformat(stamp), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ValidationError({CURSOR_PARAM: _("Invalid cursor.")}) from error


def keyset_page(queryset, request, size: int, count_as: str = "", key: str = "id", counter=None) -> dict:
    """One page of `queryset` (published articles, any filters) as {count, next, previous, results}. With
    `count_as`, the count is a shared fragment of that name (core/fragments.py), as on the reader's listings:
    every page of one list shows the same total, counted once per change of public content, not per request.
    `key` is the article's id among the rows' fields ("article_id" for rows of the listing index); `counter`
    counts the rows when there is a faster way than counting `queryset`."""
    counter = counter or queryset.count
    count = shared_fragment(f"count|api|{count_as}", counter) if count_as else counter()
    cursor = request.query_params.get(CURSOR_PARAM)
    direction, stamp, pk = decode_cursor(cursor) if cursor else ("n", None, None)
    if direction == "n":
        rows = queryset.order_by("-published_at", f"-{key}")
        if stamp is not None:
            rows = rows.filter(Q(published_at__lt=stamp) | Q(published_at=stamp, **{f"{key}__lt": pk}))
        items = list(rows[: size + 1])
        more_after, more_before = len(items) > size, stamp is not None
        items = items[:size]
    else:
        rows = queryset.order_by("published_at", key)
        rows = rows.filter(Q(published_at__gt=stamp) | Q(published_at=stamp, **{f"{key}__gt": pk}))
        items = list(rows[: size + 1])
        more_before, more_after = len(items) > size, True
        items = list(reversed(items[:size]))
    url = request.build_absolute_uri()
    return {
        "count": count,
        "next": _link(url, "n", items[-1], key) if items and more_after else None,
        "previous": _link(url, "p", items[0], key) if items and more_before else None,
        "results": items,
    }


def _link(url: str, direction: str, row, key: str) -> str:
    return replace_query_param(
        url, CURSOR_PARAM, encode_cursor(direction, row.published_at, getattr(row, key))
    )


def first_page_url(url: str) -> str:
    return remove_query_param(url, CURSOR_PARAM)
