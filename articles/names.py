"""How the newsroom names a colleague: 林知远 (family name first, no space, for Chinese names), "Ada Lovelace"
(Django's get_full_name() otherwise), else the user name. Lists, the desk, history and mail all say it so."""

import re

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def person(user) -> str:
    if user is None:
        return "—"
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if _CJK.search(first + last):
        return f"{last}{first}"
    return user.get_full_name() or user.get_username()
