"""The benchmark archive, generated and bulk-inserted: what `manage.py seed_bench` does.

Issues spread over 20 years and ending today: of about 30 articles on 4–8 named pages (版), or, when that
would take more than an issue a day, one issue a day of as many articles as it takes, on pages of about eight
(a million articles: a provincial daily of about 130 articles on 13–19 pages); plus one upcoming issue whose
articles are scheduled; bylines with roles; tags, organizations (with aliases and parents), events; web-only
news; drafts, articles in review and withdrawn ones. The words come from devdata/benchdata.py and
devdata/benchtext.py; devdata/entities.py writes the sections, organizations, people, tags and events.

Rows are written straight to their tables (devdata/bulk.py), without save() or signals. So the seeder does
itself what saving would do: bodies go through the same sanitizer, search_text is built as search/text.py
builds it (devdata/benchsearch.py), and slugs are made unique; the command purges the public page cache at the
end. Entities and issues are written in one transaction, the articles in batches after it.
"""

from __future__ import annotations

import bisect
import math
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticleEvent,
    ArticleOrganization,
    ArticleStatus,
    Byline,
    Issue,
    IssuePage,
    Listing,
)
from articles.models.listing import ROLE_KINDS, recount
from articles.richtext import sanitize_html

from . import benchdata, entities
from .benchsearch import SearchTextBuilder
from .benchtext import TextGenerator
from .bulk import DeferredIndexes, RowWriter, next_id

DEFAULT_YEARS = 20  # a provincial paper's online archive
DEFAULT_PER_ISSUE = 30  # at least; more when the issues would not fit one a day (see _auto_per_issue)
BIG_ISSUE = 64  # articles: above, an issue has more pages than the usual 4–8
MAX_PAGES = 24
MAX_FRONT = 10  # articles on page 1 (要闻), at most
# Shares of all articles (the rest are published articles in past issues).
SHARE_WEB_ONLY = 0.04
SHARE_DRAFT = 0.01
SHARE_REVIEW = 0.005
SHARE_SCHEDULED_WEB = 0.002
SHARE_WITHDRAWN = 0.004  # of issue articles
# An issue goes public at 05:30 on its date, its articles a second apart in page order.
ISSUE_RELEASE = (5, 30)


def latest_issue_day() -> date:
    """The last day whose issue is already public: today after 05:30, yesterday before."""
    now = timezone.localtime()
    released = now.replace(hour=ISSUE_RELEASE[0], minute=ISSUE_RELEASE[1], second=59, microsecond=0)
    return now.date() if now >= released else now.date() - timedelta(days=1)


ARTICLE_COLUMNS = {
    Article: (
        "id", "kicker", "title", "subtitle", "summary", "dateline", "body", "author_note", "issue_id", "page_id",
        "position", "section_id", "status", "published_at", "search_text", "created_by_id", "created_at",
        "updated_at",
    ),
    Byline: ("article_id", "author_id", "role", "order"),
    TaggedItem: ("object_id", "content_type_id", "tag_id"),
    ArticleOrganization: ("article_id", "organization_id"),
    ArticleEvent: ("article_id", "event_id"),
    Listing: ("kind", "target_id", "article_id", "published_at"),
}  # fmt: skip


class ArchiveSeeder:
    """One run of seed_bench: plans the archive, then writes it."""

    def __init__(
        self,
        *,
        articles: int,
        seed: int,
        years: int,
        per_issue: int | None,
        end: date,
        append: bool,
        jobs: int,
        log,
    ):
        self.total = articles
        self.rng = random.Random(seed)
        self.years = years
        self.per_issue = per_issue
        self.end = end
        self.append = append
        self.log = log
        self.now = timezone.now()
        self.writer = RowWriter(self.now, jobs)
        self.tz = timezone.get_current_timezone()
        self.counts: dict[str, int] = {}
        self.sanitize_checks = 200

    # -- helpers -------------------------------------------------------------------------------------------
    def _count(self, model, rows) -> None:
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(rows)

    def _write(self, model, names, rows) -> None:
        rows = list(rows)
        self.writer.write(model, names, rows)
        self._count(model, rows)

    def _at(self, day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
        return datetime.combine(day, dtime(hour, minute, second), tzinfo=self.tz)

    # -- entities ------------------------------------------------------------------------------------------
    def seed_entities(self) -> None:
        """Sections, organizations, people and tags (reused by name when appending; people are new every run),
        and the text generator that writes about them."""
        rng = self.rng
        self.user = entities.bench_user()
        self.sections = entities.write_sections(self._write)
        self.section_weights = [(self.sections[name], weight) for name, _op, weight in benchdata.SECTIONS]

        self.org_specs = benchdata.organizations()
        self.org_ids = entities.write_organizations(self._write, self.org_specs)
        # Popular organizations are mentioned far more often (the provincial association above all).
        self.org_pool = [self.org_ids[s.name] for s in self.org_specs]
        self.org_weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(self.org_pool))]

        people = benchdata.people(rng, self.org_specs, max(60, min(2000, self.total // 120)))
        self.people = entities.write_people(self._write, people, self.org_ids)

        # Small archives (tests) need small sentence pools; every sentence is segmented for search once.
        per_topic = min(50, max(8, self.total // 100))
        self.generator = TextGenerator(rng, self.org_specs, [p.name for p in people], per_topic=per_topic)
        self.search_text = SearchTextBuilder()

        # An article's first tag is its topic; the others follow the topics' popularity (科普 on far more
        # articles than 古生物).
        self.tag_ids = entities.write_tags(self._write, benchdata.TOPICS)
        self.tag_pool = [self.tag_ids[t] for t in self.generator.topics]
        self.tag_weights = self.generator.topic_weights

    def seed_events(self) -> None:
        """Events around the issues' dates (an issue covers what happened in the days before it)."""
        count = max(10, self.total // 60)
        days = [day for _number, day in self.issue_plan] or [self.end]
        specs = sorted(benchdata.events(self.rng, self.org_specs, days, count), key=lambda e: e.start_date)
        self.event_ids = entities.write_events(self._write, specs, self.org_ids)
        self.event_dates = [spec.start_date for spec in specs]

    # -- issues and pages ----------------------------------------------------------------------------------
    def _auto_per_issue(self, span: int) -> int:
        """Articles an issue when --per-issue is not given: 30, as a weekly-sized issue, until the issues would
        come more than one a day; then as many as make one issue a day (about 130 for a million articles over
        20 years: a provincial daily)."""
        shares = SHARE_DRAFT + SHARE_REVIEW + SHARE_WEB_ONLY + SHARE_SCHEDULED_WEB
        in_issues = self.total * (1 - shares) + 2  # + 2: the shares are rounded one by one
        return max(DEFAULT_PER_ISSUE, math.ceil(in_issues / max(1, span)))

    def plan(self):
        """How many articles of each kind, and the issues' dates and numbers."""
        existing_dates = set(Issue.objects.values_list("date", flat=True))
        if self.append and existing_dates:
            self.end = min(self.end, min(existing_dates) - timedelta(days=1))
        self.first = self.end - timedelta(days=round(365.25 * self.years))
        span = (self.end - self.first).days
        self.per_issue = self.per_issue or self._auto_per_issue(span)

        n = self.total
        self.n_draft = round(n * SHARE_DRAFT)
        self.n_review = round(n * SHARE_REVIEW)
        self.n_web = round(n * SHARE_WEB_ONLY)
        self.n_scheduled_web = round(n * SHARE_SCHEDULED_WEB)
        self.n_upcoming = 0 if self.append or n < 4 * self.per_issue else self.per_issue
        self.n_issue = n - self.n_draft - self.n_review - self.n_web - self.n_scheduled_web - self.n_upcoming
        if self.n_issue < 1:
            self.n_web += self.n_issue
            self.n_issue = 0
        count = max(1, round(self.n_issue / self.per_issue)) if self.n_issue else 0
        if count > span:
            raise CommandError(
                f"{count} issues do not fit in {self.years} years (one a day at most): raise --years or --per-issue."
            )
        # From the archive's first day to its last (end), evenly.
        dates = [
            self.end - timedelta(days=round((count - 1 - i) * span / max(1, count - 1))) for i in range(count)
        ]
        if existing_dates.intersection(dates):
            raise CommandError(
                "The new issues' dates collide with existing issues; use --reset or --end-date."
            )
        first_number = (Issue.objects.aggregate(m=models.Max("number"))["m"] or 0) + 1
        self.issue_plan = [(first_number + i, day) for i, day in enumerate(dates)]
        step = max(1, round(span / max(count, 1)))
        self.upcoming_date = self.end + timedelta(days=step) if self.n_upcoming else None
        if self.upcoming_date:
            self.issue_plan.append((first_number + count, self.upcoming_date))

        # Articles per issue: about per_issue, varying by up to a fifth, summing to n_issue.
        sizes = [self.n_issue // count + (1 if i < self.n_issue % count else 0) for i in range(count)]
        low, high = max(4, round(self.per_issue * 0.8)), round(self.per_issue * 1.2)
        for _ in range(count):
            i, j = self.rng.randrange(count), self.rng.randrange(count)
            move = self.rng.randint(0, max(0, min(sizes[i] - low, high - sizes[j])))
            sizes[i] -= move
            sizes[j] += move
        if self.upcoming_date:
            sizes.append(self.n_upcoming)
        self.issue_sizes = sizes

    def seed_issues(self) -> list[tuple[int, date, list[tuple[int, str]], int]]:
        """Issues and their pages; returns (issue id, date, [(page id, page name)], article count) per issue."""
        rng = self.rng
        issue_id, page_id = next_id(Issue), next_id(IssuePage)
        issues, pages, result = [], [], []
        for (number, day), size in zip(self.issue_plan, self.issue_sizes, strict=True):
            page_count = max(1, min(rng.randint(4, 8), size // 3))
            if size > BIG_ISSUE:  # a daily's issue: about eight articles a page, so more pages (names repeat)
                page_count = min(MAX_PAGES, max(page_count, round(size / rng.uniform(7, 10))))
            others = benchdata.PAGE_NAMES[1:]
            picked = (
                rng.sample(others, page_count - 1)
                if page_count <= 8
                else rng.choices(others, k=page_count - 1)
            )
            names = ["要闻", *sorted(picked, key=benchdata.PAGE_NAMES.index)]
            issue_pages = []
            for page_number, name in enumerate(names, start=1):
                pages.append((page_id, issue_id, page_number, name))
                issue_pages.append((page_id, name))
                page_id += 1
            issues.append((issue_id, number, day, ""))
            result.append((issue_id, day, issue_pages, size))
            issue_id += 1
        self._write(Issue, ("id", "number", "date", "note"), issues)
        self._write(IssuePage, ("id", "issue_id", "number", "name"), pages)
        return result

    # -- articles ------------------------------------------------------------------------------------------
    def article_slots(self, issues):
        """(issue id, page id, page name, position, status, published_at) for every article, oldest first."""
        rng = self.rng
        for issue_id, day, pages, size in issues:
            upcoming = day == self.upcoming_date
            front = max(3, min(MAX_FRONT, size // 5)) if len(pages) > 1 else size
            rest = size - front
            per_page = [front] + [
                rest // (len(pages) - 1) + (1 if i < rest % (len(pages) - 1) else 0)
                for i in range(len(pages) - 1)
            ]
            for (page_id, name), count in zip(pages, per_page, strict=True):
                for position in range(1, count + 1):
                    published_at = self._at(day, *ISSUE_RELEASE, position % 60)
                    if upcoming:
                        status = ArticleStatus.REVIEW if rng.random() < 0.2 else ArticleStatus.PUBLISHED
                        published_at = published_at if status == ArticleStatus.PUBLISHED else None
                    elif rng.random() < SHARE_WITHDRAWN:
                        status = ArticleStatus.WITHDRAWN
                    else:
                        status = ArticleStatus.PUBLISHED
                    yield issue_id, page_id, name, position, status, published_at
        span = (self.end - self.first).days
        for _ in range(self.n_web):
            day = self.first + timedelta(days=rng.randrange(span + 1))
            when = self._at(day, rng.randint(8, 21), rng.randint(0, 59), rng.randint(0, 59))
            yield None, None, None, 0, ArticleStatus.PUBLISHED, min(when, self.now - timedelta(minutes=5))
        for _ in range(self.n_scheduled_web):
            yield (
                None,
                None,
                None,
                0,
                ArticleStatus.PUBLISHED,
                self.now + timedelta(hours=rng.randint(2, 14 * 24)),
            )
        for status, count in ((ArticleStatus.DRAFT, self.n_draft), (ArticleStatus.REVIEW, self.n_review)):
            for _ in range(count):
                yield None, None, None, 0, status, None

    def _section_for(self, page_name: str | None, position: int, last: bool):
        if page_name == "观点":
            return self.sections["观点"]
        if last and position > 2 and self.rng.random() < 0.3:
            return self.sections["图片新闻"]
        if page_name in self.sections and self.rng.random() < 0.85:
            return self.sections[page_name]
        plain = [(s, w) for s, w in self.section_weights if s.name not in {"观点", "图片新闻"}]
        return self.rng.choices([s for s, _ in plain], [w for _, w in plain])[0]

    def _bylines(self, kind: str) -> list[tuple[int, str, str]]:
        """(author id, author name, role) in printed order."""
        rng, people = self.rng, self.people
        picks: list[tuple[tuple[int, str], str]] = []
        if kind == "opinion":
            picks += [
                (p, "author") for p in rng.sample(people["contributor"], 1 if rng.random() < 0.8 else 2)
            ]
        elif kind == "photo":
            picks.append((rng.choice(people["photographer"]), "photographer"))
            if rng.random() < 0.3:
                picks.append((rng.choice(people["correspondent"]), "correspondent"))
        else:
            if rng.random() < 0.7:
                picks += [(p, "reporter") for p in rng.sample(people["staff"], rng.randint(1, 2))]
                if rng.random() < 0.5:
                    picks.append((rng.choice(people["correspondent"]), "correspondent"))
            else:
                picks += [
                    (p, "correspondent") for p in rng.sample(people["correspondent"], rng.randint(1, 2))
                ]
            if rng.random() < 0.1:
                picks.append((rng.choice(people["photographer"]), "photographer"))
        if rng.random() < 0.5:
            picks.append((rng.choice(people["editor"]), "editor"))
        seen, result = set(), []
        for (author_id, name), role in picks:
            if (author_id, role) not in seen:
                seen.add((author_id, role))
                result.append((author_id, name, role))
        return result

    def _sample_weighted(self, pool, weights, k: int, first=None) -> list:
        chosen = [first] if first is not None else []
        while len(chosen) < k:
            pick = self.rng.choices(pool, weights)[0]
            if pick not in chosen:
                chosen.append(pick)
        return chosen

    def _event_near(self, day: date):
        lo = bisect.bisect_left(self.event_dates, day - timedelta(days=20))
        hi = bisect.bisect_right(self.event_dates, day + timedelta(days=3))
        return self.event_ids[self.rng.randrange(lo, hi)] if hi > lo else None

    def seed_articles(self, issues, batch_size: int) -> None:
        article_type = ContentType.objects.get_for_model(Article)
        article_id = next_id(Article)
        slots = list(self.article_slots(issues))
        started = time.monotonic()
        indexes = DeferredIndexes(list(ARTICLE_COLUMNS), self.writer.jobs)
        indexes.drop()
        self.writer.start()
        try:
            for start in range(0, len(slots), batch_size):
                batch = slots[start : start + batch_size]
                tables = {model: [] for model in ARTICLE_COLUMNS}
                for index, slot in enumerate(batch):
                    following = batch[index + 1] if index + 1 < len(batch) else None
                    last_on_page = following is None or following[1] != slot[1]
                    self._article(article_id, slot, last_on_page, article_type.pk, tables)
                    article_id += 1
                statements = []
                for model, rows in tables.items():
                    if rows:
                        statements.append(self.writer.statement(model, ARTICLE_COLUMNS[model], rows))
                        self._count(model, rows)
                self.writer.submit(statements)
                done = min(start + batch_size, len(slots))
                self.log(
                    f"  {done:>7} / {len(slots)} articles generated ({time.monotonic() - started:.1f} s)"
                )
        finally:
            try:
                self.writer.finish()
            finally:
                written = time.monotonic()
                indexes.restore()
        self.log(f"  all articles written ({written - started:.1f} s)")
        self.log(f"  indexes built again ({time.monotonic() - written:.1f} s)")
        if self.search_text.mismatch:
            self.log("  note: search text built by search.text.build_search_text (the fast path disagreed)")

    def _article(self, article_id: int, slot, last_on_page: bool, article_type: int, tables: dict) -> None:
        """One article's row and its bylines, tags, organizations and events, appended to `tables`."""
        rng = self.rng
        issue_id, page_id, page_name, position, status, published_at = slot
        section = self._section_for(page_name, position, last_on_page and page_id is not None)
        kind = "opinion" if section.is_opinion else "photo" if section.name == "图片新闻" else "news"
        text = self.generator.article(kind)
        credits = self._bylines(kind)
        search_text = self.search_text.build(text, [name for _, name, _ in credits])
        when = published_at or self.now - timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 23))
        created = min(when, self.now) - timedelta(hours=rng.randint(4, 72))
        body = self.sanitized(text.body)
        tables[Article].append(
            (
                article_id, text.kicker, text.title, text.subtitle, text.summary, text.dateline, body,
                text.author_note, issue_id, page_id, position, section.pk, status, published_at, search_text,
                self.user.pk, created, when,
            )
        )  # fmt: skip
        tables[Byline] += [(article_id, a, role, order) for order, (a, _name, role) in enumerate(credits)]
        topic_id = self.tag_ids.get(text.topic)
        tags = self._sample_weighted(self.tag_pool, self.tag_weights, rng.randint(2, 4), topic_id)
        tables[TaggedItem] += [(article_id, article_type, tag_id) for tag_id in tags]
        org_id = self.org_ids.get(text.organization) if text.organization else None
        organizations = self._sample_weighted(self.org_pool, self.org_weights, rng.randint(1, 3), org_id)
        tables[ArticleOrganization] += [(article_id, org) for org in organizations]
        events = []
        if kind == "news" and rng.random() < 0.25:
            event_id = self._event_near((published_at or self.now).date())
            events = [event_id] if event_id else []
            tables[ArticleEvent] += [(article_id, event) for event in events]
        # The listing index's rows, as articles/models/listing.py writes them: for published articles only.
        if status == ArticleStatus.PUBLISHED:
            Kind = Listing.Kind
            links = [(Kind.SECTION, [section.pk]), (Kind.TAG, tags), (Kind.ORGANIZATION, organizations), (Kind.EVENT, events)]  # fmt: skip
            tables[Listing] += [(k, t, article_id, published_at) for k, targets in links for t in targets]
            tables[Listing] += [(ROLE_KINDS[role], a, article_id, published_at) for a, _name, role in credits]

    def sanitized(self, body: str) -> str:
        """`body` as the model would store it. Generated bodies are plain <p> text, which the sanitizer keeps
        as it is: that is checked on the first bodies of every run (and in tests), then taken as proven."""
        if self.sanitize_checks > 0:
            self.sanitize_checks -= 1
            clean = sanitize_html(body)
            if clean != body:
                self.sanitize_checks = 10**12  # the generator changed: sanitize every body from now on
            return clean
        return body

    # -- run -----------------------------------------------------------------------------------------------
    def run(self, batch_size: int, reset: bool) -> None:
        """Entities and issues in one transaction, then the articles in batches, then statistics."""
        t = time.monotonic()
        with transaction.atomic():
            if reset:
                reset_archive(self.log)
            self.plan()
            self.seed_entities()
            self.seed_events()
            issues = self.seed_issues()
        self.log(f"  entities, {len(issues)} issues and their pages ({time.monotonic() - t:.1f} s)")
        self.seed_articles(issues, batch_size)
        t = time.monotonic()
        self.finish()
        self.log(f"  sequences and statistics ({time.monotonic() - t:.1f} s)")

    def finish(self) -> None:
        """Count the listing index's targets; move the id sequences past the ids written here; on PostgreSQL,
        VACUUM ANALYZE what was written (planner statistics, the visibility map for index-only scans, the search
        index's pending entries)."""
        touched = [apps.get_model(label) for label in self.counts]
        with connection.cursor() as cursor:
            recount(cursor)  # the listing index's counts, from the rows written in bulk
            for sql in connection.ops.sequence_reset_sql(no_style(), touched):
                cursor.execute(sql)
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in touched)
                # Not the TOAST tables (PostgreSQL 14+): most of the bytes, and nothing reads their visibility map.
                toast = ", PROCESS_TOAST FALSE" if connection.pg_version >= 140000 else ""
                cursor.execute(f"VACUUM (ANALYZE{toast}) {tables}")


def reset_archive(log) -> None:
    """Delete every row of the articles and people apps and the articles' tags (not users), without signals."""
    content_models = [
        m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in {"articles", "people"}
    ]
    article_type = ContentType.objects.get_for_model(Article)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(TaggedItem._meta.db_table)} WHERE content_type_id = %s",
            [article_type.pk],
        )
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in content_models)
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            with connection.constraint_checks_disabled():
                for model in content_models:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        tag_table = connection.ops.quote_name(Tag._meta.db_table)
        item_table = connection.ops.quote_name(TaggedItem._meta.db_table)
        cursor.execute(
            f"DELETE FROM {tag_table} WHERE NOT EXISTS (SELECT 1 FROM {item_table} WHERE tag_id = {tag_table}.id)"
        )
    log("  deleted the existing archive")
