"""The article admin with the desk's live editing: extends articles' ArticleAdmin (articles/admin/article.py) and
takes its place, as edition/admin.py does for the issue admin.

It adds the desk panel to the change page (the template fills the `desk_panel` block of the articles change
form), the panel's script and style, the JSON endpoints of editing/views.py under the article's admin URLs, and,
after a successful save, deletes the saver's autosaved copy (the form is the article now). A save refused because
its author may no longer change the article (articles/admin/refusals.py) becomes the autosaved copy, offered back
when the article can be edited again.
"""

from django.contrib import admin
from django.db import OperationalError
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import policy
from articles.admin.article import ArticleAdmin as BaseArticleAdmin
from articles.models import Article
from core.middleware import is_database_busy

from . import autosave, presence, views


class ArticleAdmin(BaseArticleAdmin):
    change_form_template = "admin/editing/article/change_form.html"

    class Media:
        js = ["editing/desk.js", "editing/autosave.js", "editing/presence.js"]
        css = {"all": ["editing/desk.css"]}

    def get_urls(self):
        return [
            path("<int:pk>/autosave/", views.autosave_view, name="articles_article_autosave"),
            path("<int:pk>/autosave/discard/", views.discard_view, name="articles_article_autosave_discard"),
            path("<int:pk>/presence/", views.presence_view, name="articles_article_presence"),
            path("<int:pk>/take-over/", views.take_over_view, name="articles_article_take_over"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            autosave.discard(request.user, obj)

    def keep_refused_text(self, request, article):
        kept = super().keep_refused_text(request, article)
        based_on = kept.based_on_version if kept else article.version
        autosave.keep(request.user, article, based_on, autosave.fields_from(request.POST))
        return kept

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = Article.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if article is not None and policy.can_view(request.user, article):
            # A form shown again with its errors keeps autosaving, but offers no copy: it holds the user's text.
            extra_context["desk"] = self.desk_context(request, article, offer=request.method == "GET")
        return super().change_view(request, object_id, form_url, extra_context)

    def desk_context(self, request, article, offer=True) -> dict:
        try:
            presence.touch(request.user, article)
        except OperationalError as exc:  # the next heartbeat says it again; the page and its save come first
            if not is_database_busy(exc):
                raise
        can_edit = policy.can_edit(request.user, article)
        copy = autosave.offered(request.user, article) if can_edit and offer else None
        others = presence.others(request.user, article)
        separator = _(", ")
        # {names}: filled in here for the first render, and by presence.js after each heartbeat.
        warning = _(
            "{names} also has this article open to edit. "
            "Changes saved at the same time may be refused or overwrite each other."
        )
        return {
            "can_edit": can_edit,
            "can_take_over": can_edit and policy.is_editor(request.user),
            "copy": copy,
            "copy_is_older": bool(copy and copy.based_on_version < article.version),
            "others": others,
            "others_editing": [o["name"] for o in others if o["editing"]],
            "separator": separator,
            "warning_template": warning,
            "warning": warning.replace("{names}", separator.join(o["name"] for o in others if o["editing"])),
            "fields": " ".join(autosave.AUTOSAVE_FIELDS),
            "opened_at": f"{timezone.now().timestamp():.6f}",
            "autosave_seconds": presence.seconds("autosave"),
            "heartbeat_seconds": presence.seconds("heartbeat"),
            "urls": {
                name: reverse(f"admin:articles_article_{name}", args=[article.pk])
                for name in ("autosave", "autosave_discard", "presence", "take_over")
            },
        }


admin.site.unregister(Article)
admin.site.register(Article, ArticleAdmin)
