"""`demo_data` builds a whole demo newspaper and is idempotent."""

import pytest
from django.apps import apps
from django.core.management import call_command

from articles.models import Article, Byline, Issue

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"articles", "people", "taggit", "auth"}
    }


def test_demo_data_twice_gives_the_same_rows(capsys):
    call_command("demo_data")
    first = row_counts()
    call_command("demo_data")
    assert row_counts() == first
    out = capsys.readouterr().out
    assert "reporter" in out and "editor" in out and "admin" in out


def test_demo_content_covers_every_status_role_and_kind():
    call_command("demo_data")
    assert Issue.objects.count() == 3 + 1  # three printed issues and the next one, being planned
    assert 13 <= Article.objects.count() <= 25
    assert set(Article.objects.values_list("status", flat=True)) == {
        "draft",
        "review",
        "published",
        "withdrawn",
    }
    assert Article.objects.scheduled().exists()
    assert set(Byline.objects.values_list("role", flat=True)) >= {
        "reporter",
        "correspondent",
        "photographer",
        "author",
    }
    assert Article.objects.filter(dateline="本报讯").exists()
    assert Article.objects.exclude(author_note="").filter(section__is_opinion=True).exists()
    assert Article.objects.exclude(image="").exists()
    assert Article.objects.published().filter(issue__isnull=True).exists()  # web-only news
    from people.models import Organization

    assert Organization.objects.filter(parent__isnull=False).exists()
    assert Organization.objects.exclude(aliases="").exists()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__in=["reporter", "editor", "admin"])
    assert users.count() == 3
    assert all(u.check_password(f"{u.username}-demo-2026") for u in users)
