from django.contrib import admin

from baocao.apps.orgs.models import Membership, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "email")
    list_filter = ("kind", "synthetic")
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth", "synthetic")
    raw_id_fields = ("parent",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "roles")
    search_fields = ("user__username", "unit__code", "unit__name")
    raw_id_fields = ("user", "unit")
