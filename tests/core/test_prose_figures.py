"""Figures proposed from sentences (issue 15, item 5): what each number counts and for which
year, changes, totals over a period and other numbers left alone, units converted; proposals
kept apart from the table figures, never stored by the ingest itself."""

from __future__ import annotations

from decimal import Decimal

import docx
import pytest
from office_files import to_bytes

from baocao.ingest import ingest_docx
from baocao.ingest.prose import ProseReader, propose
from baocao.outline.builtin import load_builtin

OUTLINE = load_builtin()
READER = ProseReader(list(OUTLINE.indicators), [2008, 2017])


def read(text: str) -> set[tuple[str, int, Decimal]]:
    return {(f.code, f.year, f.value) for f in READER.read(text)}


@pytest.mark.parametrize(
    "sentence, figures",
    [
        ("Đến nay toàn huyện có 2.315 đoàn viên.", {("members", 2017, Decimal(2315))}),
        (
            "Năm 2008 có 1.904 CNVCLĐ; hiện nay có 2.560 CNVCLĐ.",
            {("workers", 2008, Decimal(1904)), ("workers", 2017, Decimal(2560))},
        ),
        # The most specific name wins: new members, not members; women, not members.
        ("Năm 2017 kết nạp 140 đoàn viên.", {("new_members", 2017, Decimal(140))}),
        ("Hiện có 880 đoàn viên nữ.", {("members_women", 2017, Decimal(880))}),
        # Attendances need "lượt"; things their own word.
        (
            "Năm 2017 tổ chức 45 buổi tuyên truyền với 3.900 lượt CNVCLĐ tham dự.",
            {
                ("propaganda_sessions", 2017, Decimal(45)),
                ("propaganda_attendees", 2017, Decimal(3900)),
            },
        ),
        ("Năm 2008 xảy ra 2 vụ tranh chấp lao động.", {("labour_disputes", 2008, Decimal(2))}),
        # The year after the number, and in a bracket.
        (
            "Năm 2017 có 77 sáng kiến được công nhận, so với 30 sáng kiến năm 2008.",
            {("initiatives", 2017, Decimal(77)), ("initiatives", 2008, Decimal(30))},
        ),
        (
            "Thu nhập bình quân đạt 6,4 triệu đồng/người/tháng (năm 2008: 2,5 triệu đồng).",
            {("average_income", 2017, Decimal("6.4")), ("average_income", 2008, Decimal("2.5"))},
        ),
        # A list item without a noun of its own borrows the item's before it.
        (
            "Đến nay có 410 đoàn viên có trình độ đại học trở lên, 95 cao đẳng.",
            {("members_university", 2017, Decimal(410)), ("members_college", 2017, Decimal(95))},
        ),
    ],
)
def test_what_a_number_counts_and_for_which_year(sentence, figures):
    assert read(sentence) == figures


@pytest.mark.parametrize(
    "sentence",
    [
        "Số đoàn viên tăng 312 người (33,4%) so với năm 2008.",  # a change, its percentage
        "Giai đoạn 2008 - 2017 đã kết nạp 820 đoàn viên.",  # a total over the period
        "Trong 10 năm đã hỗ trợ 25 nhà “Mái ấm Công đoàn”.",
        "Từ năm 2008 đến nay đã thành lập mới 16 CĐCS.",
        "Năm 2012 toàn huyện có 1.150 đoàn viên.",  # a year between the campaign's
        "Bình quân mỗi CĐCS có 35 đoàn viên.",  # an average
        "Có khoảng 300 đoàn viên tham gia.",  # an approximation
        "Thực hiện Kế hoạch số 25/KH-LĐLĐ ngày 05/8/2014 của LĐLĐ tỉnh.",  # document, date
        "Duy trì tủ sách pháp luật tại 30 CĐCS.",  # where, not how many
        "Trường có 32 lớp học với 1.150 học sinh.",  # classes of a school, no training
        "Hội thi lần thứ 3 thu hút đông đảo đoàn viên.",  # a rank
    ],
)
def test_numbers_that_are_no_figure_of_the_year(sentence):
    assert read(sentence) == set()


def test_money_in_another_unit_is_converted_and_said():
    (figure,) = READER.read("Năm 2017 có 48 sáng kiến, làm lợi 1,25 tỷ đồng.")[1:]
    assert (figure.code, figure.value, figure.written) == (
        "initiatives_value",
        1250,
        "1,25 tỷ đồng",
    )
    assert "Đã đổi 1,25 tỷ đồng thành 1.250 triệu đồng" in figure.note
    (income,) = READER.read("Năm 2008 thu nhập bình quân là 2.200.000 đồng/người/tháng.")
    assert (income.code, income.year, income.value) == ("average_income", 2008, Decimal("2.2"))
    # A rate per person and month is only an income, even in a clause that does not say so.
    assert read(
        "Thu nhập bình quân năm 2017 đạt 6,2 triệu đồng/người/tháng; năm 2008 là 2.600.000 "
        "đồng/người/tháng."
    ) == {("average_income", 2017, Decimal("6.2")), ("average_income", 2008, Decimal("2.6"))}


def test_a_proposal_carries_its_sentence_section_and_confidence():
    sentence = "Năm 2017 Công đoàn giới thiệu 12 đoàn viên ưu tú cho Đảng."
    (figure,) = READER.read(f"{sentence} Đây là kết quả tốt.", section="P1/II/4/4.2")
    assert figure.sentence == sentence and figure.section == "P1/II/4/4.2"
    assert figure.code == "members_introduced_to_party" and 0.45 <= figure.confidence <= 1
    assert figure.to_json()["value"] == "12"
    # Said without a year: the current year, less surely.
    (undated,) = READER.read("Công đoàn giới thiệu 12 đoàn viên ưu tú cho Đảng.")
    assert undated.year == 2017 and undated.confidence < figure.confidence


def test_a_proposal_the_table_already_gives_is_not_repeated_and_one_it_contradicts_is_said():
    paragraphs = [("Đến nay có 2.315 đoàn viên, 41 CĐCS.", "P1/II/1")]
    tables = {"members": {2017: Decimal(2315)}, "grassroots_unions": {2017: Decimal(40)}}
    (figure,) = propose(READER, paragraphs, tables)
    assert figure.code == "grassroots_unions" and "Bảng số liệu trong tệp ghi 40" in figure.note


def test_proposals_are_kept_apart_from_the_table_figures():
    document = docx.Document()
    document.add_paragraph().add_run(
        "1. Tình hình về đoàn viên, CNVCLĐ, tổ chức công đoàn"
    ).bold = True
    document.add_paragraph("Năm 2008 có 1.210 đoàn viên; đến nay có 1.630 đoàn viên.")
    result = ingest_docx(to_bytes(document), OUTLINE)
    assert result.indicators == {}  # nothing is a figure until a person accepts it
    assert {(p.code, p.year, p.value, p.section) for p in result.proposals} == {
        ("members", 2008, Decimal(1210), "P1/II/1"),
        ("members", 2017, Decimal(1630), "P1/II/1"),
    }
    assert list(result.to_json()) == ["sections", "indicators", "unassigned", "warnings"]
    assert len(result.to_json(details=True)["proposals"]) == 2


def test_a_file_of_endless_numbered_lines_is_read_only_so_far_and_says_so(monkeypatch):
    monkeypatch.setattr("baocao.ingest.prose.MAX_PARAGRAPHS", 2)
    monkeypatch.setattr("baocao.ingest.docx.MAX_PARAGRAPHS", 2)
    document = docx.Document()
    for members in (100, 200, 300):
        document.add_paragraph(f"Năm 2017 có {members} đoàn viên.")
    result = ingest_docx(to_bytes(document), OUTLINE)
    assert {p.value for p in result.proposals} == {100, 200}
    assert any("chỉ được đọc ở 2 đoạn đầu" in w for w in result.warnings)
