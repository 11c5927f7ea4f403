"""Admin forms: the article form (autocomplete for tags, organizations and events; a version for
optimistic locking, with the conflict of a stale save shown field by field, articles/admin/conflicts.py; the
workflow button pressed, saved with the form in one transaction) and the small forms of the workflow buttons and
the issue release."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from taggit.utils import parse_tags

from articles.models import Article, Event, StaleEdit, content_fields, content_text_fields
from articles.models.tags import validate_tag_name
from articles.policy import TRANSITIONS
from core.adminguards import SafeAutocompleteSelectMultiple, SafeModelMultipleChoiceField
from people.models import Organization

from . import conflicts
from .pictures import ALT_HELP, ALT_INPUT
from .refusals import keep_text

# The text a refused stale save keeps for its author to merge.
KEPT_FIELDS = content_text_fields()
# The form fields that edit a link field of the model: tags are chosen or typed new; organizations and events
# link through PROTECT models the admin will not render, so form fields stand in for them (see _save_m2m).
LINK_FORM_FIELDS = {
    "tags": ["tags", "new_tags"],
    "organizations": ["mentioned_organizations"],
    "events": ["covered_events"],
}
MAX_ID = 2**31 - 1  # the largest version or revision id every database stores
# Set only by articles/workflow.py: a save of the form never writes them from the copy it loaded.
WORKFLOW_FIELDS = ("status", "published_at")


def form_fields(model_fields) -> list[str]:
    """The form fields that edit these content fields of the model, in order."""
    return [name for field in model_fields for name in LINK_FORM_FIELDS.get(field, [field])]


# The workflow buttons of the change page belong to the article form (workflow_actions.html): `_transition`
# names the transition pressed, `_transition_at` one pressed with its publication time. Each comment and time
# input follows a hidden input naming its transition (`_comment_for`, `_publish_at_for`), in document order.
TRANSITION, TRANSITION_AT = "_transition", "_transition_at"


def posted_for(data, name: str, transition: str) -> str:
    """The value of the input `name` ("comment", "publish_at") that belongs to `transition`'s button."""
    pairs = zip(data.getlist(f"_{name}_for"), data.getlist(name), strict=False)
    return next((value for owner, value in pairs if owner == transition), "")


def typed_tag_names(text: str) -> list[str]:
    """The tag names typed into "new tags": split on Chinese punctuation too (，、；) as on commas and semicolons."""
    return parse_tags(text.translate(str.maketrans("，、;；", ",,,,")))


def _autocomplete(field_name: str):
    return SafeAutocompleteSelectMultiple(Article._meta.get_field(field_name), admin.site)


def _per_cent(field_name: str, help_text) -> forms.IntegerField:
    """A focal point coordinate: a whole per cent, 0 to 100 (the browser's number field says so too)."""
    return forms.IntegerField(
        label=capfirst(Article._meta.get_field(field_name).verbose_name),
        min_value=0,
        max_value=100,
        initial=50,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": 1, "class": "focal-point__number"}),
    )


class ArticleAdminForm(forms.ModelForm):
    """Article fields editors and reporters fill in. Status and publication time are never form fields."""

    tags = SafeModelMultipleChoiceField(
        label=_("tags"), queryset=Tag.objects.all(), required=False, widget=_autocomplete("tags")
    )
    new_tags = forms.CharField(
        label=_("new tags"),
        required=False,
        max_length=500,
        help_text=_("Tags that do not exist yet, separated by commas."),
    )
    # Stand-ins for organizations and events (LINK_FORM_FIELDS), saved in _save_m2m.
    mentioned_organizations = SafeModelMultipleChoiceField(
        label=_("organizations"),
        queryset=Organization.objects.all(),
        required=False,
        widget=_autocomplete("organizations"),
    )
    covered_events = SafeModelMultipleChoiceField(
        label=_("events"), queryset=Event.objects.all(), required=False, widget=_autocomplete("events")
    )
    image_focal_x = _per_cent("image_focal_x", _("Per cent of the picture's width, from its left edge."))
    image_focal_y = _per_cent("image_focal_y", _("Per cent of the picture's height, from its top edge."))
    # The version this form was loaded from; a save based on an older one is refused (no silent overwrite).
    # Bounded like the database's integers: a forged huge number is a form error, not a failed write.
    based_on_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )
    # The revision (django-reversion) holding the content this form was loaded with: what a conflict compares with.
    based_on_revision = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )

    class Meta:
        model = Article
        # The model's content fields the form edits as they are (the links with stand-ins are saved by hand).
        fields = [name for name in content_fields() if name in LINK_FORM_FIELDS.get(name, [name])]
        widgets = {"image_alt": forms.TextInput(attrs=ALT_INPUT)}
        help_texts = {"image_alt": ALT_HELP}

    request_user = None  # set per request by ArticleAdmin.get_form
    refusal = None  # why the save is refused: its workflow button, or a busy database (ArticleAdmin)
    conflict = None  # a stale save's conflict (conflicts.Conflict), for the change page to show
    transition = None  # (name, comment, publish_at) of the workflow button pressed, once the form is clean

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["mentioned_organizations"].initial = list(self.instance.organizations.all())
            self.fields["covered_events"].initial = list(self.instance.events.all())
            self.fields["based_on_version"].initial = self.instance.version
            if not self.is_bound and "based_on_revision" in self.fields:
                self.fields["based_on_revision"].initial = conflicts.latest_revision_id(self.instance)

    @cached_property
    def changed_data(self):
        """What the user changed: not the hidden locking fields, nor a rich-text field the editor only wrote back
        in its own form (the history said 修改了正文 and based_on_revision for a save of nothing)."""
        return [
            name
            for name in super().changed_data
            if not self.fields[name].widget.is_hidden
            and not conflicts.same_rich_text(name, self[name].initial, self[name].data)
        ]

    def form_fields_of(self, name: str) -> list[str]:
        """This form's fields that edit the model's content field `name`."""
        return [f for f in LINK_FORM_FIELDS.get(name, [name]) if f in self.fields]

    def full_clean(self):
        if self.is_bound and self.instance.pk and "based_on_version" in self.fields:
            conflicts.apply_resolution(self)  # the choices made on a conflict, into the form's data
        super().full_clean()

    def clean_new_tags(self):
        text = self.cleaned_data.get("new_tags") or ""
        errors = []
        for name in typed_tag_names(text):
            try:
                validate_tag_name(name)
            except ValidationError as error:
                errors += error.error_list
        if errors:
            raise ValidationError(errors)
        return text

    def clean(self):
        cleaned = super().clean()
        new_names = typed_tag_names(cleaned.get("new_tags") or "")
        if "tags" in cleaned:
            cleaned["tags"] = [*cleaned["tags"], *new_names]
        if self.instance.pk and "based_on_version" in self.fields:
            self._check_version(cleaned)
        if self.instance.pk:
            self._check_transition()
        if self.refusal:
            raise ValidationError(self.refusal, code="transition_refused")
        return cleaned

    def _check_transition(self):
        """The workflow button pressed, with its arguments checked like the form's fields: a comment where the
        transition needs one, a valid time where it takes one. Role and state are the workflow's to check."""
        name = self.data.get(TRANSITION) or self.data.get(TRANSITION_AT)
        if not name:
            return
        transition = TRANSITIONS.get(name)
        if transition is None:
            raise ValidationError(_("You may not do this to this article."), code="unknown_transition")
        timed = transition.takes_time and bool(self.data.get(TRANSITION_AT))
        arguments = TransitionForm(
            {
                "comment": posted_for(self.data, "comment", name),
                "publish_at": posted_for(self.data, "publish_at", name) if timed else "",
            }
        )
        errors = [] if arguments.is_valid() else [m for ms in arguments.errors.values() for m in ms]
        comment = arguments.cleaned_data.get("comment", "").strip()
        publish_at = arguments.cleaned_data.get("publish_at")
        if transition.needs_comment and not comment and not errors:
            errors.append(_("A comment is required."))
        if transition.needs_time and publish_at is None and not errors:
            errors.append(_("Choose a publication time."))
        if errors:
            raise ValidationError(errors, code="transition_arguments")
        self.transition = (name, comment, publish_at)

    def _check_version(self, cleaned):
        """Refuse a save from a stale form. The row stays locked until the admin's transaction ends, so two
        saves from the same version are serialized: one is saved, the other refused.

        The refused form keeps the version it was based on, so saving it again is refused again; the conflict
        (conflicts.Conflict) shows each differing field, and only saving the choices made there
        (conflicts.apply_resolution) bases the text on the newer version."""
        based_on = cleaned.get("based_on_version")
        current = Article.objects.select_for_update().get(pk=self.instance.pk)
        if based_on == current.version:
            # A transition may have committed since this form's article was loaded (it takes the same lock and
            # leaves the version): what the workflow owns is saved as the locked row has it, never written back.
            for name in WORKFLOW_FIELDS:
                setattr(self.instance, name, getattr(current, name))
            return
        kept = self._keep(based_on or 0)
        self.conflict = conflicts.find(self, cleaned, current, self.data.get("based_on_revision"))
        history = reverse("admin:articles_article_history", args=[self.instance.pk])
        kept_url = reverse("admin:articles_staleedit_change", args=[kept.pk])
        raise ValidationError(
            format_html(
                _(
                    "Someone saved this article after you opened it (version {current}, yours was {based}). "
                    'Nothing was saved. Your text is still in the form, and kept <a href="{kept}">here</a>. '
                    "Choose below, field by field, what to keep, then save the merged version. The "
                    '<a href="{history}">history</a> has every revision.'
                ),
                current=current.version,
                based=based_on or "?",
                kept=kept_url,
                history=history,
            ),
            code="stale",
        )

    def _keep(self, based_on: int) -> StaleEdit:
        """The refused text, kept once (pressing save again on the refused form keeps no copy of it)."""
        data = {name: str(self.data.get(name, "")) for name in KEPT_FIELDS}
        return keep_text(self.instance, self.request_user, based_on, data)

    def _save_m2m(self):
        super()._save_m2m()
        if "mentioned_organizations" in self.cleaned_data:
            self.instance.organizations.set(self.cleaned_data["mentioned_organizations"])
        if "covered_events" in self.cleaned_data:
            self.instance.events.set(self.cleaned_data["covered_events"])


DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _publish_at_field(**kwargs):
    return forms.DateTimeField(
        label=_("publication time"),
        required=False,
        input_formats=DATETIME_LOCAL,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        **kwargs,
    )


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    publish_at = _publish_at_field()


class ReleaseIssueForm(forms.Form):
    publish_at = _publish_at_field(help_text=_("Leave empty to publish now."))
