"""The benchmark archive's sections, organizations, people, tags and events, written as rows.

Each function takes `write(model, attribute names, rows)` (the seeder's, which counts what it wrote) and the
specs from devdata/benchdata.py, and returns the ids the articles will refer to. Sections, organizations and
tags are reused by name when an archive is extended; people and events are new every run (a name is not unique
anyway). Slugs are made unique as the models' save() would (devdata/bulk.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from taggit.models import Tag

from articles.models import Event, Section
from people.models import Author, Organization

from .benchdata import SECTIONS, EventSpec, OrganizationSpec, PersonSpec
from .bulk import UniqueSlugs, next_id

Write = Callable[[type, tuple[str, ...], list[tuple]], None]

BENCH_USERNAME = "bench-seed"


def bench_user():
    """The inactive user the archive's articles are created by."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        **{user_model.USERNAME_FIELD: BENCH_USERNAME}, defaults={"is_active": False, "is_staff": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def write_sections(write: Write) -> dict[str, Section]:
    """Every section of SECTIONS, by name (those that exist are reused)."""
    sections = {s.name: s for s in Section.objects.all()}
    slugs = UniqueSlugs(Section.objects.values_list("slug", flat=True))
    pk, rows = next_id(Section), []
    for order, (name, is_opinion, _weight) in enumerate(SECTIONS):
        if name not in sections:
            rows.append((pk, name, slugs(name, "section"), order, is_opinion, ""))
            sections[name] = Section(id=pk, name=name, is_opinion=is_opinion)
            pk += 1
    write(Section, ("id", "name", "slug", "order", "is_opinion", "description"), rows)
    return sections


def write_organizations(write: Write, specs: list[OrganizationSpec]) -> dict[str, int]:
    """{name: id} of every organization, those that exist included; parents come before their children."""
    ids = dict(Organization.objects.values_list("name", "pk"))
    slugs = UniqueSlugs(Organization.objects.values_list("slug", flat=True))
    pk, rows = next_id(Organization), []
    for spec in specs:
        if spec.name in ids:
            continue
        ids[spec.name] = pk
        rows.append(
            (
                pk,
                spec.name,
                slugs(spec.short_name or spec.name, "organization"),
                spec.short_name,
                "\n".join(spec.aliases),
                spec.kind,
                ids[spec.parent] if spec.parent else None,
                spec.description,
            )
        )
        pk += 1
    write(
        Organization,
        ("id", "name", "slug", "short_name", "aliases", "kind", "parent_id", "description"),
        rows,
    )
    return ids


def write_people(
    write: Write, people: list[PersonSpec], organization_ids: dict[str, int]
) -> dict[str, list[tuple[int, str]]]:
    """{kind: [(author id, name)]} of the people written."""
    slugs = UniqueSlugs(Author.objects.values_list("slug", flat=True))
    pk, rows = next_id(Author), []
    by_kind: dict[str, list[tuple[int, str]]] = {}
    for person in people:
        rows.append(
            (
                pk,
                person.name,
                slugs(person.name, "author"),
                person.kind,
                organization_ids.get(person.organization) if person.organization else None,
                person.position,
                person.bio,
            )
        )
        by_kind.setdefault(person.kind, []).append((pk, person.name))
        pk += 1
    write(Author, ("id", "name", "slug", "kind", "organization_id", "position", "bio"), rows)
    return by_kind


def write_tags(write: Write, topics: list[str]) -> dict[str, int]:
    """{name: id} of every tag, one per topic among them (those that exist are reused)."""
    tags = dict(Tag.objects.values_list("name", "pk"))
    slugs = UniqueSlugs(Tag.objects.values_list("slug", flat=True))
    pk, rows = next_id(Tag), []
    for topic in topics:
        if topic not in tags:
            rows.append((pk, topic, slugs(Tag().slugify(topic), "tag")))
            tags[topic] = pk
            pk += 1
    write(Tag, ("id", "name", "slug"), rows)
    return tags


def write_events(write: Write, specs: list[EventSpec], organization_ids: dict[str, int]) -> list[int]:
    """The events with their organizers; returns their ids, in the order of `specs`."""
    slugs = UniqueSlugs(Event.objects.values_list("slug", flat=True))
    pk, rows, organizers, ids = next_id(Event), [], [], []
    for spec in specs:
        rows.append(
            (
                pk,
                spec.name,
                slugs(spec.name, "event"),
                spec.start_date,
                spec.end_date,
                spec.place,
                spec.description,
            )
        )
        organizers += [(pk, organization_ids[name]) for name in spec.organizers]
        ids.append(pk)
        pk += 1
    write(Event, ("id", "name", "slug", "start_date", "end_date", "place", "description"), rows)
    write(Event.organizers.through, ("event_id", "organization_id"), organizers)
    return ids
