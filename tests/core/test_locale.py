"""The paper is Chinese whatever the browser asks; English is there for whoever picks it."""

import pytest
from django.urls import reverse

from tests.factories import editor

pytestmark = pytest.mark.django_db


def test_english_browser_still_gets_chinese(client):
    response = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "用户名" in response.content.decode()
    assert "Accept-Language" not in response.get("Vary", "")


def test_chosen_language_cookie_switches_to_english(client):
    client.force_login(editor())
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("admin:index")})
    assert response.status_code == 302
    page = client.get(reverse("admin:index"))
    assert page["Content-Language"] == "en"
    assert "Editors&#x27; desk" in page.content.decode() and 'id="language-select"' in page.content.decode()
