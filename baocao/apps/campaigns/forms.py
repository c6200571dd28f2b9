"""The form that opens a campaign: an outline, the unit at the top, who reports, and by when.

It only reads what was typed; `actions.open_campaign` decides whether it may be done and says
why not, in Vietnamese, and the view shows that on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baocao.apps.campaigns.permissions import CAMPAIGN_OWNER_ROLES
from baocao.apps.orgs import scope
from baocao.apps.orgs.forms import UnitChoiceField
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.apps.outlines.models import OutlineDocument
from baocao.errors import InputError

DEFAULT_KINDS = [UnitKind.DISTRICT, UnitKind.SECTOR, UnitKind.ZONE, UnitKind.GRASSROOTS]


def openable_units(user: Any):
    """The units a user may open a campaign over (never a CĐCS: it has nobody under it)."""
    units = Unit.objects.exclude(kind=UnitKind.GRASSROOTS)
    if scope.is_superuser(user):
        return units
    membership = scope.membership(user)
    if membership is None or not any(membership.has_role(r) for r in CAMPAIGN_OWNER_ROLES):
        return Unit.objects.none()
    return units.filter(path__startswith=membership.unit.path)


def may_open_any(user: Any) -> bool:
    membership = scope.membership(user)
    return scope.is_superuser(user) or (
        membership is not None and any(membership.has_role(r) for r in CAMPAIGN_OWNER_ROLES)
    )


class OpenCampaignForm(forms.Form):
    name = forms.CharField(
        label=_("Tên đợt báo cáo"),
        max_length=500,
        required=False,
        help_text=_("Để trống: lấy tên của đề cương."),
    )
    outline = forms.ModelChoiceField(
        label=_("Đề cương"),
        queryset=OutlineDocument.objects.all(),
        empty_label=None,
    )
    root_unit = UnitChoiceField(
        label=_("Đơn vị chủ trì"),
        queryset=Unit.objects.none(),
        empty_label=None,
        help_text=_("Đợt báo cáo gửi xuống các đơn vị trực thuộc đơn vị này."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Loại đơn vị phải báo cáo"),
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=DEFAULT_KINDS,
        error_messages={"required": _("Hãy chọn ít nhất một loại đơn vị phải báo cáo.")},
    )
    baseline_year = forms.IntegerField(
        label=_("Năm gốc"),
        required=False,
        min_value=1945,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    current_year = forms.IntegerField(
        label=_("Năm hiện tại"),
        required=False,
        min_value=1945,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    # A text box, not type="date": a browser set to English would show mm/dd/yyyy.
    deadline = forms.DateField(
        label=_("Hạn nộp báo cáo"),
        help_text=_("Ngày/tháng/năm, ví dụ 15/12/2017."),
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "15/12/2017", "autocomplete": "off"}
        ),
        error_messages={
            "required": _("Hãy nhập hạn nộp báo cáo."),
            "invalid": _("Hãy nhập hạn nộp dạng ngày/tháng/năm, ví dụ 15/12/2017."),
        },
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = openable_units(user).order_by("path")
        self.fields["root_unit"].queryset = units
        own = scope.user_unit(user)
        if own is not None:
            self.fields["root_unit"].top_depth = own.depth
            if not self.is_bound:
                self.fields["root_unit"].initial = own.pk
                # The owner writes a report too: the one it consolidates into.
                self.fields["kinds"].initial = [own.kind, *DEFAULT_KINDS]
        # Years left empty are the outline's: say which they are.
        years = []
        for document in self.fields["outline"].queryset:
            try:
                known = document.outline().years
            except InputError:  # a broken outline is refused, with its reason, when chosen
                continue
            if known.get("baseline") and known.get("current"):
                years.append((document.title, known["baseline"], known["current"]))
        hint = _("Để trống: lấy theo đề cương.")
        self.fields["baseline_year"].help_text = hint
        self.fields["current_year"].help_text = hint
        self.outline_years = years
