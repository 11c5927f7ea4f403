"""seed_bench: a realistic newspaper archive for benchmarks, bulk-inserted.

    manage.py seed_bench --articles 100000            # into an empty database
    manage.py seed_bench --articles 1000 --reset      # delete the archive first (articles, people, issues, tags)
    manage.py seed_bench --articles 5000 --append     # add older issues before the existing archive

Issues of about 30 articles on 4–8 named pages (版), spread over 15 years and ending today, plus one upcoming
issue whose articles are scheduled; bylines with roles; tags, organizations (with aliases and parents),
events; web-only news; drafts, articles in review and withdrawn ones. Text comes from the built-in vocabulary
in articles/benchdata.py.

Rows are written straight to their tables, without save() or signals: COPY on PostgreSQL, executemany
elsewhere. So the command does itself what saving would do: bodies go through the same sanitizer, search_text
is built as articles/search.py builds it, slugs are made unique, and the public page cache is purged at the
end. Everything happens in one transaction.
"""

from __future__ import annotations

import bisect
import io
import queue
import random
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticleEvent,
    ArticleOrganization,
    ArticleStatus,
    Byline,
    Event,
    Issue,
    IssuePage,
    Section,
)
from articles.richtext import sanitize_html
from core.pagecache import purge_public_pages
from devdata import benchdata
from people.models import Author, Organization

BENCH_USERNAME = "bench-seed"
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
}  # fmt: skip


class RowWriter:
    """Write rows straight into a model's table: COPY on PostgreSQL, executemany elsewhere.

    Every concrete column of the model is written. Values not given come from the field's default (so a field
    added later with a default needs no change here); auto_now(_add) fields take `now`.

    `write()` runs at once on Django's connection. `submit()` takes a batch of statements: on PostgreSQL they
    go to one of `jobs` writer threads, each with its own connection, which runs the batch as one transaction.
    PostgreSQL computes the search vector of each article as it is written (a generated column, the dearest
    part of the load), so two connections use both cores, while this thread generates the next batch.
    """

    def __init__(self, now: datetime, jobs: int):
        self.now = now
        self.copy = connection.vendor == "postgresql"
        self.jobs = jobs if self.copy else 0
        self._queue: queue.Queue | None = None
        self._threads: list[threading.Thread] = []
        self._errors: list[BaseException] = []

    def _columns(self, model, given: tuple[str, ...]):
        fields = [f for f in model._meta.concrete_fields if not f.generated]
        missing = []
        for field in fields:
            if field.attname in given or field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                missing.append((field, lambda: self.now))
            elif field.has_default() or field.null:
                missing.append((field, field.get_default))
            elif field.blank and field.empty_strings_allowed:
                missing.append((field, str))  # text, slug, file and image fields left empty
            else:
                raise CommandError(f"seed_bench does not know what to write in {model.__name__}.{field.name}")
        given_fields = [model._meta.get_field(name) for name in given]
        return given_fields + [field for field, _ in missing], [make for _, make in missing]

    def statement(self, model, names: tuple[str, ...], rows: list[tuple]):
        """(sql, data) inserting `rows` (tuples in the order of `names`, attribute names) into `model`'s table."""
        fields, defaults = self._columns(model, names)
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        if defaults:
            rows = [(*row, *(make() for make in defaults)) for row in rows]
        if self.copy:
            formats = [_copy_format(field) for field in fields]
            buffer = io.StringIO()
            buffer.writelines(
                "\t".join([fmt(value) for fmt, value in zip(formats, row, strict=True)]) + "\n"
                for row in rows
            )
            buffer.seek(0)
            return f"COPY {table} ({columns}) FROM STDIN", buffer
        adapt = [_sql_adapter(field) for field in fields]
        placeholders = ", ".join(["%s"] * len(fields))
        return (
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
            [[convert(v) for convert, v in zip(adapt, row, strict=True)] for row in rows],
        )

    def _execute(self, cursor, sql: str, data) -> None:
        if self.copy:
            getattr(cursor, "cursor", cursor).copy_expert(sql, data)
        else:
            cursor.executemany(sql, data)

    def write(self, model, names: tuple[str, ...], rows: list[tuple]) -> None:
        if rows:
            with connection.cursor() as cursor:
                self._execute(cursor, *self.statement(model, names, rows))

    # -- batches --------------------------------------------------------------------------------------------
    def start(self) -> None:
        if not self.jobs:
            return
        self._queue = queue.Queue(maxsize=2 * self.jobs)
        params = connection.get_connection_params()
        for _ in range(self.jobs):
            raw = connection.get_new_connection(params)
            thread = threading.Thread(target=self._run, args=(raw,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def submit(self, statements: list) -> None:
        """Write a batch of statements as one transaction (in the background on PostgreSQL)."""
        if self._errors:
            raise CommandError(f"Writing rows failed: {self._errors[0]}") from self._errors[0]
        if self._queue is not None:
            self._queue.put(statements)
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, data in statements:
                self._execute(cursor, sql, data)

    def _run(self, raw) -> None:
        with raw.cursor() as cursor:
            # lz4 compresses the large search vectors several times faster than the default pglz (PostgreSQL
            # 14+, when built with lz4; reading either is transparent). Without it, the default stays.
            cursor.execute(
                "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
            )
            if cursor.fetchone():
                cursor.execute("SET default_toast_compression = 'lz4'")
            # As pg_restore --disable-triggers does: skip the per-row foreign-key checks, for a superuser only.
            # Every id written here refers to a row created (and committed) by this command a moment before.
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET session_replication_role = replica")
        raw.commit()
        while (statements := self._queue.get()) is not None:
            if self._errors:
                continue  # drain: the main thread reports the first error
            try:
                with raw.cursor() as cursor:
                    for sql, data in statements:
                        cursor.copy_expert(sql, data)
                raw.commit()
            except BaseException as exc:
                raw.rollback()
                self._errors.append(exc)
        raw.close()

    def finish(self) -> None:
        """Wait for every batch; raise what failed."""
        if self._queue is not None:
            for _ in self._threads:
                self._queue.put(None)
            for thread in self._threads:
                thread.join()
            self._queue, self._threads = None, []
        if self._errors:
            raise CommandError(
                f"Writing rows failed: {self._errors[0]}. The archive is incomplete: run again with --reset."
            ) from self._errors[0]


def _sql_adapter(field):
    """How to pass a value of `field` to executemany: dates and times through the backend, the rest as is."""
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        return lambda value: connection.ops.adapt_datetimefield_value(value)
    if internal == "DateField":
        return lambda value: connection.ops.adapt_datefield_value(value)
    if internal in {"FileField", "ImageField"}:
        return lambda value: str(value or "")
    return lambda value: value


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy_format(field):
    """A function writing a value of `field` in PostgreSQL's COPY text format."""
    internal = field.get_internal_type()
    if internal in {"DateTimeField", "DateField"}:
        return lambda value: "\\N" if value is None else value.isoformat()
    if internal == "BooleanField":
        return lambda value: "\\N" if value is None else ("t" if value else "f")
    if internal in {"FileField", "ImageField"}:
        return lambda value: _escape(str(value or ""))
    return lambda value: "\\N" if value is None else _escape(str(value))


class UniqueSlugs:
    """Slugs made unique by a numeric suffix, the way the models do it in save(), without a query per row."""

    def __init__(self, taken):
        self.taken = set(taken)

    def __call__(self, value: str, fallback: str, max_length: int = 80) -> str:
        base = slugify(value, allow_unicode=True)[: max_length - 6] or fallback
        slug, n = base, 2
        while slug in self.taken:
            slug, n = f"{base}-{n}", n + 1
        self.taken.add(slug)
        return slug


class ArchiveSeeder:
    def __init__(
        self, *, articles: int, seed: int, years: int, per_issue: int, end: date, append: bool, jobs: int, log
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
    def _next_id(self, model) -> int:
        return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1

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
        rng = self.rng
        self.user = self._bench_user()
        # Sections: reused by name when appending.
        sections = {s.name: s for s in Section.objects.all()}
        slugs = UniqueSlugs(Section.objects.values_list("slug", flat=True))
        next_id, rows = self._next_id(Section), []
        for order, (name, is_opinion, _weight) in enumerate(benchdata.SECTIONS):
            if name not in sections:
                rows.append((next_id, name, slugs(name, "section"), order, is_opinion, ""))
                sections[name] = Section(id=next_id, name=name, is_opinion=is_opinion)
                next_id += 1
        self._write(Section, ("id", "name", "slug", "order", "is_opinion", "description"), rows)
        self.sections = sections
        self.section_weights = [(sections[name], weight) for name, _op, weight in benchdata.SECTIONS]

        # Organizations: reused by name; parents come before their children in the spec list.
        specs = benchdata.organizations()
        existing = dict(Organization.objects.values_list("name", "pk"))
        slugs = UniqueSlugs(Organization.objects.values_list("slug", flat=True))
        next_id, rows = self._next_id(Organization), []
        for spec in specs:
            if spec.name in existing:
                continue
            existing[spec.name] = next_id
            rows.append(
                (
                    next_id,
                    spec.name,
                    slugs(spec.short_name or spec.name, "organization"),
                    spec.short_name,
                    "\n".join(spec.aliases),
                    spec.kind,
                    existing[spec.parent] if spec.parent else None,
                    spec.description,
                )
            )
            next_id += 1
        self._write(
            Organization,
            ("id", "name", "slug", "short_name", "aliases", "kind", "parent_id", "description"),
            rows,
        )
        self.org_ids = existing
        self.org_specs = specs
        # Popular organizations are mentioned far more often (the provincial association above all).
        self.org_pool = [existing[s.name] for s in specs]
        self.org_weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(self.org_pool))]

        # People: new ones every run (names are not unique anyway).
        people = benchdata.people(rng, specs, max(60, min(2000, self.total // 120)))
        slugs = UniqueSlugs(Author.objects.values_list("slug", flat=True))
        next_id, rows = self._next_id(Author), []
        self.people: dict[str, list[tuple[int, str]]] = {}
        for person in people:
            rows.append(
                (
                    next_id,
                    person.name,
                    slugs(person.name, "author"),
                    person.kind,
                    existing.get(person.organization) if person.organization else None,
                    person.position,
                    person.bio,
                )
            )
            self.people.setdefault(person.kind, []).append((next_id, person.name))
            next_id += 1
        self._write(Author, ("id", "name", "slug", "kind", "organization_id", "position", "bio"), rows)

        # Small archives (tests) need small sentence pools; every sentence is segmented for search once.
        per_topic = min(50, max(8, self.total // 100))
        self.generator = benchdata.TextGenerator(rng, specs, [p.name for p in people], per_topic=per_topic)
        self.search_text = benchdata.SearchTextBuilder()

        # Tags: one per topic, reused by name. An article's first tag is its topic; the others follow the
        # topics' popularity (科普 on far more articles than 古生物).
        tags = dict(Tag.objects.values_list("name", "pk"))
        slugs = UniqueSlugs(Tag.objects.values_list("slug", flat=True))
        next_id, rows = self._next_id(Tag), []
        for topic in benchdata.TOPICS:
            if topic not in tags:
                rows.append((next_id, topic, slugs(Tag().slugify(topic), "tag")))
                tags[topic] = next_id
                next_id += 1
        self._write(Tag, ("id", "name", "slug"), rows)
        self.tag_ids = tags
        self.tag_pool = [tags[t] for t in self.generator.topics]
        self.tag_weights = self.generator.topic_weights

    def _bench_user(self):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            **{user_model.USERNAME_FIELD: BENCH_USERNAME}, defaults={"is_active": False, "is_staff": False}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def seed_events(self) -> None:
        """Events around the issues' dates (an issue covers what happened in the days before it)."""
        count = max(10, self.total // 60)
        days = [day for _number, day in self.issue_plan] or [self.end]
        specs = sorted(benchdata.events(self.rng, self.org_specs, days, count), key=lambda e: e.start_date)
        slugs = UniqueSlugs(Event.objects.values_list("slug", flat=True))
        next_id, rows, organizers = self._next_id(Event), [], []
        self.event_dates, self.event_ids = [], []
        for spec in specs:
            rows.append(
                (
                    next_id,
                    spec.name,
                    slugs(spec.name, "event"),
                    spec.start_date,
                    spec.end_date,
                    spec.place,
                    spec.description,
                )
            )
            organizers += [(next_id, self.org_ids[name]) for name in spec.organizers]
            self.event_dates.append(spec.start_date)
            self.event_ids.append(next_id)
            next_id += 1
        self._write(Event, ("id", "name", "slug", "start_date", "end_date", "place", "description"), rows)
        self._write(Event.organizers.through, ("event_id", "organization_id"), organizers)

    # -- issues and pages ----------------------------------------------------------------------------------
    def plan(self):
        """How many articles of each kind, and the issues' dates and numbers."""
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

        existing_dates = set(Issue.objects.values_list("date", flat=True))
        if self.append and existing_dates:
            self.end = min(self.end, min(existing_dates) - timedelta(days=1))
        self.first = self.end - timedelta(days=round(365.25 * self.years))
        span = (self.end - self.first).days
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
        issue_id, page_id = self._next_id(Issue), self._next_id(IssuePage)
        issues, pages, result = [], [], []
        for (number, day), size in zip(self.issue_plan, self.issue_sizes, strict=True):
            page_count = max(1, min(rng.randint(4, 8), size // 3))
            names = [
                "要闻",
                *sorted(rng.sample(benchdata.PAGE_NAMES[1:], page_count - 1), key=benchdata.PAGE_NAMES.index),
            ]
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
            front = max(3, size // 5) if len(pages) > 1 else size
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
        article_id = self._next_id(Article)
        slots = list(self.article_slots(issues))
        started = time.monotonic()
        self.writer.start()
        try:
            for start in range(0, len(slots), batch_size):
                batch = slots[start : start + batch_size]
                tables = {
                    model: [] for model in (Article, Byline, TaggedItem, ArticleOrganization, ArticleEvent)
                }
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
            self.writer.finish()
        self.log(f"  all articles written ({time.monotonic() - started:.1f} s)")
        if self.search_text.mismatch:
            self.log("  note: search text built by search.engine.build_search_text (the fast path disagreed)")

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
        for tag_id in self._sample_weighted(self.tag_pool, self.tag_weights, rng.randint(2, 4), topic_id):
            tables[TaggedItem].append((article_id, article_type, tag_id))
        org_id = self.org_ids.get(text.organization) if text.organization else None
        for org in self._sample_weighted(self.org_pool, self.org_weights, rng.randint(1, 3), org_id):
            tables[ArticleOrganization].append((article_id, org))
        if kind == "news" and rng.random() < 0.25:
            event_id = self._event_near((published_at or self.now).date())
            if event_id:
                tables[ArticleEvent].append((article_id, event_id))

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
        """Move the id sequences past the ids written here; on PostgreSQL, VACUUM ANALYZE what was written
        (planner statistics, the visibility map for index-only scans, the search index's pending entries)."""
        touched = [apps.get_model(label) for label in self.counts]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), touched):
                cursor.execute(sql)
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in touched)
                cursor.execute(f"VACUUM (ANALYZE) {tables}")


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


class Command(BaseCommand):
    help = "Bulk-insert a realistic benchmark archive: issues, pages, articles, bylines, tags, organizations, events."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, help="How many articles (default 1000).")
        parser.add_argument(
            "--seed", type=int, default=20240517, help="Random seed: the same seed, the same archive."
        )
        parser.add_argument("--years", type=int, default=15, help="Years the archive spans (default 15).")
        parser.add_argument(
            "--per-issue", type=int, default=30, help="Articles in an issue, about (default 30)."
        )
        parser.add_argument(
            "--end-date",
            type=date.fromisoformat,
            default=None,
            help="Date of the last published issue (default: today, or yesterday before 05:30).",
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="Articles written per batch.")
        parser.add_argument(
            "--jobs",
            type=int,
            default=2,
            help="PostgreSQL connections writing articles in parallel (default 2).",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--reset", action="store_true", help="Delete the existing archive first.")
        group.add_argument(
            "--append", action="store_true", help="Add older issues before the existing archive."
        )

    def handle(self, *args, **options):
        if options["articles"] < 1:
            raise CommandError("--articles must be at least 1.")
        if options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1.")
        if options["per_issue"] < 4:
            raise CommandError("--per-issue must be at least 4.")
        non_empty = Article.objects.exists() or Issue.objects.exists()
        if non_empty and not (options["reset"] or options["append"]):
            raise CommandError("The database already holds articles or issues: pass --reset or --append.")
        log = self.stdout.write if options["verbosity"] >= 1 else (lambda message: None)
        started = time.monotonic()
        seeder = ArchiveSeeder(
            articles=options["articles"],
            seed=options["seed"],
            years=options["years"],
            per_issue=options["per_issue"],
            end=options["end_date"] or latest_issue_day(),
            append=options["append"] and non_empty,
            jobs=options["jobs"],
            log=log,
        )
        try:
            seeder.run(options["batch_size"], reset=options["reset"] and non_empty)
        finally:
            # Rows written without save() sent no signal: purge the page cache (and a CDN through its hook).
            purge_public_pages()
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{label} {count}" for label, count in seeder.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {options['articles']} articles in {elapsed:.1f} s: {summary}")
        )
