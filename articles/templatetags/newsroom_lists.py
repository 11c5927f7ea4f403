"""Filters for the admin's lists (desk, history): {{ user|person }} names a colleague by full name, and
{{ when|since }} a time as the article list shows it (articles/admin/columns.py); names as articles/names.py says them."""

from django import template

from articles.admin.columns import time_tag
from articles.names import person as person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user)


@register.filter
def since(value):
    return time_tag(value)
