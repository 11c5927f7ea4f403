"""The newsroom admin: articles and their workflow, issues and pages, sections and events."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import article, issue, other  # noqa: F401  (register the model admins)

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Editors' desk")
admin.site.index_template = "admin/newsroom_index.html"
