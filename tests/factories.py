"""factory_boy factories for the whole suite: one class per model, plus PublishedArticleFactory.

ArticleFactory makes a draft; its traits give every other workflow state (`review`, `published`, `scheduled`,
`withdrawn`, and `draft` to say it). PublishedArticleFactory is the same article published an hour ago, what
the reader's pages and search show; article_in_state() makes one in any of STATES. image_file() is a real PNG
for an ImageField.
"""

import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleStatus, Byline, Event, Issue, IssuePage, Section
from articles.policy import EDITORS, REPORTERS
from people.models import Author, Organization

TITLES = [
    "省科协启动2026年“科普进社区”系列活动",
    "青岚大学与三家企业共建新材料联合实验室",
    "春耕时节 无人机“飞”进田间",
    "让科学精神在青少年心中生根发芽",
    "青岚省发布科技成果转化三年行动计划",
    "云川市建成首个县域算力中心",
    "白塔镇智慧农业示范区通过验收",
    "省气象局发布春季强对流天气防范提示",
    "高校科研团队攻克锂电池隔膜关键工艺",
    "全省科技馆免费开放服务人次创新高",
]


def image_file(name: str = "photo.png", size=(1200, 800), color=(164, 22, 26)) -> SimpleUploadedFile:
    """A real PNG made with Pillow, ready for an ImageField."""
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    # A few darker bands, so a screenshot shows it is a picture and not a coloured box.
    for x in range(0, size[0], max(1, size[0] // 8)):
        for y in range(size[1]):
            image.putpixel((x, y), (40, 40, 40))
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])


def reporter(username="reporter1", **kwargs):
    return UserFactory(username=username, groups=[REPORTERS], **kwargs)


def editor(username="editor1", **kwargs):
    return UserFactory(username=username, groups=[EDITORS], **kwargs)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"青岚省科技创新研究院{n}所")
    kind = Organization.Kind.INSTITUTE
    description = "省属公益类科研机构，主要从事新材料、智能制造和现代农业领域的应用研究。"


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(
        lambda n: ["林知远", "王启航", "苏晴", "周远帆", "韩书言", "许文澜"][n % 6] + f"{n}"
    )
    kind = Author.Kind.STAFF


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["name"]

    name = factory.Sequence(
        lambda n: ["要闻", "综合", "图片新闻", "观点"][n % 4] + (f"{n}" if n >= 4 else "")
    )
    order = factory.Sequence(int)


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    number = factory.Sequence(lambda n: 500 + n)
    date = factory.Sequence(lambda n: datetime.date(2025, 1, 2) + datetime.timedelta(days=7 * n))


class IssuePageFactory(factory.django.DjangoModelFactory):
    """Page 1 of a new issue by default; the name follows the number (1 要闻, 2 综合, 3 科普, 4 观点)."""

    class Meta:
        model = IssuePage

    issue = factory.SubFactory(IssueFactory)
    number = 1
    name = factory.LazyAttribute(
        lambda page: {1: "要闻", 2: "综合", 3: "科普", 4: "观点"}.get(page.number, "专版")
    )


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"第{n + 1}届青岚科技创新论坛")
    start_date = datetime.date(2026, 3, 12)
    end_date = datetime.date(2026, 3, 13)
    place = "云川市会展中心"
    description = "论坛围绕人工智能与产业融合设置主论坛和四个分论坛。"


def _an_hour_ago():
    return timezone.now() - datetime.timedelta(hours=1)


class ArticleFactory(factory.django.DjangoModelFactory):
    """A draft by default; traits for every state.

    `draft`, `review`: never published. `published`: an hour ago. `scheduled`: published, but its time is
    tomorrow. `withdrawn`: was published, then taken off the site. `tags`, `organizations`, `events` and
    `authors` (see authors()) link the article once it is saved.
    """

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"{TITLES[n % len(TITLES)]}（{n}）")
    summary = "青岚省科技系统近日多项工作取得新进展。"
    body = (
        "<p>3月12日，由青岚省科学技术协会主办的系列活动在云川市启动，覆盖全省120个城乡社区。</p>"
        "<p>启动仪式上，省科协副主席介绍了今年活动的总体安排，重点围绕人工智能、防灾减灾和健康生活三个主题。</p>"
    )
    created_by = factory.SubFactory(UserFactory)
    status = ArticleStatus.DRAFT
    published_at = None

    class Params:
        draft = factory.Trait(status=ArticleStatus.DRAFT, published_at=None)
        review = factory.Trait(status=ArticleStatus.REVIEW, published_at=None)
        published = factory.Trait(
            status=ArticleStatus.PUBLISHED, published_at=factory.LazyFunction(_an_hour_ago)
        )
        scheduled = factory.Trait(
            status=ArticleStatus.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1)),
        )
        withdrawn = factory.Trait(
            status=ArticleStatus.WITHDRAWN,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2)),
        )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizations.add(*extracted)

    @factory.post_generation
    def events(self, create, extracted, **kwargs):
        if create and extracted:
            self.events.add(*extracted)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        """authors=[author, (author, role), ...]: bylines in that order."""
        if create and extracted:
            for order, entry in enumerate(extracted):
                author, role = entry if isinstance(entry, tuple) else (entry, Byline.Role.REPORTER)
                Byline.objects.create(article=self, author=author, role=role, order=order)


class PublishedArticleFactory(ArticleFactory):
    """An article published an hour ago: what the reader's site shows. The traits still give the other states."""

    status = ArticleStatus.PUBLISHED
    published_at = factory.LazyFunction(_an_hour_ago)


class BylineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Byline

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(AuthorFactory)
    role = Byline.Role.REPORTER


STATES = ("published", "draft", "review", "scheduled", "withdrawn")
UNPUBLISHED = STATES[1:]


def article_in_state(state: str, **kwargs) -> Article:
    """An article in one of STATES; keyword arguments go to PublishedArticleFactory."""
    if state == "published":
        return PublishedArticleFactory(**kwargs)
    return PublishedArticleFactory(**{state: True}, **kwargs)
