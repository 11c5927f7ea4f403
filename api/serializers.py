"""What the API says about each thing: the fields of an article, issue, section and author, as JSON.

Serializers read what the views loaded (api/views.py, api/catalogue.py) and never query: a list is a fixed number of queries
whatever its length (tests/api/test_articles.py counts them)."""

from django.conf import settings
from rest_framework import serializers

from core.renditions import picture


def absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if url else ""


def _absolute_srcset(request, srcset: str) -> str:
    parts = (item.rsplit(" ", 1) for item in srcset.split(", ") if item)
    return ", ".join(f"{absolute(request, url)} {width}" for url, width in parts)


class SourceSerializer(serializers.Serializer):
    type = serializers.CharField()
    srcset = serializers.CharField()


class PictureSerializer(serializers.Serializer):
    """A picture's renditions (core/renditions.py): one srcset per format, a fallback src, its size."""

    src = serializers.URLField()
    srcset = serializers.CharField()
    sources = SourceSerializer(many=True)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField()
    caption = serializers.CharField()
    credit = serializers.CharField()


def picture_data(request, name, width, height, alt, caption, credit) -> dict | None:
    shown = picture(name, width, height)
    if shown is None:
        return None
    return {
        "src": absolute(request, shown.src),
        "srcset": _absolute_srcset(request, shown.srcset),
        "sources": [{"type": s.mime, "srcset": _absolute_srcset(request, s.srcset)} for s in shown.sources],
        "width": shown.width,
        "height": shown.height,
        "alt": alt,
        "caption": caption,
        "credit": credit,
    }


class SectionSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class IssueRefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    date = serializers.DateField()


class BylineSerializer(serializers.Serializer):
    name = serializers.CharField(source="author.name")
    role = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, byline) -> str:
        return absolute(self.context["request"], byline.author.get_absolute_url())


class TagSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class ArticleListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    kicker = serializers.CharField()
    summary = serializers.CharField()
    published_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()
    section = SectionSerializer(allow_null=True)
    issue = IssueRefSerializer(allow_null=True)
    page = serializers.IntegerField(source="page.number", allow_null=True, default=None)
    bylines = BylineSerializer(many=True)
    tags = TagSerializer(many=True)
    image = serializers.SerializerMethodField()

    def get_url(self, article) -> str:
        return absolute(self.context["request"], article.get_absolute_url())

    def get_image(self, article) -> PictureSerializer(allow_null=True):
        return picture_data(
            self.context["request"],
            article.image.name,
            article.image_width,
            article.image_height,
            article.image_alt,
            article.image_caption,
            article.image_credit,
        )


class PhotoSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    picture = serializers.SerializerMethodField()

    def get_picture(self, photo) -> PictureSerializer(allow_null=True):
        return picture_data(
            self.context["request"],
            photo.image.name,
            photo.width,
            photo.height,
            photo.alt,
            photo.caption,
            photo.credit,
        )


class OrganizationSerializer(serializers.Serializer):
    name = serializers.CharField()
    short_name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, organization) -> str:
        return absolute(self.context["request"], organization.get_absolute_url())


class EventSerializer(serializers.Serializer):
    name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    place = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, event) -> str:
        return absolute(self.context["request"], event.get_absolute_url())


class ArticleDetailSerializer(ArticleListSerializer):
    body = serializers.CharField(help_text="The sanitized HTML of the article.")
    author_note = serializers.CharField()
    photos = PhotoSerializer(many=True)
    organizations = OrganizationSerializer(many=True)
    events = EventSerializer(many=True)


def page_size() -> int:
    return getattr(settings, "API_PAGE_SIZE", 20)
