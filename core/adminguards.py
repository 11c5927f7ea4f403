"""Admin forms that answer a forged post with form errors, not a server error or a minute of work.

A browser posts the ids it was offered and the rows it was shown; a forged form posts `section=abc`, a number
beyond the database's integers, or an inline's TOTAL_FORMS of a billion. Django's many-to-many form field and
its admin autocomplete widgets pass such ids to the database as they are (ValueError, OverflowError: a 500),
where they should be refused as a form error; and an inline formset builds, checks and renders up to
`max_num` + 1,000 rows whatever the page showed. Here:

- `SafeModelMultipleChoiceField` and the autocomplete widgets check an id against the related model's key first:
  the field refuses it with its own message ("Select a valid choice"), the widget re-renders the form without
  looking it up;
- `GuardedAdmin`, a mixin for a ModelAdmin or an inline, gives its autocomplete fields those widgets and its
  many-to-many fields that field; on an inline it also caps the rows a post may carry at `max_rows` (more is the
  formset's error "Please submit at most … forms", after building no more than that); on a model admin, a list
  filter beyond what dates and integers hold is a wrong filter, as Django answers any other.
"""

from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

MAX_INLINE_ROWS = 100


def is_valid_key(model_field, value) -> bool:
    """Whether `value` can be looked up in `model_field`: it converts, and it is in the column's range."""
    try:
        model_field.run_validators(model_field.to_python(value))
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    return True


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField refusing, as an invalid choice, an id its model's key could not hold."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for item in value if isinstance(value, list | tuple) else []:
            if not isinstance(item, str | int) or not is_valid_key(key, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class _ValidKeysOnly:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        key = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        return super().optgroups(name, [v for v in value if is_valid_key(key, v)], attr)


class SafeAutocompleteSelect(_ValidKeysOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ValidKeysOnly, AutocompleteSelectMultiple):
    pass


class GuardedAdmin:
    """A mixin for a ModelAdmin or an inline (before the Django class): see the module docstring."""

    max_rows = MAX_INLINE_ROWS  # an inline's rows in one post, at most

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changelist_instance(self, request):
        # A year or an id in the list's filters beyond what dates and the database hold (?created_at__year=9…9)
        # is a wrong filter: the admin's "?e=1" answer, not a 500.
        try:
            return super().get_changelist_instance(request)
        except OverflowError as exc:
            raise IncorrectLookupParameters(str(exc)) from exc

    def get_formset(self, request, obj=None, **kwargs):
        """(Inlines only: a ModelAdmin has no formset of its own.)"""
        shown = self.get_max_num(request, obj) or self.max_rows
        kwargs.setdefault("max_num", min(shown, self.max_rows))
        kwargs.setdefault("absolute_max", self.max_rows)
        return super().get_formset(request, obj, **kwargs)
