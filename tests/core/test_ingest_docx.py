"""A unit's Word report mapped onto the outline: headings found however they are typed, every
paragraph kept with its section or shown as unassigned, figures read from the tables."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from office_files import to_bytes

from baocao import libreoffice
from baocao.docx_in import read_docx
from baocao.docx_out import Header, ReportDocument, render_docx
from baocao.ingest import ingest_docx, ingest_file
from baocao.outline.builtin import load_builtin

OUTLINE = load_builtin()
REPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "reports"


def report(*blocks) -> bytes:
    """A document from ("b", text) bold, ("p", text) plain, ("h2", text) heading style,
    ("t", rows) table blocks."""
    document = docx.Document()
    for kind, content in blocks:
        if kind == "t":
            table = document.add_table(rows=0, cols=len(content[0]))
            for texts in content:
                for cell, text in zip(table.add_row().cells, texts, strict=True):
                    cell.text = text
        elif kind.startswith("h"):
            document.add_heading(content, int(kind[1:]))
        else:
            document.add_paragraph().add_run(content).bold = kind == "b" or None
    return to_bytes(document)


def test_the_official_report_maps_back_onto_its_sections_and_figures():
    texts = {
        "P1/I/1": "<p>Ban Thường vụ đã chủ động tham mưu cho Huyện ủy.</p>"
        "<ul><li>Tổ chức 12 hội nghị quán triệt;</li><li>Ban hành 8 văn bản.</li></ul>",
        "P1/II/1": "<p>Đến năm 2017 có 3.990 đoàn viên.</p>",
        "P2/3": "<p>Đề nghị Tổng Liên đoàn hỗ trợ kinh phí.</p>",
    }
    values = {
        "members": {2008: Decimal(2870), 2017: Decimal(3990)},
        "members_women": {2017: Decimal(1850)},
        "grassroots_unions": {2008: Decimal(92), 2017: Decimal(118)},
        "labour_disputes": {2008: Decimal(3), 2017: Decimal(0)},
    }
    header = Header("LĐLĐ tỉnh Kon Tum", "LĐLĐ huyện Đắk Hà", "27/BC-LĐLĐ", "Đắk Hà",
                    datetime.date(2017, 12, 15))  # fmt: skip
    data = render_docx(
        ReportDocument(OUTLINE, header, section_texts=texts, indicator_values=values, charts=False)
    )
    result = ingest_docx(data, OUTLINE, name="dak_ha.docx")
    assert result.sections == texts
    assert result.indicators == values
    assert len(result.headings) == sum(1 for _ in OUTLINE.walk())
    assert "BÁO CÁO" in result.front_matter and "CHỦ TỊCH" in result.front_matter
    # The appendix repeats the figures: its title has no section, and says so.
    assert result.unassigned[0] == "PHỤ LỤC"


def test_headings_typed_bold_without_numbers_diacritics_or_with_typos():
    data = report(
        ("b", "TINH HINH TRIEN KHAI THUC HIEN NGHI QUYET"),
        ("b", "Cong tac chi dao va tham muu cho cap uy, chinh quyen"),
        ("p", "Ban Thường vụ đã tham mưu cho cấp ủy ban hành chương trình hành động."),
        ("b", "Tình hình triển khia thực hiện Nghị quyết ở các cấp công đoàn"),
        ("p", "Các CĐCS tổ chức học tập Nghị quyết cho đoàn viên."),
        ("b", "Bài học kinh nhiệm"),
        ("p", "Phải bám sát cơ sở."),
    )
    result = ingest_docx(data, OUTLINE)
    assert result.sections == {
        "P1/I/1": "<p>Ban Thường vụ đã tham mưu cho cấp ủy ban hành chương trình hành động.</p>",
        "P1/I/2": "<p>Các CĐCS tổ chức học tập Nghị quyết cho đoàn viên.</p>",
        "P1/III/4": "<p>Phải bám sát cơ sở.</p>",
    }
    assert set(result.headings) == {"P1/I", "P1/I/1", "P1/I/2", "P1/III/4"}


def test_renumbered_sections_follow_their_titles_not_their_numbers():
    data = report(
        ("b", "II. KẾT QUẢ ĐẠT ĐƯỢC"),
        ("b", "1. Tình hình đoàn viên, CNVCLĐ, tổ chức công đoàn"),
        ("p", "Số đoàn viên tăng."),
        ("b", "2. Kết quả thực hiện các nhiệm vụ, giải pháp"),  # II.3 left out: 4 became 2
        ("b", "2.1. Công tác tuyên truyền giáo dục"),
        ("p", "Tổ chức 40 buổi tuyên truyền."),
    )
    result = ingest_docx(data, OUTLINE)
    assert result.sections == {
        "P1/II/1": "<p>Số đoàn viên tăng.</p>",
        "P1/II/4/4.1": "<p>Tổ chức 40 buổi tuyên truyền.</p>",
    }
    assert "P1/II/4" in result.headings and "P1/II/2" not in result.headings


def test_merged_heading_keeps_its_text_in_the_first_section_and_says_so():
    data = report(
        ("b", "III. ĐÁNH GIÁ CHUNG"),
        ("b", "1. Ưu điểm"),
        ("p", "Nhận thức được nâng lên."),
        ("b", "2. Tồn tại, hạn chế và nguyên nhân"),
        ("p", "Phát triển đoàn viên còn chậm do doanh nghiệp nhỏ."),
    )
    result = ingest_docx(data, OUTLINE)
    assert (
        result.sections["P1/III/2"] == "<p>Phát triển đoàn viên còn chậm do doanh nghiệp nhỏ.</p>"
    )
    assert "P1/III/3" not in result.sections
    assert any("gộp cả mục" in w and "Nguyên nhân" in w for w in result.warnings)


def test_a_section_of_the_units_own_and_text_before_the_first_heading_are_unassigned():
    data = report(
        ("p", "Thực hiện Hướng dẫn số 22/HD-LĐLĐ, LĐLĐ huyện báo cáo như sau:"),
        ("b", "I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT"),
        ("p", "Đã quán triệt Nghị quyết."),
        ("b", "II. KẾT QUẢ ĐẠT ĐƯỢC"),
        ("p", "Nhiều kết quả."),
        ("b", "III. MỘT SỐ HOẠT ĐỘNG KHÁC"),
        ("p", "Tổ chức giải bóng đá công nhân."),
    )
    result = ingest_docx(data, OUTLINE)
    assert result.sections == {
        "P1/I": "<p>Đã quán triệt Nghị quyết.</p>",
        "P1/II": "<p>Nhiều kết quả.</p>",
    }
    assert result.unassigned == [
        "Thực hiện Hướng dẫn số 22/HD-LĐLĐ, LĐLĐ huyện báo cáo như sau:",
        "III. MỘT SỐ HOẠT ĐỘNG KHÁC",
        "Tổ chức giải bóng đá công nhân.",
    ]
    assert any("không có trong đề cương" in w for w in result.warnings)


def test_sub_headings_of_the_unit_stay_in_their_section():
    data = report(
        ("b", "2. Tình hình triển khai thực hiện Nghị quyết ở các cấp công đoàn"),
        ("b", "a) Về học tập, quán triệt"),
        ("p", "Các CĐCS tổ chức học tập."),
        ("p", "- Lồng ghép trong sinh hoạt công đoàn;"),
        ("p", "+ Hội thi tìm hiểu pháp luật."),
        ("b", "b) Về kiểm tra"),
        ("p", "Kiểm tra 20 CĐCS."),
    )
    result = ingest_docx(data, OUTLINE)
    assert result.sections == {
        "P1/I/2": "<p><strong>a) Về học tập, quán triệt</strong></p><p>Các CĐCS tổ chức học "
        "tập.</p><ul><li>Lồng ghép trong sinh hoạt công đoàn;<ul><li>Hội thi tìm hiểu pháp "
        "luật.</li></ul></li></ul><p><strong>b) Về kiểm tra</strong></p><p>Kiểm tra 20 CĐCS.</p>"
    }


def test_heading_run_into_its_text_is_split():
    data = report(
        ("b", "III. ĐÁNH GIÁ ƯU ĐIỂM, HẠN CHẾ"),
        (
            "p",
            "1. Ưu điểm: Nhìn chung, việc thực hiện Nghị quyết được tiến hành nghiêm túc, "
            "đồng bộ ở các cấp công đoàn trong toàn huyện.",
        ),  # fmt: skip
    )
    result = ingest_docx(data, OUTLINE)
    assert result.sections == {
        "P1/III/1": "<p>Nhìn chung, việc thực hiện Nghị quyết được tiến hành nghiêm túc, đồng "
        "bộ ở các cấp công đoàn trong toàn huyện.</p>"
    }


def test_the_outlines_own_guidance_copied_into_a_report_is_not_imported():
    prompt = OUTLINE.section("P1/I/1").prompts[0]
    data = report(
        ("h2", "1. Đánh giá công tác chỉ đạo và tham mưu cho cấp ủy, chính quyền"),
        ("p", f"- {prompt}"),
        ("p", "Huyện ủy đã tổ chức 3 hội nghị quán triệt."),
    )
    result = ingest_docx(data, OUTLINE)
    assert result.sections == {"P1/I/1": "<p>Huyện ủy đã tổ chức 3 hội nghị quán triệt.</p>"}
    assert result.guidance == [f"- {prompt}"]


def test_a_table_that_is_not_a_figures_table_stays_with_its_section_as_a_table():
    data = report(
        ("b", "4.1. Công tác tuyên truyền giáo dục"),
        ("t", [["Giai đoạn", "Số lớp"], ["2008 - 2012", "31"], ["2013 - 2017", "42"]]),
    )
    result = ingest_docx(data, OUTLINE)
    assert result.sections == {
        "P1/II/4/4.1": "<table><tbody><tr><td>Giai đoạn</td><td>Số lớp</td></tr>"
        "<tr><td>2008 - 2012</td><td>31</td></tr><tr><td>2013 - 2017</td><td>42</td></tr>"
        "</tbody></table>"
    }
    assert result.indicators == {}


def test_figures_table_with_merged_cells_and_value_warnings():
    document = docx.Document()
    document.add_paragraph().add_run(
        "1. Tình hình về đoàn viên, CNVCLĐ, tổ chức công đoàn"
    ).bold = True
    table = document.add_table(rows=2, cols=4)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Chỉ tiêu"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Số liệu"
    table.cell(1, 1).text, table.cell(1, 2).text = "Năm 2008", "Năm 2017"
    table.cell(0, 3).merge(table.cell(1, 3)).text = "Ghi chú"
    for label, v08, v17, note in (
        ("Số đoàn viên", "2.870", "3.990", ""),
        ("Trong đó: nữ", "khoảng 1.200", "12,5%", "ước"),
        ("Số CĐCS", "N/A", "118", ""),
    ):
        for cell, text in zip(table.add_row().cells, (label, v08, v17, note), strict=True):
            cell.text = text
    result = ingest_docx(to_bytes(document), OUTLINE)
    assert result.indicators == {
        "members": {2008: Decimal(2870), 2017: Decimal(3990)},
        "members_women": {2008: Decimal(1200)},
        "grassroots_unions": {2017: Decimal(118)},
    }
    warned = {(n.code, n.year) for n in result.value_notes if n.severity == "warning"}
    assert warned == {("members_women", 2008), ("members_women", 2017), ("grassroots_unions", 2008)}
    assert result.sections == {}


def test_a_footnote_in_the_text_is_kept_beside_its_paragraph():
    document = docx.Document()
    document.add_paragraph().add_run("3. Nguyên nhân").bold = True
    paragraph = document.add_paragraph("Doanh nghiệp nhỏ, lao động thời vụ.")
    footnotes = (
        f'<w:footnotes {nsdecls("w")}><w:footnote w:id="1"><w:p><w:r><w:t>Theo số liệu của '
        "Sở Lao động.</w:t></w:r></w:p></w:footnote></w:footnotes>"
    )
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    part = Part(
        PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, footnotes.encode(), document.part.package
    )
    document.part.relate_to(part, RT.FOOTNOTES)
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="1"/></w:r>'))
    result = ingest_docx(to_bytes(document), OUTLINE)
    assert result.sections == {
        "P1/III/3": "<p>Doanh nghiệp nhỏ, lao động thời vụ.</p><p>(Theo số liệu của Sở Lao động.)</p>"
    }


def test_the_reader_sees_bold_lead_ins_merged_cells_and_properties():
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Ưu điểm:").bold = True
    paragraph.add_run(" nhìn chung tốt.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Gộp"
    table.cell(1, 0).text, table.cell(1, 1).text = "a", "b"
    content = read_docx(to_bytes(document))
    first, grid = content.blocks[0], content.blocks[1].grid()
    assert (first.bold, first.bold_prefix, first.text) == (
        False,
        "Ưu điểm:",
        "Ưu điểm: nhìn chung tốt.",
    )
    assert [[(c.text, c.merged) for c in row] for row in grid] == [
        [("Gộp", False), ("Gộp", True)],
        [("a", False), ("b", False)],
    ]
    assert content.properties == {}


def test_a_numbered_list_in_plain_text_is_not_taken_for_new_sections():
    data = report(
        ("b", "PHẦN THỨ HAI: PHƯƠNG HƯỚNG, NHIỆM VỤ"),
        ("b", "3. Những kiến nghị, đề xuất"),
        ("p", "4. Đề nghị Tỉnh ủy quan tâm thành lập tổ chức đảng trong doanh nghiệp."),
        ("p", "5. Đề nghị UBND tỉnh hỗ trợ nhà ở cho công nhân."),
    )
    result = ingest_docx(data, OUTLINE)
    assert result.sections == {
        "P2/3": "<p>4. Đề nghị Tỉnh ủy quan tâm thành lập tổ chức đảng trong doanh nghiệp.</p>"
        "<p>5. Đề nghị UBND tỉnh hỗ trợ nhà ở cho công nhân.</p>"
    }
    assert result.unassigned == []


def test_an_appendix_before_the_signature_keeps_the_signature_apart():
    data = report(
        ("b", "3. Những kiến nghị, đề xuất"),
        ("p", "Đề nghị hỗ trợ kinh phí."),
        ("b", "PHỤ LỤC"),
        ("t", [["Chỉ tiêu", "Năm 2008", "Năm 2017"], ["Số đoàn viên", "2.870", "3.990"]]),
        ("b", "TM. BAN THƯỜNG VỤ"),
        ("b", "CHỦ TỊCH"),
        ("p", "Nguyễn Thị Hoa"),
    )
    result = ingest_docx(data, OUTLINE)
    assert result.sections == {"P2/3": "<p>Đề nghị hỗ trợ kinh phí.</p>"}
    assert result.indicators == {"members": {2008: Decimal(2870), 2017: Decimal(3990)}}
    assert result.unassigned == ["PHỤ LỤC"]
    assert result.front_matter == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Nguyễn Thị Hoa"]


@pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice is not installed")
def test_an_odt_report_is_converted_by_libreoffice_and_mapped():
    source = (REPORTS / "13_thuy_dien.docx").read_bytes()
    odt = libreoffice.convert(source, "odt", suffix=".docx")
    result = ingest_file(odt, "bao_cao.odt", OUTLINE)
    direct = ingest_docx(source, OUTLINE)
    assert result.sections == direct.sections and result.indicators == direct.indicators
