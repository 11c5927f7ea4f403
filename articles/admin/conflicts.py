"""A stale save's conflict, field by field, and its resolution.

When someone saved the article after this form was loaded, the save is refused (ArticleAdminForm._check_version
in articles/admin/forms.py) and `find` lists each content field whose saved value differs from mine: the saved
one, mine, and, when the revision the form was loaded from is known (django-reversion, articles/revisions.py),
what each side changed since then and whether both did. The change page shows it (conflict.html) with a choice
per field: theirs, mine (the form's value, editable there), or an edited merge for text. Only pressing that
page's resolve button (`RESOLVE`, carrying the saved version the choices were made against) puts the choices
into the form's data and bases it on that version (`apply_resolution`); any other save stays refused.

The fields compared are the article's content groups (articles/models/article.py), files excepted: a form shown
again never carries an upload back, so there is nothing of mine to compare.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

import reversion
from diff_match_patch import diff_match_patch
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import format_html
from reversion.models import Version
from taggit.managers import TaggableManager

from articles.models import Article, content_fields, content_text_fields
from articles.names import person
from articles.revisions import as_text, diff_html, related, versions_of
from articles.richtext import SanitizedHTMLField, sanitize_html

COMPARED = [n for n in content_fields() if not isinstance(Article._meta.get_field(n), models.FileField)]
MERGEABLE = frozenset(content_text_fields())

# The resolve button; its value is the saved version the choices were made against.
RESOLVE = "_resolve_conflict"
LISTED = "_conflict_field"  # one hidden input per field shown
THEIRS, MINE, MERGED = "theirs", "mine", "merged"
CHOICES = (THEIRS, MINE, MERGED)
UNKNOWN = object()  # a field whose value in the base revision is not known

_BETWEEN_TAGS = re.compile(r">\s+<")


def choice_name(name: str) -> str:
    return f"_take_{name}"


def merged_name(name: str) -> str:
    return f"_merged_{name}"


@dataclass
class Row:
    """One differing field: the saved value and mine (as HTML, with what changed marked), and the choice."""

    name: str
    label: str
    theirs: str
    mine: str
    base_known: bool
    both_changed: bool
    choice: str
    mergeable: bool
    merged: str


@dataclass
class Conflict:
    """The saved version (`version`, by `saved_by` at `saved_at`) against mine, one row per differing field."""

    version: int
    saved_by: str
    saved_at: datetime
    base_known: bool
    unresolved: bool = False  # a resolution was sent without a choice for every field
    rows: list[Row] = field(default_factory=list)


# ----- values: comparable, readable, and as the form posts them -----


def _model_field(name):
    return Article._meta.get_field(name)


def same_rich_text(name: str, value, other) -> bool:
    """Whether two values of the rich-text field `name` are the same text: the editor writes its text back in its
    own form (a line end at the end, indenting between tags), which no one typed."""
    try:
        rich = isinstance(_model_field(name), SanitizedHTMLField)
    except FieldDoesNotExist:  # a form's own field (new tags)
        return False
    return rich and _key(name, value) == _key(name, other)


def _key(name, value):
    """A value reduced to what matters for equality (ids, names, text without markup noise)."""
    model_field = _model_field(name)
    if isinstance(model_field, TaggableManager):
        return frozenset(str(v) for v in value or ())  # tag names; new tags arrive as names
    if model_field.many_to_many:
        return frozenset(getattr(v, "pk", v) for v in value or ())
    if model_field.many_to_one:
        return getattr(value, "pk", value)
    if isinstance(model_field, SanitizedHTMLField):
        return _BETWEEN_TAGS.sub("><", sanitize_html(value or "")).strip()
    if isinstance(value, str) or value is None:
        return (value or "").strip()
    return value


def _raw(name, value) -> str:
    """A text field's value as stored."""
    if isinstance(_model_field(name), SanitizedHTMLField):
        return sanitize_html(value or "")
    return value or ""


def _readable(name, value) -> str:
    model_field = _model_field(name)
    if model_field.many_to_many:
        return "、".join(sorted(str(v) for v in value or ()))
    if isinstance(model_field, SanitizedHTMLField):
        return as_text(value)
    return "" if value is None else str(value)


def _saved_values(article: Article) -> dict:
    values = {}
    for name in COMPARED:
        value = getattr(article, name)
        values[name] = list(value.all()) if _model_field(name).many_to_many else value
    return values


def _base_value(version: Version, name: str):
    """`name` in an old revision, or UNKNOWN (links whose rows are not versioned, tags among them)."""
    model_field, data = _model_field(name), version.field_dict
    if model_field.many_to_many:
        through = model_field.remote_field.through
        if isinstance(model_field, TaggableManager) or not reversion.is_registered(through):
            return UNKNOWN
        ids = [row[model_field.m2m_reverse_name()] for row in related(version, through)]
        return list(model_field.related_model.objects.filter(pk__in=ids))
    if model_field.many_to_one:
        pk = data.get(model_field.attname)
        return model_field.related_model.objects.filter(pk=pk).first() if pk else None
    return data.get(model_field.attname, "")


def _base_version(article: Article, revision_id) -> Version | None:
    try:
        return versions_of(article).get(pk=int(revision_id))
    except (TypeError, ValueError, Version.DoesNotExist):
        return None


def latest_revision_id(article: Article) -> int | None:
    """The newest revision of the article if it holds exactly the article's content now (a save without a
    revision, an import for one, would make it a wrong base), else None."""
    version = versions_of(article).first()
    if version is None:
        return None
    data = version.field_dict
    for name in COMPARED:
        model_field = _model_field(name)
        if model_field.many_to_many:
            continue
        if _key(name, data.get(model_field.attname)) != _key(name, getattr(article, model_field.attname)):
            return None
    return version.pk


# ----- finding the conflict -----


def _merge(base: str, theirs: str, mine: str) -> str:
    """Both sides' changes to a text, when they apply cleanly (diff-match-patch); else mine."""
    engine = diff_match_patch()
    merged, applied = engine.patch_apply(engine.patch_make(base, mine), theirs)
    return merged if all(applied) else mine


def _row(name, theirs, mine, base, posted) -> Row:
    known = base is not UNKNOWN
    theirs_text, mine_text = _readable(name, theirs), _readable(name, mine)
    if known:
        base_text = _readable(name, base)
        they_changed, i_changed = _key(name, theirs) != _key(name, base), _key(name, mine) != _key(name, base)
        theirs_html, mine_html = diff_html(base_text, theirs_text), diff_html(base_text, mine_text)
        choice = MINE if not they_changed else THEIRS if not i_changed else ""
    else:
        they_changed = i_changed = False
        theirs_html, mine_html = format_html("{}", theirs_text), diff_html(theirs_text, mine_text)
        choice = ""
    mergeable = name in MERGEABLE
    merged = ""
    if mergeable:
        theirs_raw, mine_raw = _raw(name, theirs), _raw(name, mine)
        merged = _merge(_raw(name, base), theirs_raw, mine_raw) if known else mine_raw
    if posted is not None:  # the choices made before, on a resolution refused again
        choice = posted.get(choice_name(name)) or choice
        merged = posted.get(merged_name(name), merged)
    return Row(
        name=name,
        label=_model_field(name).verbose_name,
        theirs=theirs_html,
        mine=mine_html,
        base_known=known,
        both_changed=they_changed and i_changed,
        choice=choice if choice in CHOICES else "",
        mergeable=mergeable,
        merged=merged,
    )


def find(form, cleaned: dict, current: Article, revision_id) -> Conflict:
    """The fields where the saved article (`current`) and the form's cleaned values differ."""
    version = _base_version(current, revision_id) if revision_id else None
    saved = _saved_values(current)
    posted = form.data if RESOLVE in form.data else None
    conflict = Conflict(
        version=current.version,
        saved_by=person(current.updated_by or current.created_by),
        saved_at=current.updated_at,
        base_known=version is not None,
        unresolved=getattr(form, "unresolved", False),
    )
    for name in COMPARED:
        form_fields = form.form_fields_of(name)
        if not form_fields or form_fields[0] not in cleaned:
            continue  # not editable by this user, or not valid: nothing of mine to compare
        mine = cleaned[form_fields[0]]
        if _key(name, mine) == _key(name, saved[name]):
            continue
        base = _base_value(version, name) if version is not None else UNKNOWN
        conflict.rows.append(_row(name, saved[name], mine, base, posted))
    return conflict


# ----- resolving it -----


def _put(data, name: str, value) -> None:
    if isinstance(value, list | tuple):
        data.setlist(name, [str(v) for v in value])
    else:
        data[name] = "" if value is None else str(value)


def apply_resolution(form) -> None:
    """When the form was sent with the resolve button, against the version saved now, with a choice for every
    field shown: put theirs or the merge into the form's data where chosen, and base the form on that version.
    Otherwise leave the data alone: the save is refused again (a newer save meanwhile is a new conflict)."""
    data = form.data
    against = data.get(RESOLVE)
    if not against:
        return
    current = Article.objects.select_for_update().get(pk=form.instance.pk)
    if against != str(current.version):
        return
    listed = [name for name in data.getlist(LISTED) if name in COMPARED]
    if any(data.get(choice_name(name)) not in CHOICES for name in listed):
        form.unresolved = True
        return
    resolved = data.copy()
    saved = type(form)(instance=current)  # unbound: its values are the saved version's, as a form posts them
    for name in listed:
        choice = data.get(choice_name(name))
        if choice == THEIRS:
            for form_field in form.form_fields_of(name):
                _put(resolved, form_field, saved[form_field].value())
        elif choice == MERGED and name in MERGEABLE:
            resolved[name] = data.get(merged_name(name), "")
    resolved["based_on_version"] = str(current.version)
    _put(resolved, "based_on_revision", saved["based_on_revision"].value())
    form.data = resolved
