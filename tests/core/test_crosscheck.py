"""Numbers in a section's text are checked against its table, in Vietnamese and English styles."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from baocao.consolidate.crosscheck import check_numbers, mismatches
from baocao.indicators.numbers import format_number
from baocao.outline.builtin import load_builtin

YEARS = (2008, 2017)


@pytest.fixture(scope="module")
def catalogue():
    return load_builtin().indicators


def values(**figures):
    table = {}
    for key, value in figures.items():
        code, year = key.rsplit("_", 1)
        table.setdefault(code, {})[int(year)] = Decimal(value)
    return table


TABLE = values(
    members_2008=10000,
    members_2017=12345,
    new_members_2017=780,
    new_grassroots_unions_2017=19,
    members_women_2017=6100,
    workers_2017=13840,
    unionisation_rate_2017="89.2",
    collective_agreements_signed_2017=98,
)


def codes(findings):
    return [(f.code, f.year, f.written, f.agrees) for f in findings]


def test_matching_numbers_agree(catalogue):
    text = (
        "Toàn tỉnh có 12.345 đoàn viên, tăng 2.345 (23,4%) so với năm 2008; kết nạp mới "
        "780 đoàn viên, thành lập mới 19 CĐCS. Tỷ lệ đoàn viên đạt 89,2%."
    )
    found = codes(check_numbers(text, catalogue, TABLE, YEARS))
    assert ("members", 2017, Decimal(12345), True) in found
    assert ("members", None, Decimal(2345), True) in found  # "tăng 2.345": the change
    assert ("members", None, Decimal("23.4"), True) in found  # its "(23,4%)": 23,45 rounded
    assert ("new_members", 2017, Decimal(780), True) in found
    assert ("new_grassroots_unions", 2017, Decimal(19), True) in found
    assert ("unionisation_rate", 2017, Decimal("89.2"), True) in found
    assert mismatches(text, catalogue, TABLE, YEARS) == []


def test_a_wrong_number_is_reported_with_both_values(catalogue):
    text = "Đến cuối năm 2017, toàn tỉnh có 12.354 đoàn viên."
    [finding] = mismatches(text, catalogue, TABLE, YEARS)
    assert (finding.code, finding.year, finding.written, finding.expected) == (
        "members",
        2017,
        Decimal(12354),
        Decimal(12345),
    )
    message = finding.message(catalogue[2], YEARS)
    assert "12.354 đoàn viên" in message and "12.345" in message


def test_the_year_written_before_the_number_decides(catalogue):
    text = "Năm 2008 toàn tỉnh có 10.000 đoàn viên. Năm 2017 có 12.345 đoàn viên."
    found = codes(check_numbers(text, catalogue, TABLE, YEARS))
    assert found == [
        ("members", 2008, Decimal(10000), True),
        ("members", 2017, Decimal(12345), True),
    ]


def test_english_grouping_and_decimal_are_read(catalogue):
    text = "The province has 12,345 đoàn viên; tỷ lệ đoàn viên đạt 89.2%."
    assert mismatches(text, catalogue, TABLE, YEARS) == []
    assert len(check_numbers(text, catalogue, TABLE, YEARS)) == 2


def test_the_most_specific_name_wins_and_women_are_not_members(catalogue):
    text = "Có 6.100 đoàn viên nữ và 98 bản thoả ước lao động tập thể."
    found = codes(check_numbers(text, catalogue, TABLE, YEARS))
    assert found == [
        ("members_women", 2017, Decimal(6100), True),
        ("collective_agreements_signed", 2017, Decimal(98), True),
    ]


def test_dates_document_numbers_and_unnamed_numbers_are_left_alone(catalogue):
    text = (
        "Thực hiện Kế hoạch số 25/KH-LĐLĐ ngày 05/8/2014, tổ chức 45 hội nghị; "
        "giai đoạn 2013-2018 có nhiều chuyển biến."
    )
    assert check_numbers(text, catalogue, TABLE, YEARS) == []


def test_a_number_with_no_table_value_is_reported(catalogue):
    text = "Có 12 cuộc đình công, ngừng việc tập thể."
    [finding] = mismatches(text, catalogue, TABLE, YEARS)
    assert finding.code == "strikes" and finding.expected is None


FROZEN = Path(__file__).resolve().parents[1] / "fixtures" / "crosscheck" / "sentences.yaml"


def test_the_frozen_sentences_are_flagged_right():
    """Issue 13: at least 95% of flags right, on sentences written before the check changed."""
    data = yaml.safe_load(FROZEN.read_text(encoding="utf-8"))
    years = tuple(data["years"])
    values = {
        code: {int(y): Decimal(str(v)) for y, v in row.items()}
        for code, row in data["values"].items()
    }
    indicators = load_builtin().indicators
    raised = right = expected = 0
    for case in data["cases"]:
        wanted = {(str(n), code) for n, code in (case["flags"] or {}).items()}
        got = {
            (format_number(f.written), f.code)
            for f in mismatches(case["text"], indicators, values, years)
        }
        raised, right, expected = (
            raised + len(got),
            right + len(got & wanted),
            expected + len(wanted),
        )
    assert right / raised >= 0.95 and right / expected >= 0.8, (raised, right, expected)


def test_a_number_belongs_to_its_own_noun(catalogue):
    text = "Năm 2017 có 12.345 đoàn viên trên 13.900 CNVCLĐ."
    found = codes(check_numbers(text, catalogue, TABLE, YEARS))
    assert [code for code, *_ in found] == ["members", "workers"]


def test_excerpts_are_cut_at_word_boundaries(catalogue):
    text = "Trong những năm qua, công tác phát triển đoàn viên luôn được chú trọng: toàn tỉnh có 12.354 đoàn viên trong các đơn vị sự nghiệp công lập và doanh nghiệp."
    [finding] = mismatches(text, catalogue, TABLE, YEARS)
    words = set(text.split())
    assert all(word in words for word in finding.excerpt.split()), finding.excerpt


# --- numbers in a table of the text (issue 15) --------------------------------------------------

FIGURES_TABLE = (
    "<p>Kết quả:</p><table><thead><tr><th>TT</th><th>Chỉ tiêu</th><th>Năm 2008</th>"
    "<th>Năm 2017</th><th>Tăng/giảm</th><th>%</th></tr></thead><tbody>"
    "<tr><td>1</td><td>Số đoàn viên</td><td>10.000</td><td>12.354</td><td>2.345</td>"
    "<td>23,5</td></tr><tr><td>2</td><td>Thỏa ước lao động tập thể đã ký</td><td></td>"
    "<td>98</td><td></td><td></td></tr></tbody></table>"
)


def test_a_number_in_a_table_cell_is_read_with_its_row_and_column(catalogue):
    found = codes(check_numbers(FIGURES_TABLE, catalogue, TABLE, YEARS))
    assert found == [
        ("members", 2008, Decimal(10000), True),
        ("members", 2017, Decimal(12354), False),  # the table of figures says 12.345
        ("members", None, Decimal(2345), True),
        ("collective_agreements_signed", 2017, Decimal(98), True),
    ]
    (wrong,) = mismatches(FIGURES_TABLE, catalogue, TABLE, YEARS)
    assert wrong.excerpt == "Số đoàn viên 12.354 năm 2017"


def test_words_in_a_cell_are_a_sentence_of_their_own(catalogue):
    text = (
        "<table><tr><td>Năm 2017</td><td>Toàn tỉnh có 12.345 đoàn viên</td></tr>"
        "<tr><td>Kết nạp mới 780 đoàn viên</td><td>Năm 2008 có 10.000 đoàn viên</td></tr></table>"
    )
    found = codes(check_numbers(text, catalogue, TABLE, YEARS))
    assert found == [
        ("members", 2017, Decimal(12345), True),
        ("new_members", 2017, Decimal(780), True),
        ("members", 2008, Decimal(10000), True),
    ]
