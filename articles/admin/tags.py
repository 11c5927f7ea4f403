"""The tag admin: django-taggit's, with tag names checked like everywhere else (articles/models/tags.py), and
its merge of tags limited to who may change and delete tags, over tags that exist.

taggit's merge is an action that keeps the chosen ids in the session and a view that merges them, open to any
staff user and trusting the ids; a merge rewrites the tags of other people's articles, so it is an editor's.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles.models.tags import TAG_NAME_MAX_LENGTH, validate_tag_name
from core.adminguards import GuardedAdmin, is_valid_key

SELECTED = "selected_tag_ids"  # the session key taggit's action and view share


class TagAdminForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].max_length = TAG_NAME_MAX_LENGTH
        self.fields["name"].widget.attrs["maxlength"] = TAG_NAME_MAX_LENGTH

    def clean_name(self):
        name = self.cleaned_data["name"]
        validate_tag_name(name)
        return name


class TagAdmin(GuardedAdmin, TaggitTagAdmin):
    form = TagAdminForm

    def has_merge_permission(self, request) -> bool:
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description=gettext_lazy("Merge selected tags"), permissions=["merge"])
    def render_tag_form(self, request, queryset):
        return super().render_tag_form(request, queryset)

    def merge_tags_view(self, request):
        if not self.has_merge_permission(request):
            raise PermissionDenied
        ids = self._chosen(request)
        if request.method == "POST":
            name = request.POST.get("new_tag_name", "").strip()
            try:
                validate_tag_name(name)
            except forms.ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(request.get_full_path())
            # taggit would take the tag merged into off its own articles when it is one of the tags chosen.
            target = Tag.objects.filter(name=name).values_list("pk", flat=True).first()
            ids = [pk for pk in ids if pk != target]
        if not ids:
            messages.error(request, _("Choose the tags to merge in the list first."))
            return redirect(reverse("admin:taggit_tag_changelist"))
        request.session[SELECTED] = ",".join(str(pk) for pk in ids)
        return super().merge_tags_view(request)

    def _chosen(self, request) -> list[int]:
        """The ids taggit's action kept in the session, of tags that exist (never trusted as posted)."""
        posted = str(request.session.get(SELECTED, "")).split(",")
        valid = [value for value in posted if is_valid_key(Tag._meta.pk, value)]
        return list(Tag.objects.filter(pk__in=valid).values_list("pk", flat=True))


admin.site.unregister(Tag)
admin.site.register(Tag, TagAdmin)
