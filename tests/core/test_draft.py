"""The first draft says the rolled-up figures in Vietnamese and passes its own number check."""

from decimal import Decimal

from baocao.consolidate.crosscheck import check_numbers
from baocao.consolidate.draft import figure_sentences
from baocao.outline.builtin import load_builtin

YEARS = (2008, 2017)
VALUES = {
    "members": {2008: Decimal(10000), 2017: Decimal(12345)},
    "new_members": {2017: Decimal(780)},
    "strikes": {2008: Decimal(3), 2017: Decimal(1)},
    "unionisation_rate": {2008: Decimal("84.9"), 2017: Decimal("89.2")},
    "members_women": {2008: Decimal(5000), 2017: Decimal(5000)},
}


def test_sentences_read_like_a_report():
    outline = load_builtin()
    sentences = figure_sentences(outline.indicators, VALUES, YEARS)
    assert "Toàn tỉnh có 12.345 đoàn viên, tăng 2.345 (23,5%) so với năm 2008." in sentences
    assert "Toàn tỉnh có 780 đoàn viên kết nạp mới." in sentences
    assert (
        "Toàn tỉnh có 1 cuộc đình công, ngừng việc tập thể, giảm 2 (66,7%) so với năm 2008."
        in sentences
    )
    assert any(
        s.startswith("Tỷ lệ đoàn viên trên tổng số CNVCLĐ đạt 89,2%, tăng 4,3 điểm")
        for s in sentences
    )
    assert "Toàn tỉnh có 5.000 đoàn viên nữ, bằng năm 2008." in sentences


def test_the_draft_passes_its_own_number_check():
    outline = load_builtin()
    text = " ".join(figure_sentences(outline.indicators, VALUES, YEARS))
    findings = check_numbers(text, outline.indicators, VALUES, YEARS)
    assert findings, "the check must read the draft's numbers"
    assert [f for f in findings if not f.agrees] == []
