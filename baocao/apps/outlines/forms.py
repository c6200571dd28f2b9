"""The outline pages' forms: the upload, the import preview's corrections and the editor's."""

from __future__ import annotations

from django import forms
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baocao.indicators.catalogue import Indicator, Rule
from baocao.outline.editing import ROLLUP_LABELS, TYPE_LABELS, rule_expression
from baocao.outline.files import ACCEPTED
from baocao.outline.model import Footnote, Outline, Section
from baocao.outline.preview import Fix
from baocao.outline.serialize import dump_yaml

_FILE_ERRORS = {
    "empty": gettext_lazy(
        "Tệp đã chọn rỗng (0 byte), không có nội dung. Hãy kiểm tra lại tệp rồi nộp lại."
    ),
    "invalid": gettext_lazy("Không nhận được tệp. Hãy chọn lại tệp rồi nộp lại."),
    "missing": gettext_lazy("Không nhận được tệp. Hãy chọn lại tệp rồi nộp lại."),
}
# The core's words for an indicator's type and roll-up are the workbook's (Vietnamese); the
# pages say them in the person's language.
TYPE_WORDS = {
    "count": gettext_lazy("Số lượng"),
    "money": gettext_lazy("Tiền"),
    "percent": gettext_lazy("Tỷ lệ (%)"),
    "text": gettext_lazy("Chữ"),
}
ROLLUP_WORDS = {
    "sum": gettext_lazy("Cộng dồn lên cấp trên"),
    "ratio": gettext_lazy("Tỷ lệ = tử số / mẫu số (tính tự động)"),
    "none": gettext_lazy("Không cộng dồn (nhập ở từng cấp)"),
}
TYPE_CHOICES = [(key, TYPE_WORDS.get(key, label)) for key, label in TYPE_LABELS.items()]
ROLLUP_CHOICES = [(key, ROLLUP_WORDS.get(key, label)) for key, label in ROLLUP_LABELS.items()]
YEAR_BOUNDS = {"min_value": 1950, "max_value": 2100}


class OutlineUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp đề cương"),
        help_text=gettext_lazy("Tệp văn bản (.txt), Word (.docx) hoặc YAML do baocao xuất ra."),
        error_messages=_FILE_ERRORS,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED.replace(" ", "")}),
    )
    chi_tieu = forms.FileField(
        label=gettext_lazy("Bảng chỉ tiêu (Excel, không bắt buộc)"),
        help_text=gettext_lazy(
            "Tệp .xlsx có cột “Chỉ tiêu”, “Đơn vị tính” và các năm, hoặc tệp chỉ tiêu tải về từ "
            "trang sửa đề cương; thay cho bảng chỉ tiêu trong tệp đề cương."
        ),
        required=False,
        error_messages=_FILE_ERRORS,
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class OutlineFileForm(forms.Form):
    """A file for a stored outline: its YAML, or its indicators workbook."""

    file = forms.FileField(
        label=gettext_lazy("Tệp YAML đề cương hoặc tệp Excel chỉ tiêu"),
        error_messages=_FILE_ERRORS,
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.xlsx"}),
    )


# --- the import preview ----------------------------------------------------------------------

DRAFT_SALT = "baocao.outlines.import-draft"
DRAFT_MAX_AGE = 24 * 3600  # a preview left open overnight is read again from the file


def sign_draft(outline: Outline) -> str:
    """The outline as read, for the preview's hidden field: nobody can alter it on the way."""
    return signing.dumps(dump_yaml(outline), salt=DRAFT_SALT, compress=True)


def section_choices(outline: Outline, empty: str) -> list[tuple[str, str]]:
    """Every section, indented by depth, after the choice `empty` ("" value)."""
    return [("", empty)] + [
        (section.id, "\u2003" * depth + section.label[:90]) for section, depth in outline.walk()
    ]


def indicator_choices(outline: Outline, empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [(i.code, f"{i.name[:70]} ({i.code})") for i in outline.indicators]


class PreviewForm(forms.Form):
    """The whole outline's corrections: its title and years, and the signed draft."""

    ban_nhap = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("Tên đề cương"), max_length=500)
    baseline = forms.IntegerField(label=gettext_lazy("Năm gốc"), required=False, **YEAR_BOUNDS)
    current = forms.IntegerField(label=gettext_lazy("Năm hiện tại"), required=False, **YEAR_BOUNDS)

    def clean_ban_nhap(self) -> str:
        try:
            return signing.loads(
                self.cleaned_data["ban_nhap"], salt=DRAFT_SALT, max_age=DRAFT_MAX_AGE
            )
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("Bản xem trước đã mở quá một ngày. Hãy chọn lại tệp để xem trước lần nữa.")
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("Bản xem trước không còn nguyên vẹn. Hãy chọn lại tệp để xem trước lần nữa.")
            ) from None


class IndicatorFixForm(forms.Form):
    """One indicator row of the preview; each field labelled with the row's number."""

    name = forms.CharField(label=gettext_lazy("Tên chỉ tiêu"), max_length=2000)
    unit = forms.CharField(label=gettext_lazy("Đơn vị tính"), max_length=500, required=False)
    type = forms.ChoiceField(label=gettext_lazy("Loại"), choices=TYPE_CHOICES)
    rollup = forms.ChoiceField(label=gettext_lazy("Cách tổng hợp"), choices=ROLLUP_CHOICES)
    numerator = forms.ChoiceField(label=gettext_lazy("Tử số"), required=False)
    denominator = forms.ChoiceField(label=gettext_lazy("Mẫu số"), required=False)
    section = forms.ChoiceField(label=gettext_lazy("Mục"), required=False)
    drop = forms.BooleanField(label=gettext_lazy("Bỏ"), required=False)

    def __init__(self, *args, outline: Outline, **kwargs):
        super().__init__(*args, **kwargs)
        number = (self.prefix or "").rsplit("-", 1)[-1]
        row = int(number) + 1 if number.isdigit() else 0
        codes = indicator_choices(outline, "—")
        self.fields["numerator"].choices = codes
        self.fields["denominator"].choices = codes
        self.fields["section"].choices = section_choices(
            outline, _("— Chỉ tiêu chung (không gắn mục) —")
        )
        for name, field in self.fields.items():
            field.widget.attrs["aria-label"] = _("%(field)s (dòng %(row)d)") % {
                "field": field.label,
                "row": row,
            }
            if name != "drop":
                field.widget.attrs["class"] = f"fix-{name}"

    def clean(self):
        data = super().clean()
        ratio_problem(self, data)
        return data

    def fix(self) -> Fix:
        data = self.cleaned_data
        return Fix(
            name=data["name"],
            unit=data["unit"],
            type=data["type"],
            rollup=data["rollup"],
            numerator=data["numerator"],
            denominator=data["denominator"],
            section_id=data["section"],
            drop=data["drop"],
        )


def ratio_problem(form: forms.Form, data: dict) -> None:
    """A ratio names its two parts; text is never added up: said on the fields to change."""
    if data.get("drop"):
        return
    if data.get("rollup") == "ratio":
        if not data.get("numerator") or not data.get("denominator"):
            form.add_error(
                "rollup", _("Tỷ lệ tính tự động cần chọn tử số và mẫu số (hai chỉ tiêu khác).")
            )
        elif data["numerator"] == data["denominator"]:
            form.add_error("denominator", _("Mẫu số phải khác tử số."))
    if data.get("type") == "text" and data.get("rollup") not in (None, "none"):
        form.add_error("rollup", _("Chỉ tiêu dạng chữ không cộng dồn: hãy chọn “Không cộng dồn”."))


IndicatorFixFormSet = forms.formset_factory(IndicatorFixForm, extra=0)


def fix_initial(row) -> dict:
    indicator = row.indicator
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "type": indicator.type,
        "rollup": indicator.rollup,
        "numerator": indicator.numerator or "",
        "denominator": indicator.denominator or "",
        "section": row.section_id,
    }


# --- the editor ------------------------------------------------------------------------------


class LinesField(forms.CharField):
    """A list of texts in a textarea: one per line, or (`paragraphs`) one per blank-line block."""

    def __init__(self, *, paragraphs: bool = False, **kwargs):
        self.separator = "\n\n" if paragraphs else "\n"
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return self.separator.join(value) if isinstance(value, list) else value

    def clean(self, value) -> list[str]:
        text = (super().clean(value) or "").replace("\r\n", "\n")
        parts = text.split(self.separator) if self.separator == "\n" else _blocks(text)
        return [part.strip() for part in parts if part.strip()]


def _blocks(text: str) -> list[str]:
    blocks, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


class TitleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tên đề cương"), max_length=500)
    preamble = LinesField(
        label=gettext_lazy("Phần mở đầu"),
        paragraphs=True,
        help_text=gettext_lazy("Mỗi đoạn cách nhau một dòng trống."),
    )


class SectionForm(forms.Form):
    """A section's heading and texts; its footnotes as numbered pairs of fields, plus one
    empty pair to add a footnote (emptying a text removes that footnote)."""

    number = forms.CharField(label=gettext_lazy("Số thứ tự"), max_length=30, required=False)
    title = forms.CharField(label=gettext_lazy("Tên mục"), max_length=1000, required=False)
    guidance = LinesField(
        label=gettext_lazy("Hướng dẫn"),
        paragraphs=True,
        help_text=gettext_lazy("Mỗi đoạn cách nhau một dòng trống."),
    )
    prompts = LinesField(
        label=gettext_lazy("Gợi ý (gạch đầu dòng)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Mỗi gợi ý một dòng; dòng bắt đầu bằng “+ ” là ý nhỏ của dòng trên."
        ),
    )

    def __init__(self, *args, section: Section, unplaced: list[Footnote] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopt"] = forms.MultipleChoiceField(
            label=_("Chú thích chưa xác định được vị trí: gắn vào tên mục này"),
            required=False,
            choices=[(str(i), note.text[:160]) for i, note in enumerate(unplaced)],
            widget=forms.CheckboxSelectMultiple,
        )
        # A footnote may go to a prompt typed in this same form: offer the prompts sent too.
        try:
            sent = self.fields["prompts"].clean(self.data.get("prompts")) if self.is_bound else []
        except forms.ValidationError:
            sent = []  # said when the form is cleaned
        prompts = sent if len(sent) > len(section.prompts) else section.prompts
        anchors = [("title", _("Tên mục"))] + [
            (f"prompt:{index}", _("Gợi ý %(n)d: %(text)s") % {"n": index + 1, "text": text[:50]})
            for index, text in enumerate(prompts)
        ]
        for index in range(len(section.footnotes) + 1):
            note = section.footnotes[index] if index < len(section.footnotes) else None
            self.fields[f"fn_text_{index}"] = forms.CharField(
                label=_("Chú thích %d") % (index + 1),
                required=False,
                max_length=5000,
                initial=note.text if note else "",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="" if note else _("Để thêm chú thích, viết vào đây."),
            )
            choices = (
                anchors
                if not note or note.anchor in dict(anchors)
                else [
                    *anchors,
                    (note.anchor, _("Chưa xác định chỗ gắn")),
                ]
            )
            self.fields[f"fn_anchor_{index}"] = forms.ChoiceField(
                label=_("Gắn chú thích %d vào") % (index + 1),
                choices=choices,
                initial=note.anchor if note else "title",
                required=False,
            )
        self.footnote_count = len(section.footnotes) + 1

    def footnote_pairs(self):
        return [
            (self[f"fn_text_{index}"], self[f"fn_anchor_{index}"])
            for index in range(self.footnote_count)
        ]

    def footnotes(self) -> list[Footnote]:
        data = self.cleaned_data
        return [
            Footnote(text=data[f"fn_text_{i}"].strip(), anchor=data[f"fn_anchor_{i}"] or "title")
            for i in range(self.footnote_count)
            if data[f"fn_text_{i}"].strip()
        ]


class SectionAddForm(forms.Form):
    parent = forms.ChoiceField(label=gettext_lazy("Thuộc mục"), required=False)
    number = forms.CharField(label=gettext_lazy("Số thứ tự"), max_length=30, required=False)
    title = forms.CharField(label=gettext_lazy("Tên mục"), max_length=1000)

    def __init__(self, *args, outline: Outline, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = section_choices(outline, _("— Cấp cao nhất —"))


class IndicatorForm(forms.Form):
    """An indicator of the editor: a new one (code optional: made from the name) or one to
    change (its code stays: rules, ratios and reports refer to it)."""

    code = forms.RegexField(
        label=gettext_lazy("Mã"),
        regex=r"^[a-z][a-z0-9_]*$",
        max_length=60,
        required=False,
        help_text=gettext_lazy("Chữ thường không dấu, số và “_”; để trống để tự đặt."),
        error_messages={
            "invalid": gettext_lazy(
                "Mã chỉ dùng chữ thường không dấu, số và “_”, bắt đầu bằng chữ (ví dụ doan_vien_nu)."
            )
        },
    )
    name = forms.CharField(label=gettext_lazy("Tên chỉ tiêu"), max_length=2000)
    unit = forms.CharField(label=gettext_lazy("Đơn vị tính"), max_length=500, required=False)
    type = forms.ChoiceField(label=gettext_lazy("Loại"), choices=TYPE_CHOICES)
    rollup = forms.ChoiceField(label=gettext_lazy("Cách tổng hợp"), choices=ROLLUP_CHOICES)
    numerator = forms.ChoiceField(label=gettext_lazy("Tử số"), required=False)
    denominator = forms.ChoiceField(label=gettext_lazy("Mẫu số"), required=False)
    part_of = forms.ChoiceField(label=gettext_lazy("Là một phần của"), required=False)
    label = forms.CharField(
        label=gettext_lazy("Nhãn trong bảng"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Khi đứng dưới chỉ tiêu lớn, ví dụ “Trong đó: nữ”."),
    )
    sections = forms.MultipleChoiceField(
        label=gettext_lazy("Mục hỏi chỉ tiêu này"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, outline: Outline, editing: Indicator | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        others = Outline(title="", indicators=[i for i in outline.indicators if i != editing])
        for name in ("numerator", "denominator", "part_of"):
            self.fields[name].choices = indicator_choices(others, "—")
        self.fields["sections"].choices = section_choices(outline, "")[1:]
        if editing is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Mã không đổi được: quy tắc và báo cáo dùng mã này.")

    def clean(self):
        data = super().clean()
        ratio_problem(self, data)
        return data

    def indicator(self, base: Indicator | None = None) -> Indicator:
        data = self.cleaned_data
        ratio = data["rollup"] == "ratio"
        fields = {
            "code": base.code if base else data["code"],
            "name": data["name"].strip(),
            "unit": data["unit"].strip(),
            "type": data["type"],
            "rollup": data["rollup"],
            "numerator": (data["numerator"] or None) if ratio else None,
            "denominator": (data["denominator"] or None) if ratio else None,
            "part_of": data["part_of"] or None,
            "label": data["label"].strip(),
        }
        if base is None:
            return Indicator(**fields)
        return Indicator(**{**base.__dict__, **fields})


def indicator_initial(indicator: Indicator, outline: Outline) -> dict:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "type": indicator.type,
        "rollup": indicator.rollup,
        "numerator": indicator.numerator or "",
        "denominator": indicator.denominator or "",
        "part_of": indicator.part_of or "",
        "label": indicator.label,
        "sections": [s.id for s, _ in outline.walk() if indicator.code in s.indicators],
    }


OPERATORS = [("<=", "≤"), (">=", "≥"), ("<", "<"), (">", ">"), ("==", "=")]
SEVERITIES = [
    ("hard", gettext_lazy("Chặn gửi báo cáo")),
    ("soft", gettext_lazy("Chỉ cảnh báo")),
]


class RuleForm(forms.Form):
    """A comparison between two indicators, or between every figure and a number (≥ 0)."""

    left = forms.ChoiceField(label=gettext_lazy("Chỉ tiêu"), required=False)
    op = forms.ChoiceField(label=gettext_lazy("Phép so sánh"), choices=OPERATORS)
    right = forms.ChoiceField(label=gettext_lazy("So với chỉ tiêu"), required=False)
    number = forms.DecimalField(
        label=gettext_lazy("hoặc so với số"), required=False, max_digits=18, decimal_places=6
    )
    severity = forms.ChoiceField(label=gettext_lazy("Khi sai"), choices=SEVERITIES)
    message = forms.CharField(
        label=gettext_lazy("Lời nhắc khi sai"), max_length=500, required=False
    )

    def __init__(self, *args, outline: Outline, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left"].choices = indicator_choices(
            outline, _("Mọi chỉ tiêu số (số lượng, tiền)")
        )
        self.fields["right"].choices = indicator_choices(outline, "—")

    def clean(self):
        data = super().clean()
        if data.get("right") and data.get("number") is not None:
            raise forms.ValidationError(_("Hãy chọn một chỉ tiêu hoặc nhập một số, không cả hai."))
        if not data.get("right") and data.get("number") is None:
            raise forms.ValidationError(
                _("Hãy chọn chỉ tiêu hoặc nhập số để so sánh (ví dụ 0 cho “không âm”).")
            )
        return data

    def rule(self) -> Rule:
        data = self.cleaned_data
        right = data["right"] or _plain_number(data["number"])
        expr = rule_expression(data["left"], data["op"], right)
        return Rule(expr=expr, severity=data["severity"], message=data["message"].strip())


def _plain_number(value) -> str:
    text = format(value.normalize(), "f") if value is not None else ""
    return text.rstrip("0").rstrip(".") if "." in text else text


class YearsForm(forms.Form):
    baseline = forms.IntegerField(label=gettext_lazy("Năm gốc"), required=False, **YEAR_BOUNDS)
    current = forms.IntegerField(label=gettext_lazy("Năm hiện tại"), required=False, **YEAR_BOUNDS)
