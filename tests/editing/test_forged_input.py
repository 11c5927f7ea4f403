"""The desk's endpoints survive forged input: any fields, any values, any method; never a server error."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editing.autosave import AUTOSAVE_FIELDS
from tests.editing.conftest import desk_url
from tests.factories import ArticleFactory, editor

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NAMES = st.sampled_from([*AUTOSAVE_FIELDS, "based_on_version", "opened_at", "csrfmiddlewaretoken", "x"])
VALUES = st.one_of(st.text(max_size=300), st.integers().map(str), st.floats().map(str))


@pytest.fixture
def signed_in(client):
    user = editor("fuzz_desk")
    client.force_login(user)
    return client, ArticleFactory(created_by=user)


@FUZZ
@given(
    name=st.sampled_from(["autosave", "autosave_discard", "presence", "take_over"]),
    data=st.dictionaries(NAMES, VALUES, max_size=6),
)
def test_forged_posts_never_fail_the_server(signed_in, name, data):
    client, article = signed_in
    response = client.post(desk_url(name, article), data)
    assert response.status_code < 500
    assert response["Content-Type"] == "application/json"
