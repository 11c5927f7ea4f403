"""After a save of an article, a page or a page area commits, its files are put where the rule says
(files/release.py). A file replaced by a new upload is deleted from public storage once the new name is
committed: nothing stays public under a name no row points to."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save, pre_save

from articles.models import Article, IssuePage, PageArea
from core.storage import is_private

from . import body_images, release

PLACING = "_files_placing"  # set by release.place on the instance it saves: no second pass for that save
LOADED = "_files_loaded"  # the file names as loaded or last saved, to see a replaced file
REPLACED = "_files_replaced"  # public files this save replaces (pre_save to post_save)


def _loaded(sender, instance, **kwargs):
    # The raw values in __dict__ (no FieldFile is built: this runs for every instance loaded); a deferred
    # field is simply not known.
    values = instance.__dict__
    values[LOADED] = {name: values[name] for name in release.FILE_FIELDS[sender] if name in values}


def _name(value) -> str:
    """A file field's raw value (a name, a FieldFile, an upload) as a stored name."""
    if value is None or isinstance(value, str):
        return value or ""
    return getattr(value, "name", "") or ""


def _before_save(sender, instance, raw=False, **kwargs):
    """Note the stored names of files this save replaces (read from the row: the instance may be stale)."""
    instance.__dict__.pop(REPLACED, None)
    if raw or instance.pk is None:
        return
    loaded = instance.__dict__.get(LOADED, {})
    fields = release.FILE_FIELDS[sender]
    changing = [
        name
        for name in fields
        if not getattr(getattr(instance, name), "_committed", True)
        or (getattr(instance, name).name or "") != _name(loaded.get(name))
    ]
    if not changing:
        return
    stored = sender.objects.filter(pk=instance.pk).values(*changing).first() or {}
    instance.__dict__[REPLACED] = [
        old
        for name, old in stored.items()
        if old and old != (getattr(instance, name).name or "") and not is_private(old)
    ]


def _saved(sender, instance, raw=False, using="default", update_fields=None, created=False, **kwargs):
    if raw or instance.__dict__.pop(PLACING, False):
        _loaded(sender, instance)
        return
    if sender is Article:
        body_images.link(instance, update_fields, created)
    replaced = instance.__dict__.pop(REPLACED, [])
    _loaded(sender, instance)

    def after_commit():
        for name in replaced:
            _delete_unless_used(sender, name)
        if sender is Article:
            placed = release.place_article(
                instance.pk, page_ids=[instance.page_id] if instance.page_id else []
            )
        else:
            placed = release.place(sender, instance.pk)
        placed.follow(instance)  # the saver's copy names the files where they now are

    transaction.on_commit(after_commit, using=using)


def _delete_unless_used(model, name: str) -> None:
    for field in release.FILE_FIELDS[model]:
        if model.objects.filter(**{field: name}).exists():
            return
    for each in [name, *release.derived_names(name)]:
        if default_storage.exists(each):
            default_storage.delete(each)


def _area_changed(sender, instance, raw=False, using="default", **kwargs):
    if raw:
        return
    page_id = instance.page_id
    transaction.on_commit(lambda: release.place(IssuePage, page_id), using=using)


def _deleted(sender, instance, using="default", **kwargs):
    """A deleted article or page takes its public files with it; its pages may now show only public articles."""
    public = [getattr(instance, name).name for name in release.FILE_FIELDS[sender] if getattr(instance, name)]
    public = [name for name in public if not is_private(name)]
    page_id = instance.page_id if sender is Article else None

    def after_commit():
        for name in public:
            _delete_unless_used(sender, name)
        if page_id:
            release.place(IssuePage, page_id)

    transaction.on_commit(after_commit, using=using)


def connect() -> None:
    for model in release.FILE_FIELDS:
        post_init.connect(_loaded, sender=model, dispatch_uid=f"files-loaded-{model.__name__}")
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"files-before-save-{model.__name__}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"files-saved-{model.__name__}")
    post_save.connect(_area_changed, sender=PageArea, dispatch_uid="files-area-saved")
    post_delete.connect(_area_changed, sender=PageArea, dispatch_uid="files-area-deleted")
    for model in release.FILE_FIELDS:
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"files-deleted-{model.__name__}")
