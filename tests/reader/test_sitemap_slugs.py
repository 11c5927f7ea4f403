"""Every sitemap answers whatever slugs the database holds: a row whose slug cannot be put in a URL (empty, or
with a slash) is left out, the others are listed."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.models import Event, Section
from people.models import Author, Organization
from reader.sitemaps import SITEMAPS
from tests.factories import (
    AuthorFactory,
    EventFactory,
    OrganizationFactory,
    PublishedArticleFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

SLUGGED = {
    "tags": Tag,
    "authors": Author,
    "organizations": Organization,
    "events": Event,
    "sections": Section,
}


@pytest.fixture
def odd_slugs():
    """For each entity sitemap, three public rows: one with an empty slug, one with a slash, one fine."""
    rows = {name: [] for name in SLUGGED}
    for n, slug in enumerate(["", "a/b", None]):
        author, section = AuthorFactory(name=f"作者{n}"), SectionFactory(name=f"栏目{n}")
        organization, event = OrganizationFactory(name=f"机构{n}"), EventFactory(name=f"活动{n}")
        article = PublishedArticleFactory(
            section=section, authors=[author], organizations=[organization], events=[event], tags=[f"标签{n}"]
        )
        for name, row in zip(
            SLUGGED, [article.tags.get(), author, organization, event, section], strict=True
        ):
            if slug is not None:
                type(row).objects.filter(pk=row.pk).update(slug=slug)  # as a database may hold it
            rows[name].append(type(row).objects.get(pk=row.pk))
    return rows


def test_every_sitemap_answers_and_lists_only_usable_slugs(client, odd_slugs):
    assert client.get(reverse("sitemap")).status_code == 200
    for section in SITEMAPS:
        response = client.get(reverse("sitemap_section", kwargs={"section": section}))
        assert response.status_code == 200, section
        if section in SLUGGED:
            empty, slashed, fine = odd_slugs[section]
            body = response.content.decode()
            assert f"/{quote(fine.slug)}/</loc>" in body, section
            assert body.count("<url>") == 1, section
