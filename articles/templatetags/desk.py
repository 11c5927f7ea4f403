"""{% editors_desk %}: the desk panel on the admin index."""

from django import template

from articles.admin.desk import desk_for

register = template.Library()


@register.inclusion_tag("admin/articles/desk.html", takes_context=True)
def editors_desk(context):
    request = context["request"]
    return {"desk": desk_for(request.user), "request": request}
