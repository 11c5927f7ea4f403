"""The story admin (选题): pitches, the editors' accept/assign and kill, the assignee's start of the article.

Nothing here sets a story's status, assignees or place: the add form calls `services.pitch`, the change form
`services.revise` (the pitch's words only), and the buttons of the change page post to the views below, which
call `accept`, `unassign`, `kill` and `start_article`. The services check the role (403) and the state; the forms
show bad input as form errors (planning/forms.py). Reporters see the stories they pitched or cover; editors all.
"""

from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.names import person
from core.adminguards import GuardedAdmin

from . import services
from .forms import EDIT_FORM_FIELDS, AcceptForm, KillForm, PitchForm, StoryEditForm, UnassignForm
from .models import Assignment, Story, StoryStatus
from .notifications import place_text

S = StoryStatus
READONLY_FIELDS = [
    "status",
    "issue",
    "page",
    "target_length",
    "due_at",
    "pitcher",
    "editor_in_charge",
    "article",
    "kill_reason",
    "created_at",
    "updated_at",
]
# What a log entry's action is called on the change page.
ACTIONS = {
    "pitch": gettext_lazy("Pitched"),
    "accept": gettext_lazy("Accepted"),
    "reassign": gettext_lazy("Re-assigned"),
    "assign": gettext_lazy("Assigned"),
    "unassign": gettext_lazy("Unassigned"),
    "move": gettext_lazy("Moved"),
    "edit": gettext_lazy("Edited"),
    "kill": gettext_lazy("Killed"),
    "start": gettext_lazy("Article started"),
    "article_review": gettext_lazy("Filed"),
    "article_published": gettext_lazy("Published"),
    "article_draft": gettext_lazy("Back to draft"),
    "article_withdrawn": gettext_lazy("Article withdrawn"),
    "article_deleted": gettext_lazy("Article deleted"),
}


@admin.register(Story)
class StoryAdmin(GuardedAdmin, admin.ModelAdmin):
    list_display = [
        "title",
        "status_column",
        "kind",
        "place_column",
        "assignees_column",
        "due_column",
        "pitcher",
    ]
    list_filter = ["status", ("issue", RelatedOnlyFieldListFilter), "kind", "due_at"]
    search_fields = ["title"]
    list_select_related = ["issue", "page", "pitched_by"]
    change_form_template = "admin/planning/story/change_form.html"

    # ----- who sees and changes what (the services decide; these only mirror them) -----

    def get_queryset(self, request):
        queryset = services.stories_for(request.user).select_related("issue", "page", "pitched_by")
        return queryset.prefetch_related(
            Prefetch(
                "assignments", queryset=Assignment.objects.select_related("user").order_by("order", "id")
            )
        )

    def has_module_permission(self, request):
        return services.may_pitch(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        # Which stories a reporter sees is the queryset's to say (services.stories_for).
        return services.may_pitch(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return services.may_pitch(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj) or not services.may_pitch(request.user):
            return False
        return obj is None or services.may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not (services.may_plan(request.user) and super().has_delete_permission(request, obj)):
            return False
        return obj is None or (obj.status in (S.PITCHED, S.KILLED) and obj.article_id is None)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = StoryEditForm if obj is not None else PitchForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return PitchForm._meta.fields
        return [*EDIT_FORM_FIELDS, *READONLY_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return READONLY_FIELDS if obj is not None else []

    # ----- saving: through the services -----

    def save_model(self, request, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data if name in EDIT_FORM_FIELDS}
            services.revise(obj, request.user, **fields)
            return
        data = form.cleaned_data
        story = services.pitch(
            request.user, data["title"], data.get("brief", ""), **{f: data.get(f) for f in services.PITCH_FIELDS
                                                                   if f in data}
        )  # fmt: skip
        obj.pk, obj._state.adding = story.pk, False
        services.keep_current(obj, story)

    # ----- list columns -----

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_column(self, story):
        return format_html('<span class="story-status story-status--{}">{}</span>', story.status,
                           story.get_status_display())  # fmt: skip

    @admin.display(description=gettext_lazy("issue and page"), ordering="issue__number")
    def place_column(self, story):
        return place_text(story)

    @admin.display(description=gettext_lazy("assignees"))
    def assignees_column(self, story):
        return "、".join(person(a.user) for a in story.assignments.all()) or "—"

    @admin.display(description=gettext_lazy("due"), ordering="due_at")
    def due_column(self, story):
        if story.due_at is None:
            return "—"
        when = timezone.localtime(story.due_at).strftime("%Y-%m-%d %H:%M")
        if story.due_at < timezone.now() and story.status in (S.PITCHED, S.ACCEPTED):
            return format_html('<strong class="story-overdue">{} · {}</strong>', when, _("overdue"))
        return when

    @admin.display(description=gettext_lazy("pitched by"), ordering="pitched_by")
    def pitcher(self, story):
        return person(story.pitched_by)

    @admin.display(description=gettext_lazy("editor in charge"))
    def editor_in_charge(self, story):
        return person(story.editor) if story.editor_id else "-"

    # ----- the buttons' views -----

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/accept/", view(self.accept_view), name="planning_story_accept"),
            path("<int:pk>/kill/", view(self.kill_view), name="planning_story_kill"),
            path("<int:pk>/unassign/", view(self.unassign_view), name="planning_story_unassign"),
            path("<int:pk>/start/", view(self.start_view), name="planning_story_start"),
            *super().get_urls(),
        ]

    def _story_or_404(self, request, pk) -> Story:
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def _back(self, story):
        return HttpResponseRedirect(reverse("admin:planning_story_change", args=[story.pk]))

    def _action_page(self, request, story, form, action, title):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": story,
            "title": title,
            "form": form,
            "action": action,
            "action_url": reverse(f"admin:planning_story_{action}", args=[story.pk]),
            "change_url": reverse("admin:planning_story_change", args=[story.pk]),
        }
        return TemplateResponse(request, "admin/planning/story/action.html", context)

    def _run(self, request, story, form, action, title, call):
        """Validate the posted form and run the service; bad input: the form again, with its errors."""
        if request.method == "POST" and form.is_valid():
            try:
                call()
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return None
        return self._action_page(request, story, form, action, title)

    def accept_view(self, request, pk):
        story = self._story_or_404(request, pk)
        if not services.may_plan(request.user):
            raise PermissionDenied
        form = AcceptForm.for_story(story, request.POST if request.method == "POST" else None)
        title = _("Accept and assign: %(title)s") % {"title": story.title}
        refused = self._run(request, story, form, "accept", title, lambda: form.accept(request.user))
        if refused is not None:
            return refused
        self.message_user(request, _("“%(title)s” is assigned.") % {"title": story.title})
        return self._back(story)

    def kill_view(self, request, pk):
        story = self._story_or_404(request, pk)
        if not services.may_plan(request.user):
            raise PermissionDenied
        form = KillForm(request.POST if request.method == "POST" else None)
        title = _("Kill the story: %(title)s") % {"title": story.title}
        refused = self._run(request, story, form, "kill", title,
                            lambda: services.kill(story, request.user, form.cleaned_data["reason"]))  # fmt: skip
        if refused is not None:
            return refused
        self.message_user(request, _("“%(title)s” is killed.") % {"title": story.title}, messages.WARNING)
        return self._back(story)

    def unassign_view(self, request, pk):
        story = self._story_or_404(request, pk)
        if request.method != "POST" or not services.may_plan(request.user):
            raise PermissionDenied
        form = UnassignForm(request.POST, story=story)
        if not form.is_valid():
            self.message_user(request, _("Choose someone assigned to this story."), messages.ERROR)
            return self._back(story)
        try:
            services.unassign(story, request.user, form.cleaned_data["assignee"])
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
        return self._back(story)

    def start_view(self, request, pk):
        story = self._story_or_404(request, pk)
        if not services.may_start(request.user, story):
            raise PermissionDenied
        if request.method != "POST":  # the link in the assignment's mail: a page with the button
            return self._action_page(request, story, None, "start", _("Start the article: %(title)s")
                                     % {"title": story.title})  # fmt: skip
        try:
            article = services.start_article(story, request.user)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return self._back(story)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    # ----- the change page: the planning panel -----

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        story = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if story is not None:
            extra_context.update(self.planning_context(request, story))
        return super().change_view(request, object_id, form_url, extra_context)

    def planning_context(self, request, story):
        user = request.user
        plans = services.may_plan(user)
        return {
            "story_status": story.get_status_display(),
            "story_place": place_text(story),
            "assignments": list(story.assignments.all()),
            "can_plan": plans,
            "accept_form": AcceptForm.for_story(story)
            if plans and story.status in services.ACCEPTS_FROM
            else None,
            "kill_form": KillForm() if plans and story.status in services.KILLS_FROM else None,
            "can_start": story.status in services.STARTS_FROM and services.may_start(user, story),
            "article_url": reverse("admin:articles_article_change", args=[story.article_id])
            if story.article_id
            else "",
            "story_log": [
                {
                    "entry": entry,
                    "action": ACTIONS.get(entry.action, entry.action),
                    "who": person(entry.user) if entry.user_id else _("the system"),
                }
                for entry in story.log.select_related("user").order_by("-at", "-id")[:50]
            ],  # fmt: skip
            "kill_reason": story.kill_reason,
        }
