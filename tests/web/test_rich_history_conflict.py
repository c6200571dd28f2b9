"""A formatted section text where two versions meet, without a browser: the history and the
changes since a return show a table as a table (changed cells marked), the conflict panel shows
theirs as it reads, and "Giữ bản của tôi" keeps the writer's formatting (bold, lists, a table
with merged cells) unless the writer changed the lines in the panel. All HTML shown passes
through the sanitiser."""

import re

import pytest

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import SectionText, SectionVersion

from .campaign_scenario import as_user, url

pytestmark = pytest.mark.django_db

SECTION = "P1/I/1"
HTMX = {"HTTP_HX_REQUEST": "true"}
TABLE = (
    "<p><strong>Kết quả</strong> năm 2017</p><table><tbody><tr><td>Chỉ tiêu</td><td>2017</td></tr>"
    "<tr><td>CĐCS</td><td>960</td></tr></tbody></table>"
)
MINE = (
    "<p><strong>Bản</strong> của tôi</p><ul><li><p>ý một</p></li></ul>"
    '<table><tbody><tr><td colspan="2"><p>Gộp</p></td></tr>'
    "<tr><td><p>a</p></td><td><p>b</p></td></tr></tbody></table>"
)
MINE_STORED = (
    "<p><strong>Bản</strong> của tôi</p><ul><li>ý một</li></ul>"
    '<table><tbody><tr><td colspan="2">Gộp</td></tr><tr><td>a</td><td>b</td></tr></tbody></table>'
)


def save(client, report, text, base_version, htmx=True, **extra):
    data = {"text": text, "base_version": base_version, **extra}
    return client.post(url("section_save", report, SECTION), data, **(HTMX if htmx else {}))


# --- History ---------------------------------------------------------------------------------


def test_the_history_shows_a_changed_table_as_tables_with_the_changed_cell_marked(
    client, school, people
):
    writer = people["school_writer"]
    actions.save_section(school, SECTION, TABLE, 0, writer)
    actions.save_section(school, SECTION, TABLE.replace("960", "961"), 1, writer)
    html = as_user(client, writer).get(url("section_history", school, SECTION)).content.decode()
    newest = html[: html.index('id="phien-ban-1"')]
    assert "CĐCS | 960" not in newest and "CĐCS | 961" not in newest  # no "a | b" lines
    assert re.search(
        r'<li class="diff__removed diff__table">.*?Bỏ: </span><div class="rs__text diff__tablebox">'
        r"<table><tbody><tr><td>Chỉ tiêu</td><td>2017</td></tr><tr><td>CĐCS</td>"
        r"<td><del>960</del></td></tr></tbody></table></div></li>",
        newest,
        re.S,
    ), newest
    assert "<td><ins>961</ins></td>" in newest
    # The first version: its table added whole, as a table; its paragraph as a line.
    oldest = html[html.index('id="phien-ban-1"') :]
    assert "Thêm: </span>Kết quả năm 2017</li>" in oldest
    assert '<li class="diff__added diff__table">' in oldest and "<ins>" not in oldest


def test_the_history_of_a_hostile_table_shows_only_the_allow_list(client, school, people):
    writer = people["school_writer"]
    hostile = (
        '<table><tr><td colspan="2" onclick="alert(1)" style="color:red">'
        "<script>alert(1)</script>a<img src=x onerror=alert(1)></td></tr></table>"
    )
    actions.save_section(school, SECTION, "<p>Trước</p>", 0, writer)
    actions.save_section(school, SECTION, hostile, 1, writer)
    html = as_user(client, writer).get(url("section_history", school, SECTION)).content.decode()
    assert "onclick" not in html and "onerror" not in html and "<script>alert" not in html
    assert '<table><tbody><tr><td colspan="2">a</td></tr></tbody></table>' in html


def test_the_changes_since_a_return_show_a_table_as_a_table(client, school, people):
    writer, reviewer = people["school_writer"], people["dakha_reviewer"]
    actions.save_section(school, SECTION, TABLE, 0, writer)
    actions.submit(school, writer, school.version)
    actions.return_report(school, reviewer, "Sửa số", {}, expected_version=school.version)
    actions.save_section(school, SECTION, TABLE.replace("960", "961"), 1, writer)
    html = as_user(client, reviewer).get(url("report_changes", school)).content.decode()
    assert "<td><del>960</del></td>" in html and "<td><ins>961</ins></td>" in html
    assert "CĐCS | 961" not in html


# --- The conflict panel ------------------------------------------------------------------------


def test_the_conflict_panel_shows_their_table_as_a_table_and_carries_my_html(
    client, school, people
):
    actions.save_section(school, SECTION, TABLE, 0, people["school_colleague"])
    as_user(client, people["school_writer"])
    response = save(client, school, MINE, 0, format="html")
    html = response.content.decode()
    assert response["HX-Reswap"] == "outerHTML"
    theirs = re.search(r'<div class="rs__text conflict__theirs"[^>]*>(.*?)</div>', html, re.S)
    assert theirs and theirs.group(1) == SectionText.objects.get(report=school).text
    assert "<table>" in theirs.group(1) and " | " not in theirs.group(1)
    # Mine: lines to edit, and the HTML beside them (escaped in the attribute), sanitised.
    assert 'name="text">Bản của tôi\n- ý một\nGộp\na | b</textarea>' in html
    hidden = re.search(r'<input type="hidden" name="mine_html" value="([^"]*)">', html)
    assert hidden and hidden.group(1) == MINE_STORED.replace("<", "&lt;").replace(
        ">", "&gt;"
    ).replace('"', "&quot;")
    assert "Xem bản của bạn có định dạng" in html and 'aria-describedby="mine-hint-' in html


def test_keeping_mine_after_a_conflict_keeps_its_html(client, school, people):
    actions.save_section(school, SECTION, TABLE, 0, people["school_colleague"])
    as_user(client, people["school_writer"])
    panel = save(client, school, MINE, 0, format="html").content.decode()
    lines = re.search(r'name="text">(.*?)</textarea>', panel, re.S).group(1)
    # The textarea sends its lines with CRLF; the HTML comes from the hidden field.
    response = save(
        client, school, lines.replace("\n", "\r\n"), 1, choice="mine", mine_html=MINE_STORED
    )
    assert response.status_code == 200
    newest = SectionVersion.objects.get(report=school, section_id=SECTION, version=2)
    assert newest.text == MINE_STORED
    assert newest.note == "Giữ bản của tôi sau khi trùng sửa"


def test_keeping_mine_sanitises_the_html_it_carries(client, school, people):
    actions.save_section(school, SECTION, "Bản của họ", 0, people["school_colleague"])
    as_user(client, people["school_writer"])
    sent = '<p onclick="x()"><strong>Bản</strong> của tôi<script>alert(1)</script></p>'
    save(client, school, "Bản của tôi", 1, choice="mine", mine_html=sent)
    stored = SectionText.objects.get(report=school, section_id=SECTION).text
    assert stored == "<p><strong>Bản</strong> của tôi</p>"


def test_lines_changed_in_the_panel_are_what_is_saved(client, school, people):
    actions.save_section(school, SECTION, "Bản của họ", 0, people["school_colleague"])
    as_user(client, people["school_writer"])
    save(client, school, "Bản của họ\nBản của tôi", 1, choice="merge", mine_html=MINE_STORED)
    stored = SectionText.objects.get(report=school, section_id=SECTION).text
    assert stored == "<p>Bản của họ</p><p>Bản của tôi</p>"


def test_a_second_conflict_still_carries_my_html(client, school, people):
    colleague = people["school_colleague"]
    actions.save_section(school, SECTION, "Bản của họ", 0, colleague)
    as_user(client, people["school_writer"])
    panel = save(client, school, MINE, 0, format="html").content.decode()
    lines = re.search(r'name="text">(.*?)</textarea>', panel, re.S).group(1)
    actions.save_section(school, SECTION, "Bản mới của họ", 1, colleague)  # meanwhile
    again = save(client, school, lines, 1, choice="mine", mine_html=MINE_STORED).content.decode()
    assert "Bản mới của họ" in again and 'name="mine_html"' in again
    save(client, school, lines, 2, choice="mine", mine_html=MINE_STORED)
    assert SectionText.objects.get(report=school, section_id=SECTION).text == MINE_STORED


def test_the_full_page_conflict_carries_my_html_too(client, school, people):
    actions.save_section(school, SECTION, TABLE, 0, people["school_colleague"])
    as_user(client, people["school_writer"])
    response = save(client, school, MINE, 0, htmx=False, format="html")
    assert response.status_code == 409
    html = response.content.decode()
    assert 'name="mine_html"' in html and "<td>CĐCS</td><td>960</td>" in html
