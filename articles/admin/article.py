"""Article admin: roles enforced on the server, workflow buttons, revisions, previews and share links.

Nothing here sets `status`: buttons and bulk actions call articles/workflow.py; `status` and `published_at` are
not form fields, so a POST that carries them changes nothing.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reversion.admin import VersionAdmin

from articles import policy, workflow
from articles.editor import RichTextWidget
from articles.models import CONTENT_GROUPS, Article, ArticleStatus, Byline, ShareLink, StaleEdit
from articles.policy import is_editor
from articles.richtext import SanitizedHTMLField
from articles.sharing import active_share_links, make_share_link, revoke_share_link
from core.adminguards import GuardedAdmin

from . import conflicts
from .actions import BulkSubmitMixin
from .columns import ArticleListColumns, status_html
from .display import ArticleDisplayMixin
from .filters import StatusFilter
from .forms import ArticleAdminForm, TransitionForm, form_fields, posted_for
from .pictures import ArticlePhotoInline, PicturesAdminMixin, alt_text_gaps
from .refusals import SaveRefusalsMixin
from .revisions import RevisionViewsMixin


class BylineInline(GuardedAdmin, admin.TabularInline):
    model = Byline
    fields = ["author", "role", "order"]
    autocomplete_fields = ["author"]
    extra = 1
    max_rows = 50  # bylines in one save, at most (core/adminguards.py)
    ordering = ["order", "id"]

    # Bylines follow their article's rules.
    def has_add_permission(self, request, obj=None):
        return obj is None or policy.can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or policy.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or policy.can_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return obj is None or policy.can_view(request.user, obj)


PLACEMENT_FIELDS = list(Article.PLACEMENT.editors_only)
# The article form's hidden fields for optimistic locking (articles/admin/forms.py).
LOCKING_FIELDS = ["based_on_version", "based_on_revision"]


class SaveRefused(Exception):
    """The workflow refused the button pressed after the form was saved, or the save would leave a public
    picture without alt text: the save is rolled back, and the form shown again with the reasons."""

    def __init__(self, reasons):
        super().__init__(*reasons)
        self.reasons = reasons


@admin.register(Article)
class ArticleAdmin(
    GuardedAdmin,
    ArticleListColumns,
    ArticleDisplayMixin,
    BulkSubmitMixin,
    SaveRefusalsMixin,
    RevisionViewsMixin,
    PicturesAdminMixin,
    VersionAdmin,
):
    form = ArticleAdminForm
    inlines = [BylineInline, ArticlePhotoInline]
    # The list's columns: articles/admin/columns.py.
    list_display = [
        "title_column", "status_label", "section", "placement", "byline_names", "last_editor", "updated"
    ]  # fmt: skip
    list_filter = [StatusFilter, "section", "issue"]
    search_fields = ["title", "subtitle", "kicker", "summary", "bylines__author__name"]
    date_hierarchy = "created_at"
    list_select_related = ["section", "issue", "page", "created_by", "updated_by"]
    autocomplete_fields = ["issue", "page", "section"]
    readonly_fields = [
        "state",
        "published_at",
        "creator",
        "created_at",
        "last_editor",
        "updated_at",
        "version",
    ]
    actions = ["approve_selected", "submit_selected"]  # submit_selected: articles/admin/actions.py
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    # The admin's own TextField widget would win over the model field's: ask for the rich-text editor here.
    formfield_overrides = {SanitizedHTMLField: {"widget": RichTextWidget}}
    fieldsets = [
        *[(group.label, {"fields": form_fields(group.fields)}) for group in CONTENT_GROUPS],
        (
            gettext_lazy("Status"),
            {"fields": ["state", "published_at", "version", "creator", "created_at", "last_editor", "updated_at",
                        *LOCKING_FIELDS]},
        ),
    ]  # fmt: skip

    # ----- who sees and changes what (enforced here, on the server) -----

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_editor(request.user):
            return queryset
        # Reporters see only their own articles.
        return queryset.filter(created_by=request.user)

    def has_module_permission(self, request):
        return policy.is_staff_member(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return policy.is_staff_member(request.user) and super().has_view_permission(request)
        return policy.can_view(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return policy.is_staff_member(request.user) and super().has_change_permission(request)
        return policy.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return policy.is_staff_member(request.user) and super().has_delete_permission(request)
        return policy.can_delete(request.user, obj)

    def has_add_permission(self, request):
        return policy.is_staff_member(request.user) and super().has_add_permission(request)

    def has_review_permission(self, request):
        return is_editor(request.user)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_recover": is_editor(request.user)}
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not is_editor(request.user):
            fields += PLACEMENT_FIELDS  # placing an article in the print issue is the editors' job
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "save_refusal", None)  # see changeform_view and articles/admin/refusals.py
        return type(form.__name__, (form,), {"request_user": request.user, "refusal": refusal})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            # No version to check on a new article, or when nothing can be saved.
            return [(name, {**opts, "fields": [f for f in opts["fields"] if f not in LOCKING_FIELDS]})
                    for name, opts in fieldsets]  # fmt: skip
        return fieldsets

    def delete_queryset(self, request, queryset):
        refused = [a for a in queryset if not policy.can_delete(request.user, a)]
        if refused:
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    # ----- saving -----

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            obj.version = (form.cleaned_data.get("based_on_version") or obj.version) + 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    # A workflow button on the change page belongs to the article form: the form is validated and saved, then
    # the transition taken, in the admin's one transaction. A form that is not valid (the button's comment or
    # time included) saves and takes nothing; a transition the workflow refuses after the save rolls it back
    # (SaveRefused, caught in change_view).

    def save_related(self, request, form, formsets, change):
        # A public (or scheduled) article keeps every picture's alt text: approving it asked for them all.
        if change and form.instance.status == ArticleStatus.PUBLISHED:
            gaps = alt_text_gaps(form, formsets)
            if gaps:
                raise SaveRefused([policy.alt_text_message(gaps, public=True)])
        super().save_related(request, form, formsets, change)
        if not (change and form.transition):
            return
        name, comment, publish_at = form.transition
        try:
            workflow.take(name, form.instance, request.user, comment=comment, publish_at=publish_at)
        except ValidationError as exc:
            raise SaveRefused(exc.messages) from exc
        except PermissionDenied as exc:
            raise SaveRefused([str(exc) or _("You may not do this to this article.")]) from exc
        request.transition_taken = name

    def response_change(self, request, obj):
        taken = getattr(request, "transition_taken", None)
        if taken:
            label = workflow.TRANSITIONS[taken].label
            self.message_user(
                request,
                _("“%(title)s” was saved, then: %(action)s — done.") % {"title": obj.title, "action": label},
            )
            if not policy.can_edit(request.user, obj):  # a reporter's article gone to review
                return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
            return self._back(obj)
        if conflicts.RESOLVE in request.POST:  # a resolved conflict: stay on the article
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return super().response_change(request, obj)

    # ----- list columns -----

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def state(self, obj):
        return status_html(obj, relative=False)

    @admin.display(description=gettext_lazy("placement"), ordering="issue__number")
    def placement(self, obj):
        if not obj.issue_id:
            return "—"
        label = _("No. %(number)s") % {"number": obj.issue.number}
        if obj.page_id:
            label += " " + _("page %(page)s") % {"page": obj.page.number}
        return label

    # ----- bulk approve -----

    @admin.action(permissions=["review"], description=gettext_lazy("Approve selected articles now"))
    def approve_selected(self, request, queryset):
        done, problems = 0, []
        # Counted before: once approved, the articles are not in review either.
        skipped = queryset.exclude(status=ArticleStatus.REVIEW).count()
        for article in queryset.filter(status=ArticleStatus.REVIEW):
            try:
                workflow.approve(article, request.user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                problems.append(f"“{article.title}”: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        if done:
            self.message_user(
                request,
                ngettext("%d article approved.", "%d articles approved.", done) % done,
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext("%d article was not in review and was left alone.",
                         "%d articles were not in review and were left alone.", skipped) % skipped,
                messages.WARNING,
            )  # fmt: skip
        for problem in problems:
            self.message_user(request, problem, messages.ERROR)

    # ----- extra views: transitions, preview, share links -----

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/transition/<str:action>/", view(self.transition_view), name="articles_article_transition"),
            path("<int:pk>/share/", view(self.share_view), name="articles_article_share"),
            path("<int:pk>/share/<int:link_id>/revoke/", view(self.revoke_share_view),
                 name="articles_article_share_revoke"),
            *self.revision_urls(),
            *super().get_urls(),
        ]  # fmt: skip

    def _article_or_404(self, request, pk) -> Article:
        return policy.article_visible_or_404(request.user, pk, Article.objects.select_related("created_by"))

    def _back(self, article):
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def transition_view(self, request, pk, action):
        if request.method != "POST":
            return self._back(get_object_or_404(Article, pk=pk))
        article = self._article_or_404(request, pk)
        if action not in workflow.TRANSITIONS:
            raise PermissionDenied
        form = TransitionForm(request.POST)
        if not form.is_valid():  # both fields are optional; what is required is the workflow's to say
            for errors in form.errors.values():
                for message in errors:
                    self.message_user(request, message, messages.ERROR)
            return self._back(article)
        try:
            workflow.take(
                action,
                article,
                request.user,
                comment=form.cleaned_data["comment"],
                publish_at=form.cleaned_data["publish_at"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            return self._back(article)
        label = workflow.TRANSITIONS[action].label
        self.message_user(
            request, _("“%(title)s”: %(action)s — done.") % {"title": article.title, "action": label}
        )
        if not policy.can_edit(request.user, article):  # a reporter's article gone to review
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        return self._back(article)

    def share_view(self, request, pk):
        article = self._article_or_404(request, pk)
        if request.method != "POST" or not policy.can_share(request.user, article):
            raise PermissionDenied
        link = make_share_link(article, request.user)
        url = request.build_absolute_uri(reverse("shared_preview", args=[link.token]))
        self.message_user(
            request,
            format_html(_("Share link made (valid until {}): <a href=\"{}\">{}</a>"),
                        timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M"), url, url),
        )  # fmt: skip
        return self._back(article)

    def revoke_share_view(self, request, pk, link_id):
        article = self._article_or_404(request, pk)
        if request.method != "POST" or not policy.can_share(request.user, article):
            raise PermissionDenied
        revoke_share_link(get_object_or_404(ShareLink, pk=link_id, article=article))
        self.message_user(request, _("The share link was revoked."))
        return self._back(article)

    # ----- the change page: buttons, log, share links -----

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = Article.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if article is not None and policy.can_view(request.user, article):
            extra_context.update(self.workflow_context(request, article))
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except SaveRefused as refused:
            # Everything was rolled back, and the revision (django-reversion, opened by VersionAdmin.change_view)
            # was not written: caught any deeper, the revision would still be written as the view returned, with
            # the refused text as this user's, and the four-eyes rule would count it as their change. The form
            # is shown again, with the user's edits and the reason.
            request.save_refusal = refused.reasons
            return super().change_view(request, object_id, form_url, extra_context)

    def workflow_context(self, request, article):
        transitions = workflow.allowed_transitions(article, request.user)
        posted = request.POST if request.method == "POST" else None
        return {
            # The buttons belong to the article form when the user may save it; else each posts on its own.
            "buttons_in_form": self.has_change_permission(request, article),
            "transitions": [
                {
                    "action": t.name,
                    "label": t.label,
                    "needs_comment": t.needs_comment,
                    "takes_time": t.takes_time,
                    "needs_time": t.needs_time,
                    "url": reverse("admin:articles_article_transition", args=[article.pk, t.name]),
                    # What was typed, when the form comes back refused.
                    "comment": posted_for(posted, "comment", t.name) if posted else "",
                    "publish_at": posted_for(posted, "publish_at", t.name) if posted else "",
                }
                for t in transitions
            ],
            # Why approving is not offered to this editor (the four-eyes rule), where the button would be.
            "four_eyes_note": workflow.four_eyes_note(article, request.user),
            # What making it public waits for: alt text for its pictures, as saved.
            "alt_text_note": next(
                (policy.alt_text_refusal(article) for t in transitions if t.publishes), None
            ),
            "workflow_log": article.log.select_related("user")[:50],
            "status_label": status_html(article, relative=False),
            "transition_form": TransitionForm(),
            "preview_url": reverse("article_preview", args=[article.pk]),
            "can_share": policy.can_share(request.user, article),
            "share_url": reverse("admin:articles_article_share", args=[article.pk]),
            "share_links": list(active_share_links(article))
            if policy.can_share(request.user, article)
            else [],
            "public_url": article.get_absolute_url() if article.is_public() else "",
        }


@admin.register(StaleEdit)
class StaleEditAdmin(GuardedAdmin, admin.ModelAdmin):
    """Text kept from a refused stale save, for its author to merge."""

    list_display = ["article", "user", "based_on_version", "created_at"]
    readonly_fields = ["article", "user", "based_on_version", "created_at", "kept_text"]
    fields = readonly_fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("article", "user")
        return queryset if is_editor(request.user) else queryset.filter(user=request.user)

    def has_module_permission(self, request):
        return policy.is_staff_member(request.user)

    def has_view_permission(self, request, obj=None):
        if not policy.is_staff_member(request.user):
            return False
        return obj is None or is_editor(request.user) or obj.user_id == request.user.pk

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.user_id == request.user.pk

    @admin.display(description=gettext_lazy("submitted text"))
    def kept_text(self, obj):
        from django.utils.html import format_html_join

        return format_html_join(
            "", "<h4>{}</h4><pre style=\"white-space:pre-wrap\">{}</pre>",
            ((Article._meta.get_field(k).verbose_name, v) for k, v in obj.data.items() if v),
        )  # fmt: skip
