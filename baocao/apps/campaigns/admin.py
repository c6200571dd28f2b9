"""Admin pages to look into campaigns and reports.

Changes of state go through `actions` (which keep the history), so the admin shows states and
history read-only; a campaign's name and deadline stay editable, and closing is an admin action.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import (
    Campaign,
    IndicatorChange,
    IndicatorValue,
    Report,
    ReportEvent,
    SectionText,
    SectionVersion,
)
from baocao.errors import InputError


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "root_unit", "deadline", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "slug")
    readonly_fields = (
        "slug",
        "outline",
        "root_unit",
        "reporting_kinds",
        "baseline_year",
        "current_year",
        "status",
        "created_by",
        "created_at",
        "closed_by",
        "closed_at",
    )
    actions = ["close_selected"]

    def has_add_permission(self, request):
        return False  # a campaign is opened with its reports, by actions.open_campaign

    @admin.action(description=_("Kết thúc các đợt báo cáo đã chọn"))
    def close_selected(self, request, queryset):
        for campaign in queryset:
            try:
                actions.close_campaign(campaign, request.user)
            except InputError as error:
                self.message_user(request, f"{campaign}: {error}", messages.ERROR)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("unit", "campaign", "status", "submitted_at", "accepted_at", "version")
    list_filter = ("status", "campaign")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit", "campaign")


@admin.register(SectionText)
class SectionTextAdmin(ReadOnlyAdmin):
    list_display = ("report", "section_id", "version", "updated_by", "updated_at")
    search_fields = ("report__unit__name", "section_id")
    list_select_related = ("report__unit", "report__campaign", "updated_by")


@admin.register(SectionVersion)
class SectionVersionAdmin(ReadOnlyAdmin):
    list_display = ("report", "section_id", "version", "saved_by", "saved_at", "note")
    search_fields = ("report__unit__name", "section_id")
    list_select_related = ("report__unit", "report__campaign", "saved_by")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ("report", "code", "year", "raw", "value", "updated_by", "updated_at")
    list_filter = ("year",)
    search_fields = ("report__unit__name", "code")
    list_select_related = ("report__unit", "report__campaign", "updated_by")


@admin.register(IndicatorChange)
class IndicatorChangeAdmin(ReadOnlyAdmin):
    list_display = ("report", "code", "year", "raw", "value", "changed_by", "changed_at")
    search_fields = ("report__unit__name", "code")
    list_select_related = ("report__unit", "report__campaign", "changed_by")


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin):
    list_display = ("report", "from_status", "to_status", "actor", "at")
    list_filter = ("to_status",)
    search_fields = ("report__unit__name", "reason")
    list_select_related = ("report__unit", "report__campaign", "actor")
