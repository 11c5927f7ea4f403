"""cached_reverse() answers what reverse() answers, under every script prefix and URL configuration."""

from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix

from core.urls_cache import cached_reverse


def test_same_answer_as_reverse():
    for name, args in [
        ("articles:article", (42,)),
        ("people:author", ("林知远",)),
        ("articles:issue", (1202,)),
    ]:
        assert cached_reverse(name, *args) == reverse(name, args=args)
        assert cached_reverse(name, *args) == reverse(name, args=args)  # again, from the cache


def test_the_script_prefix_is_part_of_the_answer():
    plain = cached_reverse("articles:article", 7)
    set_script_prefix("/paper/")
    try:
        assert cached_reverse("articles:article", 7) == "/paper" + plain
    finally:
        clear_script_prefix()
    assert cached_reverse("articles:article", 7) == plain


def test_another_urlconf_is_another_answer():
    before = cached_reverse("articles:article", 7)
    with override_settings(ROOT_URLCONF="tests.urls_elsewhere"):
        assert cached_reverse("articles:article", 7) == "/elsewhere" + before
    assert cached_reverse("articles:article", 7) == before
