"""The planning desk's pages in the admin: the issue's budget (稿单) and the calendar (选题日历)."""

from .budget import budget_view
from .calendar import calendar_view

__all__ = ["budget_view", "calendar_view"]
