"""Issue 12's CLI contract, end to end: a guidance document stored with `outline add`, shown as
JSON with its indicators, opened as a campaign for a root unit, consolidated to a DOCX."""

from __future__ import annotations

import json

import docx
import pytest
from office_files import CT05_LINES, guidance_docx
from typer.testing import CliRunner

from baocao.apps.orgs.models import UnitKind
from baocao.cli import app

pytestmark = pytest.mark.django_db


LINES = CT05_LINES


def guidance(tmp_path):
    path = tmp_path / "huong-dan.docx"
    path.write_bytes(
        guidance_docx(
            LINES,
            [
                ("TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2019", "Năm 2024", "Ghi chú"),
                ("1", "Số đoàn viên", "người", "", "", "Mục I.1"),
                ("2", "Số cuộc đối thoại", "cuộc", "", "", ""),
            ],
        )
    )
    return path


def test_add_show_open_consolidate(tmp_path, tree, django_user_model):
    django_user_model.objects.create_superuser("quantri", password="mat-khau-quan-tri-1")
    runner = CliRunner()
    added = runner.invoke(app, ["outline", "add", str(guidance(tmp_path)), "--slug", "ct05"])
    assert added.exit_code == 0, added.output
    assert added.stdout.strip().splitlines()[-1] == "ct05"

    shown = runner.invoke(app, ["outline", "show", "ct05", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    contract = json.loads(shown.stdout)
    first = contract["sections"][0]["children"][0]
    assert [(i["code"], i["name"], i["unit"]) for i in first["indicators"]] == [
        ("doan_vien", "Số đoàn viên", "người")
    ]
    assert [i["name"] for i in contract["indicators"]] == ["Số cuộc đối thoại"]  # at the root

    opened = runner.invoke(
        app,
        ["campaign", "open", "--outline", "ct05", "--root", tree.province.code,
         "--kinds", UnitKind.DISTRICT, "--deadline", "2030-06-30", "--slug", "ct05-2024"],
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    out = tmp_path / "tong-hop.docx"
    made = runner.invoke(
        app,
        ["consolidate", "--campaign", "ct05-2024", "--unit", tree.province.code, "-o", str(out)],
    )
    assert made.exit_code == 0, made.output
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "1. Phát triển đoàn viên" in text and "II. PHƯƠNG HƯỚNG" in text.upper()


def test_show_says_what_it_cannot_find(tmp_path):
    result = CliRunner().invoke(app, ["outline", "show", "khong-co"])
    assert result.exit_code == 2 and "Không có tệp hay đề cương đã lưu" in result.output


def test_add_refuses_a_taken_slug(tmp_path, tree):
    runner = CliRunner()
    path = guidance(tmp_path)
    assert runner.invoke(app, ["outline", "add", str(path), "--slug", "ct05"]).exit_code == 0
    other = tmp_path / "khac.txt"
    other.write_text("Đề cương khác\nI. Một\n", encoding="utf-8")
    result = runner.invoke(app, ["outline", "add", str(other), "--slug", "ct05"])
    assert result.exit_code == 2 and "đã được dùng" in result.output


def test_units_added_after_opening_get_their_report_once(tmp_path, tree, django_user_model):
    from baocao.apps.audit.models import AuditEntry
    from baocao.apps.campaigns.models import Campaign
    from baocao.apps.orgs.models import Unit

    django_user_model.objects.create_superuser("quantri", password="mat-khau-quan-tri-1")
    runner = CliRunner()
    runner.invoke(app, ["outline", "add", str(guidance(tmp_path)), "--slug", "ct05"])
    runner.invoke(
        app,
        ["campaign", "open", "--outline", "ct05", "--root", tree.province.code,
         "--kinds", UnitKind.GRASSROOTS, "--deadline", "2030-06-30", "--slug", "ct05-2024"],
    )  # fmt: skip
    campaign = Campaign.objects.get(slug="ct05-2024")
    before = campaign.reports.count()
    Unit.objects.create(
        code="KT-DH-09", name="CĐCS mới", kind=UnitKind.GRASSROOTS, parent=tree.dakha
    )
    Unit.objects.create(code="GL-PK-09", name="CĐCS tỉnh khác", kind=UnitKind.GRASSROOTS,
                        parent=tree.other_district)  # fmt: skip
    result = runner.invoke(
        app, ["campaign", "add-units", "--campaign", "ct05-2024", "--root", "KT"]
    )
    assert result.exit_code == 0, result.output
    assert "Đã thêm 1 đơn vị" in result.output
    assert campaign.reports.count() == before + 1
    assert campaign.reports.filter(unit__code="KT-DH-09").exists()
    again = runner.invoke(app, ["campaign", "add-units", "--campaign", "ct05-2024", "--root", "KT"])
    assert "Đã thêm 0 đơn vị" in again.output and campaign.reports.count() == before + 1
    assert AuditEntry.objects.filter(action="campaign.add_units").count() == 1
    outside = runner.invoke(
        app, ["campaign", "add-units", "--campaign", "ct05-2024", "--root", "GL"]
    )
    assert outside.exit_code == 1 and "không thuộc" in outside.output


def test_add_a_text_outline_with_its_indicators_from_an_xlsx(tmp_path):
    """`outline add FILE.txt --indicators FILE.xlsx`: the sections from the text, the catalogue
    from the workbook (a guidance-style table), attached by its references."""
    import openpyxl

    text = tmp_path / "de-cuong.txt"
    text.write_text("\n".join(LINES[:5]), encoding="utf-8")
    book = openpyxl.Workbook()
    for row in [
        ("TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2019", "Năm 2024", "Ghi chú"),
        ("1", "Số đoàn viên", "người", None, None, "Mục I.1"),
        ("2", "Số cuộc đối thoại", "cuộc", None, None, "Mục I.2"),
    ]:
        book.active.append(row)
    sheet = tmp_path / "chi-tieu.xlsx"
    book.save(sheet)
    runner = CliRunner()

    added = runner.invoke(
        app, ["outline", "add", str(text), "--indicators", str(sheet), "--slug", "ct05-txt"]
    )

    assert added.exit_code == 0, added.output
    shown = json.loads(
        runner.invoke(app, ["outline", "show", "ct05-txt", "--format", "json"]).stdout
    )
    result = shown["sections"][0]["children"]
    assert [i["name"] for i in result[0]["indicators"]] == ["Số đoàn viên"]
    assert [(i["name"], i["unit"]) for i in result[1]["indicators"]] == [
        ("Số cuộc đối thoại", "cuộc")
    ]


def test_add_refuses_an_indicators_file_it_cannot_read(tmp_path):
    text = tmp_path / "de-cuong.txt"
    text.write_text("\n".join(LINES[:5]), encoding="utf-8")
    broken = tmp_path / "chi-tieu.xlsx"
    broken.write_bytes(b"not a workbook")

    added = CliRunner().invoke(app, ["outline", "add", str(text), "--indicators", str(broken)])

    assert added.exit_code == 2, added.output
    assert "chi-tieu.xlsx" in added.output
