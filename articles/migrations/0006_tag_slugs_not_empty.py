"""Give every tag whose slug is empty (a name of punctuation only, such as "!!!") or holds a slash the slug
articles/models/tags.py now gives such names on save: "tag-" and the start of the name's SHA-256, made unique.
Nothing to undo: the old slugs had no page."""

import hashlib

from django.db import migrations


def fill_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    taken = set(Tag.objects.values_list("slug", flat=True))
    for tag in Tag.objects.filter(slug="") | Tag.objects.filter(slug__contains="/"):
        base = "tag-" + hashlib.sha256(tag.name.encode("utf-8")).hexdigest()[:12]
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        tag.slug = slug
        tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_private_media"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(fill_slugs, migrations.RunPython.noop)]
