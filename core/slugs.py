"""Slugs made from a name on first save: unicode (Chinese names keep their characters), unique within the model.

`SlugFromName` is a plain mixin, not a model, so a model that uses it has the same fields and migrations.
"""

from django.utils.text import slugify


def unique_slug(instance, value: str, max_length: int = 80) -> str:
    """A unicode slug for `value`, made unique within the instance's model by a numeric suffix."""
    base = slugify(value, allow_unicode=True)[: max_length - 6] or instance._meta.model_name
    slug, n = base, 2
    model = type(instance)
    while model.objects.filter(slug=slug).exclude(pk=instance.pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class SlugFromName:
    """Fill an empty `slug` on save from `slug_source`: a field name, a tuple of field names (the first one that
    is not empty wins), or a method returning the text. A slug once set is never changed (URLs stay valid)."""

    slug_source: str | tuple[str, ...] = "name"

    def slug_text(self) -> str:
        source = self.slug_source
        if callable(source):
            return source()
        names = (source,) if isinstance(source, str) else source
        return next((value for value in (getattr(self, name) for name in names) if value), "")

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.slug_text())
        super().save(*args, **kwargs)
