"""`baocao consolidate` and `baocao export`: a unit's report as DOCX, XLSX or PDF."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from baocao.cli.django_setup import setup_django
from baocao.errors import InputError

err = Console(stderr=True)

CampaignOption = Annotated[str, typer.Option("--campaign", help="Mã đợt báo cáo (slug).")]
UnitOption = Annotated[str, typer.Option("--unit", help="Mã đơn vị.")]
OutOption = Annotated[Path, typer.Option("-o", "--out", help="Tệp kết quả.")]
SubmittedOption = Annotated[
    bool,
    typer.Option(
        "--include-submitted", help="Tính cả báo cáo đã gửi chưa duyệt (mặc định: chỉ đã duyệt)."
    ),
]


DraftOption = Annotated[
    bool,
    typer.Option(
        "--draft",
        help="Mọi mục là bản nháp tổng hợp từ báo cáo các đơn vị trực thuộc (không dùng nội dung "
        "đơn vị đã viết).",
    ),
]


class Format(enum.StrEnum):
    docx = "docx"
    xlsx = "xlsx"
    pdf = "pdf"


def load_campaign_unit(campaign_slug: str, unit_code: str):
    """The campaign and the unit named on the command line (Django set up); InputError saying
    which is unknown."""
    setup_django()
    from baocao.apps.campaigns.models import Campaign
    from baocao.apps.orgs.models import Unit

    campaign = Campaign.objects.filter(slug=campaign_slug).first()
    if campaign is None:
        raise InputError(f"Không có đợt báo cáo mã “{campaign_slug}”.")
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None or not unit.is_within(campaign.root_unit):
        raise InputError(f"Đơn vị “{unit_code}” không thuộc đợt báo cáo “{campaign.name}”.")
    return campaign, unit


def _summary(subtree, unit) -> None:
    counted = subtree.rollup.counted.get(unit.path, 0)
    expected = subtree.rollup.expected.get(unit.path, 0)
    err.print(
        f"Đã tính {counted}/{expected} báo cáo của {escape(unit.name)} và các đơn vị trực thuộc."
    )
    if expected > counted:
        err.print(
            f"[yellow]Chưa tính {expected - counted} báo cáo[/yellow] (chưa duyệt hoặc chưa gửi)."
        )
    from baocao.apps.orgs.models import Unit
    from baocao.indicators.numbers import format_number

    catalogue = {i.code: i.name for i in subtree.indicators}
    complete = [d for d in subtree.rollup.differences if not d.missing_below]
    shown = {d.path for d in complete[:20]}
    names = dict(Unit.objects.filter(path__in=shown).values_list("path", "name"))
    partial = len(subtree.rollup.differences) - len(complete)
    if partial:
        err.print(
            f"{partial} chênh lệch do còn đơn vị trực thuộc chưa được tính (không liệt kê ở đây)."
        )
    for difference in complete[:20]:
        err.print(
            f"[yellow]Chênh lệch[/yellow] {escape(names.get(difference.path, difference.path))}, "
            f"{escape(catalogue.get(difference.code, difference.code))} năm {difference.year}: "
            f"đơn vị báo {format_number(difference.reported)}, các đơn vị trực thuộc cộng lại "
            f"{format_number(difference.children_sum)}"
        )
    if len(complete) > 20:
        err.print(f"... và {len(complete) - 20} chênh lệch khác.")


def export(
    campaign: CampaignOption,
    unit: UnitOption,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.docx,
    out: OutOption = Path("bao-cao.docx"),
    include_submitted: SubmittedOption = False,
    draft: DraftOption = False,
) -> None:
    """Xuất báo cáo của một đơn vị (số liệu tổng hợp từ các đơn vị trực thuộc): DOCX, XLSX, PDF."""
    try:
        campaign_obj, unit_obj = load_campaign_unit(campaign, unit)
        from baocao.apps.campaigns.consolidation import (
            XLSX_MAX_REPORTS,
            indicators_xlsx,
            report_docx,
            reports_under,
        )

        if format is Format.xlsx:
            from baocao.indicators.numbers import format_number

            reports = reports_under(campaign_obj, unit_obj)
            if reports > XLSX_MAX_REPORTS:
                raise InputError(
                    f"Bảng chỉ tiêu có một dòng cho mỗi báo cáo; {format_number(reports)} báo cáo "
                    f"dưới {unit_obj.name} là quá nhiều (tối đa {format_number(XLSX_MAX_REPORTS)}"
                    "). Hãy xuất bảng của từng đơn vị trực thuộc (--unit MÃ), hoặc bản DOCX "
                    "(có số liệu đã tổng hợp)."
                )
            data, subtree = indicators_xlsx(
                campaign_obj, unit_obj, include_submitted=include_submitted
            )
        else:
            data, subtree = report_docx(
                campaign_obj, unit_obj, include_submitted=include_submitted, draft=draft
            )
            if format is Format.pdf:
                from baocao.docx_out.pdf import docx_to_pdf

                data = docx_to_pdf(data)
    except InputError as exc:
        err.print(f"[red]Lỗi:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    out.write_bytes(data)
    _summary(subtree, unit_obj)
    err.print(f"Đã ghi {out} ({len(data):,} byte).")


def consolidate(
    campaign: CampaignOption,
    unit: UnitOption,
    out: OutOption = Path("tong-hop.docx"),
    include_submitted: SubmittedOption = False,
    draft: DraftOption = False,
) -> None:
    """Báo cáo tổng hợp của một đơn vị (DOCX), kèm số báo cáo đã tính, còn thiếu, chênh lệch."""
    export(campaign, unit, Format.docx, out, include_submitted, draft)


def register(app: typer.Typer) -> None:
    app.command("consolidate")(consolidate)
    app.command("export")(export)
