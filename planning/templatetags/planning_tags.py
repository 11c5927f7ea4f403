"""Filters for the planning pages: {{ story.due_at|due }} a due time as the desk says it (in the newsroom's time
zone, month and day, weekday and hour: 3月12日 星期四 17:00 in Chinese)."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def due(value) -> str:
    if not value:
        return "—"
    # Translators: a PHP-style date format (Django's `date` filter); Chinese: "n月j日 D H:i".
    return date_filter(timezone.localtime(value), pgettext("due time", "D, M j, H:i"))


@register.filter
def day(value) -> str:
    """A calendar day: 3月12日 in Chinese."""
    # Translators: a PHP-style date format (Django's `date` filter); Chinese: "n月j日".
    return date_filter(value, pgettext("calendar day", "M j"))
