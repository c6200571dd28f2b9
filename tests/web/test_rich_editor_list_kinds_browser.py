"""A numbered list's kind of number ("a)", "I.") and an item's manual line breaks survive the
rich editor (TipTap's ordered list keeps its `type`), and the page draws letters and Roman
numerals (issue 15: Word round trip gaps in lists)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import SectionText

from . import report_steps
from .editor_steps import append, text_box
from .report_steps import report_path
from .samples import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTION = "P1/I/1"
STORED = (
    '<ol type="a"><li>Mở 31 lớp bồi dưỡng;<br>trong đó 12 lớp cho nữ'
    '<ol type="I"><li>cấp huyện</li></ol></li><li>Tổ chức 12 hội thi</li></ol>'
)


def test_the_rich_editor_keeps_a_lists_kind_of_number_and_its_line_breaks(
    new_page, log_in, live_server, report, writer
):
    actions.save_section(report, SECTION, STORED, 0, writer)
    page = new_page(1280, 900)
    path = report_path(report)
    log_in(page, writer.username, PASSWORD, next_path=path)
    first = report_steps.section(page, SECTION)
    box = text_box(first)
    expect(box.locator('ol[type="a"] > li')).to_have_count(2)
    expect(box.locator('ol[type="a"] > li ol[type="I"] > li')).to_have_text("cấp huyện")
    # What the browser draws: letters and Roman numerals, not 1, 2.
    styles = box.locator("ol").evaluate_all(
        "lists => lists.map(list => getComputedStyle(list).listStyleType)"
    )
    assert styles == ["lower-alpha", "upper-roman"]

    append(first, " và 3 cuộc thi")
    edited = STORED.replace("12 hội thi", "12 hội thi và 3 cuộc thi")
    stored = ""
    for _ in range(40):  # the editor saves on its own, a moment after the last key
        stored = SectionText.objects.get(report=report, section_id=SECTION).text
        if stored != STORED:
            break
        page.wait_for_timeout(250)
    assert stored == edited


def test_the_editor_numbers_lines_as_the_server_does(new_page, log_in, report, writer):
    """The lines the page shows for rich text (conflict panel, copies on the device) number a
    list as richtext.editable_lines does, so an unchanged text is never taken for an edit."""
    from baocao.richtext import editable_lines

    page = new_page(1280, 900)
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    shown = page.evaluate("html => window.BaocaoRich.lines(html)", STORED + "<ol><li>x</li></ol>")
    assert shown == editable_lines(STORED + "<ol><li>x</li></ol>")
    assert shown.splitlines()[0].startswith("a) ")
