"""The newsroom's roles: groups Reporters and Editors and what each may do.

The groups are made (and their permissions set) after every `migrate`, so assigning a user to a group is all an
administrator does. Who may take which workflow transition is decided in articles/workflow.py from these.
"""

from django.contrib.auth.models import Group, Permission

REPORTERS = "Reporters"
EDITORS = "Editors"

_VIEW = ["view"]
_ALL = ["add", "change", "delete", "view"]

REPORTER_PERMISSIONS = {
    "articles": {
        "article": _ALL,
        "byline": _ALL,
        "issue": _VIEW,
        "issuepage": _VIEW,
        "section": _VIEW,
        "event": _VIEW,
    },
    "people": {"author": ["add", "view"], "organization": _VIEW},
    "taggit": {"tag": ["add", "view"]},
}
EDITOR_PERMISSIONS = {
    "articles": {
        "article": [*_ALL, "edit_any_article", "review_article", "share_article"],
        "byline": _ALL,
        "issue": _ALL,
        "issuepage": _ALL,
        "section": _ALL,
        "event": _ALL,
        "pagearea": _ALL,
        "sharelink": _ALL,
        "articlelog": _VIEW,
    },
    "people": {"author": _ALL, "organization": _ALL},
    "taggit": {"tag": _ALL},
}


def _codenames(spec: dict[str, dict[str, list[str]]]):
    for app_label, models in spec.items():
        for model, actions in models.items():
            for action in actions:
                codename = action if "_" in action else f"{action}_{model}"
                yield app_label, codename


def _permissions(spec) -> list[Permission]:
    wanted = set(_codenames(spec))
    found = [
        p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _, codename in wanted}
        )
        if (p.content_type.app_label, p.codename) in wanted
    ]
    return found


def ensure_groups(**kwargs) -> None:
    """Create or update the two groups with exactly their permissions (idempotent; a post_migrate receiver)."""
    for name, spec in ((REPORTERS, REPORTER_PERMISSIONS), (EDITORS, EDITOR_PERMISSIONS)):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(spec))


def is_editor(user) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.has_perm("articles.review_article")))


def is_reporter(user) -> bool:
    return bool(user and user.is_active and user.has_perm("articles.add_article"))
