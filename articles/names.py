"""How the newsroom names people. A colleague: 林知远 (family name first, no space, for Chinese names), "Ada
Lovelace" (Django's get_full_name() otherwise), else the user name; lists, the desk, history and mail all say it
so. A byline: consecutive names of one role under one credit, as printed (本报记者 林知远 王启航); the article
page and the article list both group them so."""

import re
from dataclasses import dataclass, field

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def person(user) -> str:
    if user is None:
        return "—"
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if _CJK.search(first + last):
        return f"{last}{first}"
    return user.get_full_name() or user.get_username()


@dataclass
class BylineGroup:
    """Consecutive bylines sharing a role, printed as one credit: 本报记者 林知远 王启航."""

    role: str
    label: str
    authors: list = field(default_factory=list)


def byline_groups(bylines) -> list[BylineGroup]:
    """`bylines` (in printed order) as credits: consecutive bylines of one role in one group."""
    groups: list[BylineGroup] = []
    for byline in bylines:
        if not groups or groups[-1].role != byline.role:
            groups.append(BylineGroup(byline.role, byline.get_role_display()))
        groups[-1].authors.append(byline.author)
    return groups
