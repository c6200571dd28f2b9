"""The register and the issued copies, read-only: issuing goes through `actions.issue_report`,
and an issued copy never changes."""

from django.contrib import admin

from baocao.apps.campaigns.admin import ReadOnlyAdmin
from baocao.apps.issuing.models import IssuedDocument, OutgoingRegister


@admin.register(OutgoingRegister)
class OutgoingRegisterAdmin(ReadOnlyAdmin):
    list_display = ("unit", "year", "last_number")
    list_filter = ("year",)
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit",)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ("number_text", "unit", "campaign", "issued_on", "signer_name", "signed")
    list_filter = ("year", "campaign")
    search_fields = ("unit__name", "unit__code", "number_text", "signer_name")
    list_select_related = ("unit", "campaign")
    exclude = IssuedDocument.FILES  # the files are downloaded from the issuing page

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*IssuedDocument.FILES)

    @admin.display(
        boolean=True, description=IssuedDocument._meta.get_field("signed_pdf").verbose_name
    )
    def signed(self, obj: IssuedDocument) -> bool:
        return obj.signed
