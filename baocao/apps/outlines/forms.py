from django import forms
from django.utils.translation import gettext_lazy as _

from baocao.outline.files import ACCEPTED


class OutlineUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp đề cương"),
        help_text=_("Tệp văn bản (.txt), Word (.docx) hoặc YAML do baocao xuất ra."),
        error_messages={
            "empty": _(
                "Tệp đã chọn rỗng (0 byte), không có nội dung. Hãy kiểm tra lại tệp rồi nộp lại."
            ),
            "invalid": _("Không nhận được tệp. Hãy chọn lại tệp rồi nộp lại."),
            "missing": _("Không nhận được tệp. Hãy chọn lại tệp rồi nộp lại."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED.replace(" ", "")}),
    )
