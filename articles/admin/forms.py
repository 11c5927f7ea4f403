"""Admin forms: the article form (autocomplete for tags, organizations and events; a version for
optimistic locking) and the small forms of the workflow buttons and the issue release."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from taggit.utils import parse_tags

from articles.models import Article, Event, StaleEdit, content_fields, content_text_fields
from people.models import Organization

# The text a refused stale save keeps for its author to merge.
KEPT_FIELDS = content_text_fields()
# The form fields that edit a link field of the model: tags are chosen or typed new; organizations and events
# link through PROTECT models the admin will not render, so form fields stand in for them (see _save_m2m).
LINK_FORM_FIELDS = {
    "tags": ["tags", "new_tags"],
    "organizations": ["mentioned_organizations"],
    "events": ["covered_events"],
}


def form_fields(model_fields) -> list[str]:
    """The form fields that edit these content fields of the model, in order."""
    return [name for field in model_fields for name in LINK_FORM_FIELDS.get(field, [field])]


def _autocomplete(field_name: str):
    return AutocompleteSelectMultiple(Article._meta.get_field(field_name), admin.site)


class ArticleAdminForm(forms.ModelForm):
    """Article fields editors and reporters fill in. Status and publication time are never form fields."""

    tags = forms.ModelMultipleChoiceField(
        label=_("tags"), queryset=Tag.objects.all(), required=False, widget=_autocomplete("tags")
    )
    new_tags = forms.CharField(
        label=_("new tags"),
        required=False,
        max_length=500,
        help_text=_("Tags that do not exist yet, separated by commas."),
    )
    # Stand-ins for organizations and events (LINK_FORM_FIELDS), saved in _save_m2m.
    mentioned_organizations = forms.ModelMultipleChoiceField(
        label=_("organizations"),
        queryset=Organization.objects.all(),
        required=False,
        widget=_autocomplete("organizations"),
    )
    covered_events = forms.ModelMultipleChoiceField(
        label=_("events"), queryset=Event.objects.all(), required=False, widget=_autocomplete("events")
    )
    # The version this form was loaded from; a save based on an older one is refused (no silent overwrite).
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Article
        # The model's content fields the form edits as they are (the links with stand-ins are saved by hand).
        fields = [name for name in content_fields() if name in LINK_FORM_FIELDS.get(name, [name])]

    request_user = None  # set per request by ArticleAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["mentioned_organizations"].initial = list(self.instance.organizations.all())
            self.fields["covered_events"].initial = list(self.instance.events.all())
            self.fields["based_on_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        new_names = parse_tags(cleaned.get("new_tags") or "")
        if "tags" in cleaned:
            cleaned["tags"] = [*cleaned["tags"], *new_names]
        if self.instance.pk and "based_on_version" in self.fields:
            self._check_version(cleaned)
        return cleaned

    def _check_version(self, cleaned):
        """Refuse a save from a stale form. The row stays locked until the admin's transaction ends, so two
        saves from the same version are serialized: one is saved, the other refused."""
        based_on = cleaned.get("based_on_version")
        current = (
            Article.objects.select_for_update().values_list("version", flat=True).get(pk=self.instance.pk)
        )
        if based_on == current:
            return
        kept = StaleEdit.objects.create(
            article_id=self.instance.pk,
            user=self.request_user,
            based_on_version=based_on or 0,
            data={name: str(self.data.get(name, "")) for name in KEPT_FIELDS},
        )
        history = reverse("admin:articles_article_history", args=[self.instance.pk])
        kept_url = reverse("admin:articles_staleedit_change", args=[kept.pk])
        # The form is shown again with the user's text; the newer version is one click away.
        self.data = self.data.copy()
        self.data["based_on_version"] = str(current)
        raise ValidationError(
            format_html(
                _(
                    "Someone saved this article after you opened it (version {current}, yours was {based}). "
                    'Nothing was saved. Your text is kept <a href="{kept}">here</a>; compare it with '
                    '<a href="{history}">the newer revision</a>, then merge and save again.'
                ),
                current=current,
                based=based_on or "?",
                kept=kept_url,
                history=history,
            ),
            code="stale",
        )

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
