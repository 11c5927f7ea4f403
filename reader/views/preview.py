"""Previews of any article in the public design: for those who may see it in the admin, and through a share
link for an outside reviewer. Every preview is private, never stored, and kept out of search engines."""

from django.views.decorators.http import require_GET

from articles.policy import article_visible_or_404
from articles.sharing import resolve_share_token
from files.body_images import sign_in
from files.views import signed_url

from .article import render_article


def mark_private(response):
    """Previews are never cached anywhere nor indexed."""
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "no-referrer"
    return response


def render_preview(request, article, *, shared: bool = False):
    extra = {"shared_preview": shared}
    if shared:  # the outside reviewer is nobody to the private-file view: signed links to every picture
        extra["picture_url"] = signed_url  # each rendition of the lead picture and the photos, OG and JSON-LD
        article.body = sign_in(article.body, signed_url)  # shown only, never saved
    response = render_article(request, article, preview=True, extra_context=extra)
    return mark_private(response)


@require_GET
def article_preview(request, pk: int):
    """The editors' preview (the admin's 预览; newsroom/urls.py wraps it in the admin's login)."""
    return render_preview(request, article_visible_or_404(request.user, pk))


@require_GET
def shared_preview(request, token: str):
    return render_preview(request, resolve_share_token(token), shared=True)
