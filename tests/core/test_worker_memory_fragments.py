"""A fragment kept in a process's own memory holds its value and nothing the value happened to point at: DRF's
`serializer.data` keeps its serializer (and through its context the request, the view and the response), and a
worker that kept such values as they were grew by tens of MB serving the API's list."""

import gc
import weakref

import pytest
from rest_framework.utils.serializer_helpers import ReturnDict

from core.fragments import shared_fragment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fragments_on(settings):
    settings.FRAGMENT_CACHE = True


class Request:
    """Stands for what a serializer's data points at: the request and everything it reaches."""


def serve_once() -> weakref.ref:
    """One request's fragment, computed and kept; returns a weak reference to what its value points at."""
    request = Request()
    value = ReturnDict({"id": 1, "title": "量子"}, serializer=request)
    assert shared_fragment("api-item|test|1", lambda: value) is value  # the computing request gets its own
    return weakref.ref(request)


def test_a_kept_fragment_does_not_keep_what_its_value_points_at():
    gone = serve_once()
    gc.collect()
    assert gone() is None

    kept = shared_fragment("api-item|test|1", lambda: pytest.fail("computed again"))
    assert kept == {"id": 1, "title": "量子"}


def test_a_kept_string_is_the_same_object():
    text = "<li>一条</li>" * 10
    shared_fragment("item|test|1", lambda: text)
    assert shared_fragment("item|test|1", lambda: pytest.fail("computed again")) is text
