"""The outline editor's changes (issue 12): each leaves the outline whole or says, in
Vietnamese, what to do instead; section ids never change."""

from __future__ import annotations

import pytest

from baocao.errors import InputError
from baocao.indicators.catalogue import Indicator, Rule
from baocao.outline import editing
from baocao.outline.builtin import load_builtin
from baocao.outline.model import Footnote
from baocao.outline.parse_text import parse_text
from baocao.outline.serialize import dump_yaml

TEXT = """ĐỀ CƯƠNG SƠ KẾT
I. Kết quả
1. Phát triển đoàn viên
2. Thương lượng tập thể
II. Phương hướng
"""


@pytest.fixture
def outline():
    return parse_text(TEXT)


def shape(outline) -> list[tuple[str, int]]:
    return [(section.id, depth) for section, depth in outline.walk()]


def test_a_section_is_added_where_asked_with_an_id_nobody_has(outline):
    after = editing.add_section(outline, number="3", title="Đối thoại", after_id="I/2")
    under = editing.add_section(outline, number="1", title="Mục tiêu", parent_id="II")
    root = editing.add_section(outline, number="III", title="Kiến nghị")
    again = editing.add_section(outline, number="1", title="Mục tiêu khác", parent_id="II")
    assert shape(outline) == [
        ("I", 0), ("I/1", 1), ("I/2", 1), ("I/3", 1), ("II", 0), ("II/1", 1), ("II/1-2", 1),
        ("III", 0),
    ]  # fmt: skip
    assert (after.id, under.id, root.id, again.id) == ("I/3", "II/1", "III", "II/1-2")
    assert outline.section("I/3").label == "3. Đối thoại"
    with pytest.raises(InputError, match="Hãy nhập tên mục"):
        editing.add_section(outline, number="4", title=" ", parent_id="I")
    with pytest.raises(InputError, match="Không tìm thấy mục"):
        editing.add_section(outline, number="4", title="X", parent_id="khong-co")


def test_sections_move_up_down_in_and_out_keeping_their_ids(outline):
    editing.move_section(outline, "I/2", "up")
    assert shape(outline)[:3] == [("I", 0), ("I/2", 1), ("I/1", 1)]
    editing.move_section(outline, "I/2", "down")
    editing.move_section(outline, "I/2", "in")  # under 1.
    assert shape(outline)[:3] == [("I", 0), ("I/1", 1), ("I/2", 2)]
    editing.move_section(outline, "I/2", "out")
    editing.move_section(outline, "I/2", "out")  # now a root section after I
    assert shape(outline) == [("I", 0), ("I/1", 1), ("I/2", 0), ("II", 0)]
    assert editing.checked(outline).section("I/2").title == "Thương lượng tập thể"


@pytest.mark.parametrize(
    ("section_id", "how", "words"),
    [
        ("I", "up", "đã ở đầu"),
        ("II", "down", "đã ở cuối"),
        ("I/1", "in", "không có mục nào ở trên"),
        ("I", "out", "đã ở cấp cao nhất"),
        ("I", "sideways", "Không hiểu cách chuyển"),
    ],
)
def test_a_move_that_cannot_be_made_is_explained(outline, section_id, how, words):
    before = dump_yaml(outline)
    with pytest.raises(InputError, match=words):
        editing.move_section(outline, section_id, how)
    assert dump_yaml(outline) == before


def test_a_section_is_edited_with_its_prompts_and_footnotes(outline):
    editing.update_section(
        outline,
        "I/1",
        number="1",
        title="Phát triển đoàn viên, thành lập CĐCS",
        guidance=["Đánh giá kết quả.", "So sánh với năm 2019."],
        prompts=["Số đoàn viên kết nạp", "+ trong doanh nghiệp ngoài nhà nước"],
        footnotes=[Footnote("Kế hoạch 14/KH-LĐLĐ", "title"), Footnote("Hướng dẫn 05", "prompt:1")],
    )
    section = editing.checked(outline).section("I/1")
    assert section.title == "Phát triển đoàn viên, thành lập CĐCS"
    assert section.prompts[1] == "+ trong doanh nghiệp ngoài nhà nước"
    assert [(f.text, f.anchor) for f in section.footnotes] == [
        ("Kế hoạch 14/KH-LĐLĐ", "title"),
        ("Hướng dẫn 05", "prompt:1"),
    ]
    with pytest.raises(InputError, match="Chú thích 1 gắn vào gợi ý không còn"):
        editing.update_section(
            outline, "I/1", number="1", title="x", guidance=[], prompts=[],
            footnotes=[Footnote("Hướng dẫn 05", "prompt:1")],
        )  # fmt: skip
    with pytest.raises(InputError, match="số thứ tự hoặc tên"):
        editing.update_section(
            outline, "I/1", number="", title="", guidance=[], prompts=[], footnotes=[]
        )


def test_deleting_a_section_keeps_its_indicators_in_the_catalogue():
    outline = load_builtin()
    codes = outline.section("P1/II/1").indicators
    detached = editing.delete_section(outline, "P1/II/1")
    assert detached == codes
    checked = editing.checked(outline)
    assert {i.code for i in checked.indicators} >= set(codes)
    with pytest.raises(KeyError):
        checked.section("P1/II/1")


def test_the_last_root_section_cannot_be_deleted():
    outline = parse_text("ĐỀ CƯƠNG\nI. Một mục\n")
    with pytest.raises(InputError, match="ít nhất một mục"):
        editing.delete_section(outline, "I")


def test_an_indicator_is_added_with_a_code_from_its_name_and_attached(outline):
    added = editing.put_indicator(
        outline, Indicator("", "Số đoàn viên", "người"), ["I/1"], new=True
    )
    assert added.code == "doan_vien"
    women = Indicator("doan_vien_nu", "Số đoàn viên nữ", "người", part_of="doan_vien")
    editing.put_indicator(outline, women, ["I/1", "II"], new=True)
    editing.put_indicator(outline, Indicator("doan_vien", "Số đoàn viên", "người"), ["I/2"])
    checked = editing.checked(outline)
    assert checked.section("I/1").indicators == ["doan_vien_nu"]
    assert checked.section("I/2").indicators == ["doan_vien"]
    assert checked.section("II").indicators == ["doan_vien_nu"]
    with pytest.raises(InputError, match="đã có trong danh mục"):
        editing.put_indicator(outline, women, [], new=True)
    with pytest.raises(InputError, match="Không có mục “X9”"):
        editing.put_indicator(outline, women, ["X9"])
    with pytest.raises(InputError, match="Không tìm thấy chỉ tiêu"):
        editing.put_indicator(outline, Indicator("khong_co", "x", "người"), [])


def test_an_indicator_something_reads_is_not_deleted():
    outline = load_builtin()
    with pytest.raises(InputError) as refused:
        editing.delete_indicator(outline, "members")
    message = refused.value.message
    assert "tỷ lệ “Tỷ lệ đoàn viên trên tổng số CNVCLĐ”" in message
    assert "quy tắc “members <= workers”" in message
    assert "(là một phần của nó)" in message and "Hãy sửa hoặc xoá" in message
    editing.delete_indicator(outline, "average_income")  # read by nothing
    checked = editing.checked(outline)
    assert "average_income" not in {i.code for i in checked.indicators}
    assert all("average_income" not in s.indicators for s, _ in checked.walk())


def test_rules_are_built_from_a_comparison_and_checked_against_the_catalogue():
    outline = load_builtin()
    count = len(outline.rules)
    expr = editing.rule_expression("members_women", ">=", "0")
    editing.add_rule(outline, Rule(expr, "soft", "Số nữ không âm"))
    assert editing.rule_expression("", ">=", "0") == ">= 0"
    with pytest.raises(InputError, match="đã có"):
        editing.add_rule(outline, Rule(">= 0"))
    with pytest.raises(InputError, match="không có trong danh mục"):
        editing.add_rule(outline, Rule("member <= workers"))
    with pytest.raises(InputError, match="phép so sánh"):
        editing.rule_expression("members", "!=", "workers")
    assert len(editing.checked(outline).rules) == count + 1
    assert editing.delete_rule(outline, count).expr == expr
    with pytest.raises(InputError, match="Không tìm thấy quy tắc"):
        editing.delete_rule(outline, 999)


def test_years_are_both_given_in_order_or_none(outline):
    editing.set_years(outline, 2019, 2024)
    assert outline.years == {"baseline": 2019, "current": 2024}
    editing.set_years(outline, None, None)
    assert outline.years == {}
    with pytest.raises(InputError, match="cả năm gốc và năm hiện tại"):
        editing.set_years(outline, 2019, None)
    with pytest.raises(InputError, match="phải trước năm hiện tại"):
        editing.set_years(outline, 2024, 2019)


def test_checked_refuses_an_outline_whose_catalogue_does_not_hold():
    outline = load_builtin()
    outline.indicators[0] = Indicator(outline.indicators[0].code, "Số", "người", rollup="ratio")
    with pytest.raises(InputError, match="là tỷ lệ nhưng thiếu"):
        editing.checked(outline)


def test_a_footnote_the_importer_could_not_place_is_attached_by_hand(outline):
    outline.footnotes = [
        Footnote("Kế hoạch 14/KH-LĐLĐ", "unanchored"),
        Footnote("Khác", "unanchored"),
    ]
    editing.adopt_footnotes(outline, "I/2", [0])
    checked = editing.checked(outline)
    assert [(f.text, f.anchor) for f in checked.section("I/2").footnotes] == [
        ("Kế hoạch 14/KH-LĐLĐ", "title")
    ]
    assert [f.text for f in checked.footnotes] == ["Khác"]
