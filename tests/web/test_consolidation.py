"""Consolidation from the database: figures of accepted reports rolled up, differences shown,
the DOCX and XLSX written, and the `consolidate`/`export` commands as a user runs them."""

import datetime
import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.consolidation import place_of, report_document, subtree_figures
from baocao.apps.campaigns.models import Report
from baocao.apps.orgs.models import Role, UnitKind
from baocao.cli import app

from .campaign_scenario import nq20_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(tree, member):
    nq20 = nq20_document()
    officer = member("tinh", tree.province, Role.CONSOLIDATOR, Role.REVIEWER)
    campaign = actions.open_campaign(
        nq20,
        tree.province,
        kinds=[UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.GRASSROOTS],
        deadline=datetime.date(2017, 10, 30),
        actor=officer,
        name="Tổng kết 10 năm Nghị quyết 20",
        slug="nq20",
    )
    admin = member("quantri", tree.national)
    admin.is_superuser = True
    admin.save()
    figures = {
        tree.cdcs_dh1: {"members": (40, 100), "workers": (50, 110)},
        tree.cdcs_dh2: {"members": (30, 85), "workers": (35, 90)},
        tree.dakha: {"members": (70, 190)},  # its own total: the CĐCS add up to 185
        tree.cdcs_dt1: {"members": (20, 50), "workers": (25, 60)},
    }
    for unit, values in figures.items():
        report = Report.objects.get(campaign=campaign, unit=unit)
        for code, (old, new) in values.items():
            actions.save_indicator(report, code, 2008, str(old), admin)
            actions.save_indicator(report, code, 2017, str(new), admin)
        actions.save_section(report, "P1/I/1", f"<p>Báo cáo của {unit.name}.</p>", 0, admin)
        actions.submit(report, admin, report.version)
        if unit != tree.cdcs_dt1:  # Đăk Tô's CĐCS stays submitted, not accepted
            report.refresh_from_db()
            actions.accept(report, admin, report.version)
    return campaign


def test_accepted_reports_roll_up_and_a_district_total_is_compared(campaign, tree):
    subtree = subtree_figures(campaign, tree.province)
    province = subtree.figures(tree.province)
    assert province["members"] == {2008: Decimal(70), 2017: Decimal(190)}  # Đăk Hà's own total
    assert province["workers"][2017] == Decimal(200)  # Đăk Hà gave none: its CĐCS' sum
    [difference] = subtree.rollup.differences
    assert (difference.path, difference.reported, difference.children_sum) == (
        tree.dakha.path,
        Decimal(190),
        Decimal(185),
    )
    assert subtree.rollup.counted[tree.province.path] == 3
    assert tree.cdcs_dt1.path in subtree.rollup.missing(tree.province.path)


def test_submitted_reports_count_when_asked(campaign, tree):
    subtree = subtree_figures(campaign, tree.province, include_submitted=True)
    assert subtree.figures(tree.province)["members"][2017] == Decimal(240)


def test_report_document_has_the_header_of_the_issuing_unit(campaign, tree):
    document, _ = report_document(campaign, tree.dakha, date=datetime.date(2017, 11, 5))
    assert document.header.superior_unit == "LĐLĐ TỈNH KON TUM"
    assert document.header.issuing_unit == "LĐLĐ HUYỆN ĐĂK HÀ"
    assert document.header.number.endswith("/BC-LĐLĐ")
    # NĐ 30/2020 Phụ lục I: the locality where the issuing body sits.
    assert document.header.place == "Đăk Hà" == place_of(tree.cdcs_dh1)
    assert document.section_texts["P1/I/1"] == "<p>Báo cáo của LĐLĐ huyện Đăk Hà.</p>"
    assert document.indicator_values["members"][2017] == Decimal(190)


def test_consolidate_and_export_commands_write_real_files(campaign, tree, tmp_path):
    runner = CliRunner()
    out = tmp_path / "tong-hop.docx"
    result = runner.invoke(
        app, ["consolidate", "--campaign", "nq20", "--unit", "KT", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Đã tính 3/" in result.output and "Chênh lệch" in result.output
    text = "\n".join(p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert "BÁO CÁO" in text and "Tổng kết 10 năm" in text

    xlsx = tmp_path / "chi-tieu.xlsx"
    result = runner.invoke(
        app,
        ["export", "--campaign", "nq20", "--unit", "KT", "--format", "xlsx", "-o", str(xlsx)],
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(xlsx).active
    codes = [sheet.cell(row=r, column=1).value for r in range(3, 3 + 6)]
    assert codes[:2] == ["KT", "KT-DH"]


def test_an_xlsx_export_too_big_to_hold_gives_a_message(campaign, tmp_path, monkeypatch):
    from baocao.apps.campaigns import consolidation

    monkeypatch.setattr(consolidation, "XLSX_MAX_REPORTS", 2)
    out = tmp_path / "chi-tieu.xlsx"
    result = CliRunner().invoke(
        app,
        ["export", "--campaign", "nq20", "--unit", "KT", "--format", "xlsx", "-o", str(out)],
    )
    assert result.exit_code == 2
    assert "quá nhiều" in result.output and "--unit" in result.output
    assert not out.exists()


def test_export_of_an_unknown_unit_gives_a_message(campaign):
    result = CliRunner().invoke(app, ["export", "--campaign", "nq20", "--unit", "GL"])
    assert result.exit_code == 2
    assert "không thuộc đợt báo cáo" in result.output


def test_the_place_is_the_locality_where_the_issuing_body_sits(tree):
    from baocao.apps.campaigns.consolidation import locality
    from baocao.apps.orgs.models import Unit, UnitKind

    assert place_of(tree.province) == "Kon Tum"
    assert place_of(tree.dakha) == place_of(tree.cdcs_dh1) == "Đăk Hà"
    assert place_of(tree.other_district) == "Pleiku"  # "LĐLĐ thành phố Pleiku"
    assert place_of(tree.national) == "Hà Nội"
    sector = Unit.objects.create(
        code="KT-GD", name="Công đoàn Giáo dục tỉnh", kind=UnitKind.SECTOR, parent=tree.province
    )
    assert place_of(sector) == "Kon Tum"
    assert locality("Liên đoàn Lao động tỉnh Kon Tum") == "Kon Tum"  # the full name too
    assert locality("Liên đoàn Lao động thị xã Buôn Hồ") == "Buôn Hồ"


def test_the_docx_says_what_its_figures_count(campaign, tree):
    import io

    import docx

    from baocao.apps.campaigns.consolidation import report_docx

    data, subtree = report_docx(campaign, tree.province)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    counted = subtree.rollup.counted[tree.province.path]
    expected = subtree.rollup.expected[tree.province.path]
    assert f"Số liệu tổng hợp từ {counted}/{expected} báo cáo đã duyệt" in text
    data, _subtree = report_docx(campaign, tree.province, include_submitted=True)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "báo cáo đã gửi hoặc đã duyệt" in text


def test_the_xlsx_says_what_its_totals_count(campaign, tree):
    import io

    import openpyxl

    from baocao.apps.campaigns.consolidation import indicators_xlsx

    data, _subtree = indicators_xlsx(campaign, tree.province)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert any(t.startswith("Số liệu tổng hợp từ") and "đã duyệt" in t for t in texts)


def test_pasted_word_text_comes_out_as_word_lists_a_merged_table_and_flat_xlsx(campaign, tree):
    """Issue 15: a section pasted from Word, saved, then written by the consolidated DOCX (real
    Word lists, a bordered table with its merged header) and the XLSX (cells joined by " | ")."""
    from pathlib import Path

    from docx.oxml.ns import qn

    from baocao.apps.campaigns.consolidation import indicators_xlsx, report_docx

    pasted = Path(__file__).resolve().parents[1] / "fixtures" / "paste" / "word_clipboard.html"
    from django.contrib.auth import get_user_model

    province = Report.objects.get(campaign=campaign, unit=tree.province)
    admin = get_user_model().objects.get(username="quantri")
    actions.save_section(province, "P1/II/1", pasted.read_text(encoding="utf-8"), 0, admin)

    data, _subtree = report_docx(campaign, tree.province)
    document = Document(io.BytesIO(data))
    items = [
        (p.text, p._p.pPr.numPr.ilvl.val)
        for p in document.paragraphs
        if p._p.pPr is not None and p._p.pPr.numPr is not None
    ]
    assert items[:4] == [
        ("Tổ chức 45 hội nghị quán triệt", 0),
        ("ở cấp huyện", 1),
        ("ở cơ sở", 1),
        ("Ban hành 12 văn bản", 0),
    ]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Số liệu so sánh")
    header = table._tbl.tr_lst[0]
    assert header.tc_lst[0].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "3"
    assert table._tbl.tblPr.find(qn("w:tblBorders")) is not None

    data, _subtree = indicators_xlsx(campaign, tree.province)
    sheet = load_workbook(io.BytesIO(data))["Nội dung"]
    rows = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "Đoàn viên | 18.200 | 27.850" in rows["1"].split("\n")
