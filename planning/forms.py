"""The planning desk's admin forms: the pitch (add), the pitch's words (change), and the editors' accept/assign
and kill forms and the assignee's start. Each checks its input the way planning/services.py will (`validate_plan`,
`validate_assignee`), so bad input is a form error and changes nothing; the services check again, whatever the
form says. A forged id (not a number, beyond the database's integers, an issue not offered) is a form error too.
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Issue, IssuePage
from articles.names import person
from core.adminguards import is_valid_key

from . import services
from .models import AssignmentRole, Story

# The fields of a pitch in the add form, and of the pitch's words in the change form.
PITCH_FORM_FIELDS = ["title", "brief", "kind", "section", "event", "issue", "page"]
EDIT_FORM_FIELDS = ["title", "brief", "kind", "section", "event"]


class SafeModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField refusing, as an invalid choice, an id its model's key could not hold (no 500)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str | int) or not is_valid_key(self.queryset.model._meta.pk, value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class PageChoiceField(SafeModelChoiceField):
    def label_from_instance(self, page):
        return f"{_('Issue %(number)s') % {'number': page.issue.number}} {page}"


class AssigneeChoiceField(SafeModelChoiceField):
    def label_from_instance(self, user):
        return person(user)


def plannable_issues(current=None):
    """The issues a story may be planned for: from last week on (so the select stays short whatever the
    archive), and the one it has."""
    since = timezone.localdate() - datetime.timedelta(days=7)
    condition = Q(date__gte=since)
    if current is not None:
        condition |= Q(pk=current.pk)
    return Issue.objects.filter(condition).order_by("date", "number")


def plannable_pages(current=None):
    issues = plannable_issues(current.issue if current is not None else None)
    return (
        IssuePage.objects.filter(issue__in=issues).select_related("issue").order_by("issue__date", "number")
    )


def possible_assignees():
    """Users an assignment can name: active staff with an author profile (their byline)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, author__isnull=False)
        .order_by("last_name", "first_name", "username")
    )


def _add_errors(form, error: ValidationError) -> None:
    """A service's ValidationError on the form: keyed errors under their fields where the form has them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _date_time_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PitchForm(forms.ModelForm):
    """The add form: a pitch (报题). The wanted issue and page are optional; a page alone places the story in its
    issue."""

    class Meta:
        model = Story
        fields = PITCH_FORM_FIELDS
        field_classes = {"issue": SafeModelChoiceField, "page": PageChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "issue" in self.fields:
            self.fields["issue"].queryset = plannable_issues()
            self.fields["page"].queryset = plannable_pages()

    def clean(self):
        data = super().clean()
        issue, page = data.get("issue"), data.get("page")
        if page is not None and issue is None:
            data["issue"] = page.issue
        try:
            services.validate_plan(data.get("issue"), page)
        except ValidationError as error:
            _add_errors(self, error)
        return data


class StoryEditForm(forms.ModelForm):
    """The change form: the pitch's words. Where and when are the accept form's (services.accept / move)."""

    class Meta:
        model = Story
        fields = EDIT_FORM_FIELDS


class AcceptForm(forms.Form):
    """Accept and assign (派题), or re-assign and move an accepted story."""

    assignee = AssigneeChoiceField(label=_("assignee"), queryset=get_user_model().objects.none())
    role = forms.ChoiceField(label=_("role"), choices=AssignmentRole.choices, initial=AssignmentRole.REPORTER)
    issue = SafeModelChoiceField(label=_("issue"), queryset=Issue.objects.none(), required=False)
    page = PageChoiceField(label=_("page"), queryset=IssuePage.objects.none(), required=False)
    target_length = forms.IntegerField(
        label=_("planned length (characters)"), required=False, min_value=-(2**31), max_value=2**31 - 1
    )
    due_at = forms.DateTimeField(label=_("due"), required=False, widget=_date_time_widget())

    def __init__(self, *args, story: Story, **kwargs):
        super().__init__(*args, **kwargs)
        self.story = story
        self.fields["assignee"].queryset = possible_assignees()
        self.fields["issue"].queryset = plannable_issues(story.issue)
        self.fields["page"].queryset = plannable_pages(story.page)

    @classmethod
    def for_story(cls, story: Story, data=None) -> "AcceptForm":
        first = story.assignments.select_related("user").first()
        initial = {
            "assignee": first.user_id if first else None,
            "role": first.role if first else AssignmentRole.REPORTER,
            "issue": story.issue_id,
            "page": story.page_id,
            "target_length": story.target_length,
            "due_at": timezone.localtime(story.due_at) if story.due_at else None,
        }
        return cls(data, story=story, initial=initial)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.validate_assignee(data.get("assignee"), data.get("role"))
            issue, page = data.get("issue"), data.get("page")
            if page is not None and issue is None:
                issue = self.story.issue or page.issue
            services.validate_plan(issue, page, data.get("target_length"), self._changed_due(data))
        except ValidationError as error:
            _add_errors(self, error)
        return data

    def _changed_due(self, data):
        """The due time, when it is not the one the story has (a story overdue can still be re-assigned)."""
        due = data.get("due_at")
        return None if due is not None and due == self.story.due_at else due

    def accept(self, user) -> Story:
        data = self.cleaned_data
        return services.accept(
            self.story,
            user,
            data["assignee"],
            issue=data.get("issue"),
            page=data.get("page"),
            target_length=data.get("target_length"),
            due_at=self._changed_due(data),
            role=data["role"],
        )


class KillForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for killing"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the story is killed.")},
    )


class UnassignForm(forms.Form):
    assignee = AssigneeChoiceField(label=_("assignee"), queryset=get_user_model().objects.none())

    def __init__(self, *args, story: Story, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = get_user_model().objects.filter(assignments__story=story)
