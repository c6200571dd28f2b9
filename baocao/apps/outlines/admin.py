from django.contrib import admin

from baocao.apps.outlines.models import OutlineDocument


@admin.register(OutlineDocument)
class OutlineDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "builtin", "updated_at"]
    list_filter = ["builtin"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["version", "created_at", "updated_at"]
