"""The audit log in the admin: superusers read and filter it; nobody adds, edits or deletes."""

from django.contrib import admin

from baocao.apps.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_label", "ip_address")
    list_filter = (
        "action",
        "at",
        ("actor", admin.RelatedOnlyFieldListFilter),
        "object_type",
    )
    search_fields = ("actor_name", "object_label", "object_id", "ip_address")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    list_per_page = 100
    readonly_fields = (
        "at",
        "actor",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "details",
        "ip_address",
    )

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
