"""Partner keys in the admin, for superusers only (no group is given their permissions): a key is made by the
server when the row is added and shown once, in the message after saving; afterwards only its prefix is seen.
Revoking is unticking `active` (or the list's action) and takes effect at the next request (api/signals.py)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from core.adminguards import GuardedAdmin

from .models import PartnerKey, deactivate_keys

ADD_FIELDS = ["name", "rate", "note", "active"]
SHOWN_FIELDS = ["prefix", "created_at", "created_by", "last_used_at"]


@admin.register(PartnerKey)
class PartnerKeyAdmin(GuardedAdmin, admin.ModelAdmin):
    list_display = ["name", "prefix", "active", "rate", "created_at", "last_used_at"]
    list_filter = ["active"]
    search_fields = ["name", "prefix", "note"]
    actions = ["deactivate"]

    def get_fields(self, request, obj=None):
        return [*ADD_FIELDS, *SHOWN_FIELDS] if obj else ADD_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return SHOWN_FIELDS if obj else []

    # Superusers only, whatever permissions a group is given.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def save_model(self, request, obj, form, change):
        key = None
        if not change:
            obj.created_by = request.user
            key = obj.set_new_key()
        super().save_model(request, obj, form, change)
        if key:
            # Shown once: only its hash is stored, the admin can never display it again.
            self.message_user(
                request,
                gettext_lazy(
                    "The key of %(partner)s: %(key)s. Copy it now; it is not shown again. "
                    "The partner sends it in the X-Api-Key header."
                )
                % {"partner": obj.name, "key": key},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Deactivate selected keys"), permissions=["change"])
    def deactivate(self, request, queryset):
        done = deactivate_keys(queryset)
        self.message_user(
            request, ngettext("%d key deactivated.", "%d keys deactivated.", done) % done, messages.SUCCESS
        )
