from django import forms
from django.utils.translation import gettext_lazy as _

from baocao.outline.files import ACCEPTED


class OutlineUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp đề cương"),
        help_text=_("Tệp văn bản (.txt), Word (.docx) hoặc YAML do baocao xuất ra."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED.replace(" ", "")}),
    )
