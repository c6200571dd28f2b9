"""Property: any outline tree, written out in any of the numbering habits seen in real
documents, imports back into the same tree."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from baocao.outline.numbering import to_roman
from baocao.outline.parse_text import parse_text

WORDS = [
    "công",
    "đoàn",
    "đoàn",
    "viên",
    "người",
    "lao",
    "động",
    "kết",
    "quả",
    "thực",
    "hiện",
    "nghị",
    "quyết",
    "tình",
    "hình",
    "triển",
    "khai",
    "đánh",
    "giá",
    "phong",
    "trào",
    "thi",
    "đua",
    "giải",
    "pháp",
    "nhiệm",
    "vụ",
    "chính",
    "sách",
    "pháp",
    "luật",
    "doanh",
    "nghiệp",
    "cơ",
    "sở",
    "chất",
    "lượng",
    "tổ",
    "chức",
    "tuyên",
    "truyền",
    "giáo",
    "dục",
    "quyền",
    "lợi",
    "hợp",
    "pháp",
    "đời",
    "sống",
    "việc",
    "làm",
]
ORDINALS = ["nhất", "hai", "ba", "tư", "năm", "sáu"]
LETTERS = "abcdđeghiklmn"


@dataclass
class Node:
    title: str
    guidance: list[str] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


def phrase(min_words: int, max_words: int):
    return st.lists(st.sampled_from(WORDS), min_size=min_words, max_size=max_words).map(
        lambda words: " ".join(words).capitalize()
    )


sentence = phrase(4, 12).map(lambda text: text + ".")


def nodes(depth: int):
    children = st.just([]) if depth == 0 else st.lists(nodes(depth - 1), max_size=3)
    return st.builds(
        Node,
        title=phrase(2, 8),
        guidance=st.lists(sentence, max_size=2),
        prompts=st.lists(phrase(3, 10), max_size=3),
        children=children,
    )


# Each numbering family renders the n-th (1-based) number of a level, given the parent's number.
FAMILIES = {
    "part": [
        lambda n, _: f"Phần thứ {ORDINALS[n - 1]}",
        lambda n, _: f"PHẦN THỨ {ORDINALS[n - 1].upper()}",
        lambda n, _: f"Phần {to_roman(n)}",
    ],
    "roman": [lambda n, _: f"{to_roman(n)}.", lambda n, _: f"{to_roman(n)}-"],
    "arabic": [lambda n, _: f"{n}.", lambda n, _: f"{n}-", lambda n, _: f"{n})"],
    "multi": [lambda n, parent: f"{parent}.{n}-", lambda n, parent: f"{parent}.{n}."],
    "letter": [lambda n, _: f"{LETTERS[n - 1]})", lambda n, _: f"{LETTERS[n - 1]}."],
}


@st.composite
def numbering_schemes(draw, levels: int = 3):
    """A family and a rendering per level; "multi" only directly under "arabic"."""
    first = draw(st.sampled_from(["part", "roman", "arabic", "letter"]))
    chosen = [first]
    while len(chosen) < levels:
        options = [f for f in ("roman", "arabic", "letter") if f not in chosen]
        if chosen[-1] == "arabic":
            options.append("multi")
        chosen.append(draw(st.sampled_from(options)))
    return [(family, draw(st.sampled_from(FAMILIES[family]))) for family in chosen]


def render(roots, scheme, draw_space, bullet) -> str:
    lines = ["ĐỀ CƯƠNG BÁO CÁO", "Tổng kết thực hiện nghị quyết", ""]

    def emit(node: Node, level: int, n: int, parent_number: str) -> None:
        family, fmt = scheme[level]
        number = fmt(n, parent_number)
        if family == "part":
            lines.extend([number, node.title])
        else:
            lines.append(f"{number}{draw_space()}{node.title}")
        lines.append("")
        for text in node.guidance:
            lines.extend([f"{draw_space()}{text}", ""])
        for text in node.prompts:
            lines.append(f"{bullet}{draw_space()}{text}")
        lines.append("")
        for i, child in enumerate(node.children, start=1):
            emit(child, level + 1, i, number.strip(".-)"))

    for i, root in enumerate(roots, start=1):
        emit(root, 0, i, "")
    return "\n".join(lines)


def shape(sections) -> list:
    return [(s.title, s.guidance, s.prompts, shape(s.children)) for s in sections]


def expected(nodes_: list[Node]) -> list:
    return [(n.title, n.guidance, n.prompts, expected(n.children)) for n in nodes_]


@settings(max_examples=150, deadline=None)
@given(
    roots=st.lists(nodes(2), min_size=1, max_size=4),
    scheme=numbering_schemes(),
    spaces=st.lists(st.sampled_from(["", " ", "  ", "\t"]), min_size=1),
    bullet=st.sampled_from(["-", "- ", "+", "•", "–"]),
)
def test_rendered_outline_imports_back_to_the_same_tree(roots, scheme, spaces, bullet):
    cycle = iter(spaces * 1000)

    def space() -> str:
        return next(cycle, " ")

    # A heading needs a separator between number and title except after "." / "-" / ")".
    text = render(roots, scheme, space, bullet)
    outline = parse_text(text)
    assert outline.title == "Tổng kết thực hiện nghị quyết"
    assert shape(outline.sections) == expected(roots)
    assert outline.warnings == []
