"""API keys in the admin, for superusers: give a user a key (shown once), see when each was
last used, replace or delete one (the old key stops working at once)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baocao.apps.api.models import Token


def _shown_once(request, token: Token, key: str) -> None:
    messages.warning(
        request,
        _("Khóa API của %(user)s: %(key)s — hãy sao chép ngay, khóa chỉ hiện một lần này.")
        % {"user": token.user, "key": key},
    )


@admin.register(Token)
class TokenAdmin(admin.ModelAdmin):
    list_display = ("user", "prefix", "created_at", "last_used_at")
    search_fields = ("user__username", "prefix")
    raw_id_fields = ("user",)
    actions = ["replace_keys"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a key is replaced (the action) or deleted, never edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def get_readonly_fields(self, request, obj=None):
        return ("user", "prefix", "created_at", "last_used_at") if obj else ()

    def save_model(self, request, obj, form, change) -> None:
        key = obj.new_key()
        super().save_model(request, obj, form, change)
        _shown_once(request, obj, key)

    @admin.action(description=gettext_lazy("Cấp khóa mới (khóa cũ hết hiệu lực)"))
    def replace_keys(self, request, queryset) -> None:
        for token in queryset.select_related("user"):
            key = token.new_key()
            token.save(update_fields=["key_hash", "prefix"])
            _shown_once(request, token, key)
