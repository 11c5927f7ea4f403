"""The webhooks in the admin: editors register endpoints (the secret is made here and shown once), and read the
delivery log, with "retry now". Reporters have no webhook permission (webhooks/signals.py grants the Editors
group its own)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from core.adminguards import GuardedAdmin

from .delivery import retry_now
from .models import EventName, WebhookDelivery, WebhookEndpoint, WebhookEvent, new_secret


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=gettext_lazy("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("Where the events are posted (HTTPS)."),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("events"),
        choices=EventName.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The events posted to this endpoint."),
    )
    new_secret = forms.BooleanField(
        label=gettext_lazy("make a new secret"),
        required=False,
        help_text=gettext_lazy("The old one stops working at once; the new one is shown once, after saving."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(GuardedAdmin, admin.ModelAdmin):
    form = EndpointForm
    list_display = ["__str__", "url", "events_heard", "active", "created_by", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description"]

    def get_fields(self, request, obj=None):
        fields = ["url", "description", "events", "active"]
        return fields + ["new_secret"] if obj else fields

    @admin.display(description=gettext_lazy("events"))
    def events_heard(self, obj):
        return ", ".join(str(EventName(e).label) for e in obj.events if e in EventName.values)

    def save_model(self, request, obj, form, change):
        show = not change or form.cleaned_data.get("new_secret")
        if not change:
            obj.created_by = request.user
        if show:
            obj.secret = new_secret()
        super().save_model(request, obj, form, change)
        if show:
            # Shown once: the admin never displays it again.
            self.message_user(
                request,
                gettext_lazy("The secret of %(endpoint)s, shown only now: %(secret)s")
                % {"endpoint": obj.url, "secret": obj.secret},
                messages.WARNING,
            )


class ReadOnlyAdmin(GuardedAdmin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id", "event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at", "delivered_at",
    ]  # fmt: skip
    list_filter = ["status", "event__event", "endpoint"]
    list_select_related = ["event", "endpoint"]
    search_fields = ["endpoint__url", "=event__article_id"]
    actions = ["retry"]

    def has_retry_permission(self, request):
        return request.user.has_perm("webhooks.change_webhookdelivery")

    @admin.action(description=gettext_lazy("Retry now"), permissions=["retry"])
    def retry(self, request, queryset):
        done = retry_now(queryset.exclude(status="delivered"))
        self.message_user(
            request,
            ngettext("%d delivery will be retried now.", "%d deliveries will be retried now.", done) % done,
        )


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "event", "article_id", "published_at", "created_at", "dispatched_at"]
    list_filter = ["event"]
    search_fields = ["=article_id"]
