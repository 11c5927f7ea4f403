"""The newsroom admin: articles and their workflow, issues and pages, sections, events and tags."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from . import article, issue, other, tags  # noqa: F401  (register the model admins)

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Editors' desk")
admin.site.index_template = "admin/newsroom_index.html"

# Screen-reader labels of Django 5.2's admin templates that Django's own zh_Hans catalog leaves untranslated:
# named here so that makemessages keeps them in ours (tests/articles/test_admin_chinese.py reads every page).
DJANGO_ADMIN_LABELS = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
]
