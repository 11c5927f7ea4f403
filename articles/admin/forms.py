"""Admin forms: the article form with autocomplete for tags, organizations and events."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from taggit.utils import parse_tags

from people.models import Organization

from ..models import Article, Event


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
    # Organizations and events link through PROTECT models, which the admin will not render as plain
    # many-to-many fields; these form fields stand in for them and are saved in _save_m2m.
    mentioned_organizations = forms.ModelMultipleChoiceField(
        label=_("organizations"),
        queryset=Organization.objects.all(),
        required=False,
        widget=_autocomplete("organizations"),
    )
    covered_events = forms.ModelMultipleChoiceField(
        label=_("events"), queryset=Event.objects.all(), required=False, widget=_autocomplete("events")
    )

    class Meta:
        model = Article
        fields = [
            "kicker",
            "title",
            "subtitle",
            "summary",
            "dateline",
            "body",
            "author_note",
            "section",
            "issue",
            "page",
            "position",
            "image",
            "image_caption",
            "image_credit",
            "tags",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["mentioned_organizations"].initial = list(self.instance.organizations.all())
            self.fields["covered_events"].initial = list(self.instance.events.all())

    def _save_m2m(self):
        super()._save_m2m()
        if "mentioned_organizations" in self.cleaned_data:
            self.instance.organizations.set(self.cleaned_data["mentioned_organizations"])
        if "covered_events" in self.cleaned_data:
            self.instance.events.set(self.cleaned_data["covered_events"])

    def clean(self):
        cleaned = super().clean()
        new_names = parse_tags(cleaned.get("new_tags") or "")
        if "tags" in cleaned:
            cleaned["tags"] = [*cleaned["tags"], *new_names]
        return cleaned
