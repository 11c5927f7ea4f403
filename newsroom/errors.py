"""The error pages: under the admin's prefix in the admin's look (templates/admin/403.html, 404.html, 500.html),
elsewhere in the reader's (templates/403.html, 404.html, 500.html). Wired as handler403/404/500 in
newsroom/urls.py."""

import logging

from django.contrib import admin
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.views import defaults

logger = logging.getLogger(__name__)


def _under_admin(request) -> bool:
    try:
        prefix = reverse("admin:index")
    except NoReverseMatch:
        prefix = "/admin/"
    return request.path.startswith(prefix)


def _admin_page(request, template_name: str, status: int) -> HttpResponse:
    """An admin-styled error page with the admin's own context (header, user tools, sidebar)."""
    try:
        context = admin.site.each_context(request)
    except Exception:  # no user on the request (refused before authentication): the page without user tools
        context = {"site_header": admin.site.site_header, "site_title": admin.site.site_title}
    return HttpResponse(loader.render_to_string(template_name, context, request), status=status)


def permission_denied(request, exception=None):
    if _under_admin(request):
        return _admin_page(request, "admin/403.html", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _under_admin(request):
        return _admin_page(request, "admin/404.html", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Rendered with no request context (whatever broke may break it too): templates/admin/500.html uses
    nothing but static files and translations; the plain default is the last resort."""
    if _under_admin(request):
        try:
            return HttpResponseServerError(loader.render_to_string("admin/500.html"))
        except Exception:
            logger.exception("Could not render the admin's 500 page")
    return defaults.server_error(request)
