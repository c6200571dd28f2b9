"""The history's comparison of two stored texts (`baocao.richdiff`): lines as lines, a table as
one unit shown as a table, its changed cells marked, everything through the sanitiser."""

from baocao.richdiff import Change, changed_blocks, has_formatting, table_html
from baocao.richtext import MAX_COMPARED_LINES, TableBlock, changed_lines, section_blocks

TABLE = (
    "<p>Kết quả</p><table><thead><tr><th>Chỉ tiêu</th><th>2017</th></tr></thead>"
    "<tbody><tr><td><strong>CĐCS</strong></td><td>960</td></tr></tbody></table>"
)


def test_lines_are_compared_as_the_history_always_did():
    before, after = "<p>Một</p><p>Hai</p>", "<p>Một</p><ul><li>Ba</li></ul><ol><li>Bốn</li></ol>"
    assert changed_blocks(before, after) == [
        Change("removed", "Hai"),
        Change("added", "- Ba"),
        Change("added", "1. Bốn"),
    ]
    assert [(c.kind, c.line) for c in changed_blocks(before, after)] == changed_lines(before, after)
    assert changed_blocks(TABLE, TABLE) == []


def test_a_changed_table_is_shown_as_the_table_it_was_and_the_one_it_became():
    changes = changed_blocks(TABLE, TABLE.replace("960", "961"))
    assert [(c.kind, c.line) for c in changes] == [
        ("removed", "Chỉ tiêu | 2017\nCĐCS | 960"),
        ("added", "Chỉ tiêu | 2017\nCĐCS | 961"),
    ]
    removed, added = changes
    assert removed.table == (
        "<table><thead><tr><th>Chỉ tiêu</th><th>2017</th></tr></thead><tbody><tr>"
        "<td><strong>CĐCS</strong></td><td><del>960</del></td></tr></tbody></table>"
    )
    assert "<td><ins>961</ins></td>" in added.table and "<del>" not in added.table
    assert "<strong>CĐCS</strong>" in added.table  # unchanged cells as they read


def test_merged_cells_show_with_their_span():
    table = (
        "<table><tbody><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></tbody></table>"
    )
    merged = table.replace("<td>a</td><td>b</td>", '<td colspan="2">a b</td>')
    removed, added = changed_blocks(table, merged)
    assert '<td colspan="2"><ins>a b</ins></td>' in added.table
    assert "<td>c</td><td>d</td>" in added.table  # unchanged row, unmarked
    assert "<td><del>a</del></td><td><del>b</del></td>" in removed.table


def test_a_new_table_is_shown_whole_unmarked():
    (change,) = changed_blocks("<p>Kết quả</p>", TABLE)
    assert change.kind == "added" and change.table.startswith("<table><thead>")
    assert "<ins>" not in change.table


def test_shown_tables_keep_only_the_allow_list():
    (block,) = section_blocks(
        '<table><tr><td colspan="2" style="x" onclick="y()">a &lt;script&gt;</td></tr></table>'
    )
    assert isinstance(block, TableBlock)
    shown = table_html(block)
    assert shown == '<table><tbody><tr><td colspan="2">a &lt;script&gt;</td></tr></tbody></table>'


def test_the_comparison_gives_up_past_the_cap_counting_table_rows():
    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(MAX_COMPARED_LINES + 1))
    assert changed_blocks("<p>x</p>", f"<table><tbody>{rows}</tbody></table>") is None


def test_formatting_is_what_lines_would_lose():
    assert not has_formatting("<p>Một</p><ul><li>Hai</li></ul>")
    assert has_formatting("<p><strong>Một</strong></p>")
    assert has_formatting(TABLE)
    assert not has_formatting("")
