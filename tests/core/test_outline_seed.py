"""The seed outline (Đề cương tổng kết 10 năm NQ 20) imports into exactly the tree BRIEF describes."""

import re
import unicodedata

import pytest

from baocao.outline.model import Outline
from baocao.outline.parse_text import parse_text
from baocao.outline.serialize import dump_yaml, load_yaml, outline_to_dict


@pytest.fixture
def seed(seed_text) -> Outline:
    return parse_text(seed_text)


def children_numbers(outline: Outline, section_id: str) -> list[str]:
    return [child.number for child in outline.section(section_id).children]


def test_seed_has_two_parts_with_the_expected_headings(seed):
    assert [s.id for s in seed.sections] == ["P1", "P2"]
    assert seed.sections[0].number == "Phần thứ nhất"
    assert seed.sections[1].number == "PHẦN THỨ HAI"
    assert seed.sections[0].title.startswith("Đánh giá tình hình triển khai")
    assert seed.sections[1].title.startswith("Phương hướng, nhiệm vụ và giải pháp")
    assert children_numbers(seed, "P1") == ["I", "II", "III"]
    assert children_numbers(seed, "P1/I") == ["1", "2", "3"]
    assert children_numbers(seed, "P1/II") == ["1", "2", "3", "4"]
    assert children_numbers(seed, "P1/II/4") == ["4.1", "4.2", "4.3", "4.4"]
    assert children_numbers(seed, "P1/III") == ["1", "2", "3", "4"]
    assert children_numbers(seed, "P2") == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("section_id", "prompts"),
    [
        ("P1/I/1", 4),
        ("P1/I/2", 4),
        ("P1/II/4/4.1", 4),
        ("P1/II/4/4.2", 4),
        ("P1/II/4/4.3", 4),
        ("P1/II/4/4.4", 1),
        ("P2/3", 3),
    ],
)
def test_seed_prompt_counts(seed, section_id, prompts):
    assert len(seed.section(section_id).prompts) == prompts


def test_paragraphs_without_bullets_are_guidance(seed):
    assert seed.section("P1/II/4/4.4").guidance[0].startswith("Tổ chức đánh giá sâu, rộng")
    assert seed.section("P2/3").guidance == [
        "*Chú ý các kiến nghị cũng cần đề cập đến giải pháp về đường lối (Đảng); về cơ chế "
        "chính sách, nguồn lực đối với Nhà nước, Chính Phủ; với Tổng Liên đoàn…."
    ]
    assert len(seed.section("P1/III/1").guidance) == 2


def test_heading_and_guidance_on_one_line_are_split(seed):
    forecast = seed.section("P2/1")
    assert forecast.title == "Dự báo tình hình."
    assert forecast.guidance[0].startswith("Dự báo về số lượng, cơ cấu")
    members = seed.section("P1/II/1")
    assert members.title.endswith("sau 10 năm thực hiện Nghị quyết.")
    assert members.guidance[0].startswith("Nội dung: tập trung phản ánh")


def test_title_and_preamble(seed):
    assert seed.title.startswith("Tổng kết 10 năm thực hiện Nghị quyết số 20-NQ/TW")
    assert seed.preamble == [
        "ĐỀ CƯƠNG BÁO CÁO",
        "(kèm theo Hướng dẫn số: 22/HD-LĐLĐ ngày 7/7/2017 của LĐLĐ tỉnh).",
    ]


def test_five_footnotes_attached_as_brief_says(seed):
    placed = [
        (section.id, note.anchor, note.text[:30])
        for section, _ in seed.walk()
        for note in section.footnotes
    ]
    assert [(sid, anchor) for sid, anchor, _ in placed] == [
        ("P1/II/4/4.1", "title"),
        ("P1/II/4/4.1", "prompt:3"),
        ("P1/II/4/4.2", "title"),
        ("P1/II/4/4.3", "prompt:2"),
        ("P1/II/4/4.4", "title"),
    ]
    assert placed[1][2].startswith("Nội dung này phải được phân")
    assert "04/KH-LĐLĐ" in seed.section("P1/II/4/4.3").footnotes[0].text
    assert seed.section("P1/II/4/4.4").footnotes[0].text.endswith("..?...........")
    assert seed.footnotes == [] and seed.warnings == []


def test_lost_markers_leave_no_stray_brackets(seed):
    assert seed.section("P1/II/4/4.1").title.endswith("cho đoàn viên và người lao động.")
    assert seed.section("P1/II/4/4.2").title.endswith("xây dựng công đoàn vững mạnh.")
    last_bullet = seed.section("P1/II/4/4.1").prompts[3]
    assert "viên chức, lao động; những đầu tư, hỗ trợ" in last_bullet
    assert seed.section("P1/II/4/4.3").prompts[2].endswith("thoả ước lao động tập thể”.")


def test_decomposed_unicode_is_normalised_to_nfc(seed, seed_text):
    assert not unicodedata.is_normalized("NFC", seed_text)
    text = dump_yaml(seed)
    assert unicodedata.is_normalized("NFC", text)
    assert "Việt Nam thời kỳ đẩy mạnh CNH" in seed.section("P1/II/4/4.1").footnotes[0].text


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text))


def _output_words(outline: Outline) -> list[str]:
    parts = [outline.title, *outline.preamble]
    for section, _ in outline.walk():
        parts += [section.number, section.title, *section.guidance, *section.prompts]
        parts += [note.text for note in section.footnotes]
    parts += [note.text for note in outline.footnotes]
    return _words(" ".join(parts))


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    first = needle[0]
    return any(
        haystack[i : i + len(needle)] == needle for i, word in enumerate(haystack) if word == first
    )


def test_every_non_empty_line_of_the_seed_appears_in_the_output(seed, seed_text):
    output = _output_words(seed)
    missing = [
        line
        for line in seed_text.splitlines()
        if _words(line) and not _contains_run(output, _words(line))
    ]
    assert missing == []


def test_yaml_round_trip_is_identical(seed):
    text = dump_yaml(seed)
    assert dump_yaml(load_yaml(text)) == text
    assert outline_to_dict(load_yaml(text)) == outline_to_dict(seed)
