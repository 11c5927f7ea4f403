"""How the article admin shows an article to those who may only read it, and what its history says.

- The read-only view (a reporter looking at his article in review): the body as the HTML it is (sanitized on
  every save, articles/richtext.py), tags, organizations and events as names, or 无; never a form field's
  English name.
- Change messages (the admin's history and each revision's comment) name fields by the msgids of their
  verbose names, so they read 已修改 标题 和 正文 in Chinese; bylines are named in the language of the request.
"""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from articles.names import person

# The read-only view's stand-ins for form fields: None drops the field (nothing to show).
READONLY_SWAPS = {
    "body": "body_html",
    "tags": "tag_names",
    "new_tags": None,
    "mentioned_organizations": "organization_names",
    "covered_events": "event_names",
}


def _names(items) -> str:
    return "、".join(str(item) for item in items) or str(_("none"))


class ArticleDisplayMixin:
    """For ArticleAdmin: the read-only fieldsets and fields, change messages, and 404 for ids that are no id."""

    def _read_only(self, request, obj) -> bool:
        return obj is not None and not self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._read_only(request, obj):
            return fieldsets
        swapped = []
        for name, options in fieldsets:
            fields = [READONLY_SWAPS.get(f, f) for f in options["fields"]]
            swapped.append((name, {**options, "fields": [f for f in fields if f]}))
        return swapped

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._read_only(request, obj):
            fields += [f for f in READONLY_SWAPS.values() if f]
        return fields

    def get_object(self, request, object_id, from_field=None):
        if from_field is None and not str(object_id).isdigit():
            raise Http404  # a mistyped address (…/article/abc/change/) is not found, never a server error
        return super().get_object(request, object_id, from_field)

    @admin.display(description=_("body"))
    def body_html(self, obj):
        return mark_safe(obj.body or "")  # sanitized with nh3 on every save: articles/richtext.py)

    @admin.display(description=_("tags"))
    def tag_names(self, obj):
        return _names(obj.tags.all())

    @admin.display(description=_("organizations"))
    def organization_names(self, obj):
        return _names(obj.organizations.all())

    @admin.display(description=_("events"))
    def event_names(self, obj):
        return _names(obj.events.all())

    # ----- who made and last edited it: by name (the user admin's page behind a login name is not theirs) -----

    @admin.display(description=_("created by"))
    def creator(self, obj):
        return person(obj.created_by) if obj.created_by_id else "-"

    @admin.display(description=_("last edited by"))
    def last_editor(self, obj):
        return person(obj.updated_by) if obj.updated_by_id else "-"

    # ----- change messages -----

    def construct_change_message(self, request, form, formsets, add=False):
        """Django's message, with fields named by their verbose names' msgids (translated when shown) and
        inline objects (bylines: 本报记者 林知远) named in the request's language."""
        message = []
        if add:
            message.append({"added": {}})
        elif form.changed_data:
            message.append({"changed": {"fields": field_msgids(form, form.changed_data)}})
        for formset in formsets or []:
            for added in formset.new_objects:
                message.append({"added": {"name": msgid(added._meta.verbose_name), "object": str(added)}})
            for changed, fields in formset.changed_objects:
                entry = {"name": msgid(changed._meta.verbose_name), "object": str(changed)}
                message.append({"changed": {**entry, "fields": field_msgids(formset.forms[0], fields)}})
            for deleted in formset.deleted_objects:
                message.append(
                    {"deleted": {"name": msgid(deleted._meta.verbose_name), "object": str(deleted)}}
                )
        return message


def msgid(text) -> str:
    """A lazy translation's msgid (its text with translation off)."""
    with override(None):
        return str(text)


def field_msgids(form, names) -> list[str]:
    """The msgids naming these form fields: the model field's verbose name, else the form field's label."""
    model = form._meta.model
    labels = []
    for name in names:
        try:
            label = model._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            field = form.fields.get(name)
            label = (field.label if field is not None else None) or name
        labels.append(msgid(label))
    return labels
