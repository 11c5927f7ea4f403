"""The form of 整期签发 (articles/admin/issue.py `release_view`): when to release, and the confirmation that names
the articles not ready, to leave them out.

The form only carries the editor's choice. articles/workflow.py `release` decides: it refuses while an article
is not ready, unless the ids confirmed here are exactly the articles not ready when it runs.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .forms import ReleaseIssueForm


class ReleaseForm(ReleaseIssueForm):
    # The articles not ready as the editor saw them (ids), and the confirmation to leave exactly those out.
    leave_out = forms.CharField(widget=forms.HiddenInput, required=False, max_length=5000)
    confirm_leave_out = forms.BooleanField(required=False)

    def __init__(self, *args, unready=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leave_out"].initial = ",".join(str(article.pk) for article in unready)
        confirm = self.fields["confirm_leave_out"]
        if unready:
            titles = "、".join(f"“{article.title}”" for article in unready)
            confirm.label = _("Release without the articles not ready, leaving out: %(titles)s") % {
                "titles": titles
            }
            confirm.help_text = _("They stay as they are, and out of the paper.")
        else:
            confirm.widget = forms.HiddenInput()

    def clean_leave_out(self) -> list[int]:
        raw = self.cleaned_data.get("leave_out") or ""
        try:
            return [int(pk) for pk in raw.split(",") if pk.strip()]
        except ValueError as exc:
            raise ValidationError(
                _("The list of articles to leave out is not valid."), code="invalid"
            ) from exc

    def left_out(self) -> list[int]:
        """The ids the editor confirmed to leave out; none when the confirmation is not ticked."""
        return self.cleaned_data["leave_out"] if self.cleaned_data.get("confirm_leave_out") else []
