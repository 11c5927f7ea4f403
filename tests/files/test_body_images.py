"""Images inserted into a body from the editor are private files too (files/body_images.py): newsroom staff see
them at once, the public only while an article whose body shows them is public."""

import pytest
from django.conf import settings
from django.urls import reverse

from articles import workflow
from articles.sharing import make_share_link
from files.models import BodyImage
from tests.factories import ArticleFactory, PublishedArticleFactory, UserFactory, editor, image_file, reporter

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/editor/upload-image/"


def upload(client) -> str:
    response = client.post(UPLOAD_URL, {"upload": image_file("冰川断面.png")})
    assert response.status_code == 200, response.content
    return response.json()["url"]


def test_an_editor_upload_is_private_until_an_article_showing_it_is_published(client):
    author = reporter("glacier")
    client.force_login(author)
    url = upload(client)
    assert url.startswith("/private-media/editor/")
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]  # nothing public
    assert client.get(url).status_code == 200  # the reporter sees it in the editor at once

    article = ArticleFactory(
        created_by=author, status="review", body=f'<p>断面如图。</p><p><img src="{url}" alt="断面"></p>'
    )
    assert BodyImage.objects.filter(article=article).count() == 1
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="visitor", is_staff=False))  # a logged-in reader is nobody either
    assert client.get(url).status_code == 404
    client.logout()

    workflow.approve(article, editor("desk"))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert url in client.get(article.get_absolute_url()).content.decode()

    workflow.withdraw(article, editor("desk"), "配图授权存疑，撤回。")
    assert client.get(url).status_code == 404


def test_removing_the_image_from_the_body_unlinks_it(client):
    client.force_login(reporter("glacier"))
    url = upload(client)
    article = PublishedArticleFactory(body=f'<p><img src="{url}" alt=""></p>')
    client.logout()
    assert client.get(url).status_code == 200
    article.body = "<p>图已删去。</p>"
    article.save()
    assert client.get(url).status_code == 404 and not BodyImage.objects.exists()


def test_a_share_link_preview_signs_the_body_images(client):
    client.force_login(reporter("glacier"))
    url = upload(client)
    article = ArticleFactory(status="review", body=f'<p><img src="{url}" alt="断面"></p>')
    link = make_share_link(article, editor("desk"))
    client.logout()
    html = client.get(reverse("shared_preview", args=[link.token])).content.decode()
    signed = html.split('alt="断面"', 1)[0].rsplit('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert signed.startswith(url + "?s=")
    assert client.get(signed).status_code == 200
    assert client.get(url).status_code == 404
    article.refresh_from_db()
    assert "?s=" not in article.body  # the signature is shown, never stored
