"""The rich-text editor (TipTap, vendored) in a real Chromium: a clipboard made the way Word
makes one (bold, a bulleted list with a nested level, a numbered list, a 3×3 table) pasted into
a section keeps its structure through the autosave and a reload, and what is stored is the
sanitised format; the toolbar is reachable from the keyboard and fits a 390-px phone; the
page's CSP is kept (no inline style, no <style> element)."""

import io

import docx
import pytest
from playwright.sync_api import expect

from baocao.apps.campaigns.models import SectionText

from . import report_steps
from .editor_steps import expect_lines, text_box, write
from .report_steps import report_path
from .samples import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTION = "P1/I/1"
SAVE_WAIT = 8_000

# What Word puts on the clipboard as text/html (trimmed): list items are paragraphs with
# "mso-list", their bullets and numbers spans with "mso-list:Ignore"; Office namespaces, fonts,
# classes and widths everywhere.
WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta name=Generator content="Microsoft Word 15"><style><!--
p.MsoNormal {margin:0cm; font-family:"Times New Roman";}
--></style></head><body lang=VI style='tab-interval:36.0pt'><!--StartFragment-->
<p class=MsoNormal><b><span lang=VI style='font-size:14.0pt'>Kết quả nổi bật</span></b><span
lang=VI style='font-size:14.0pt'> trong năm 2017.<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if
!supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span></span><![endif]><span
lang=VI>Tuyên truyền Nghị quyết<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:72.0pt;mso-list:l0 level2 lfo1'><![if
!supportLists]><span style='font-family:"Courier New"'><span style='mso-list:Ignore'>o<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span></span><![endif]><span
lang=VI>Học tập chuyên đề<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:72.0pt;mso-list:l0 level2 lfo1'><![if
!supportLists]><span style='font-family:"Courier New"'><span style='mso-list:Ignore'>o<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span></span><![endif]><span
lang=VI>Hội nghị <i>cán bộ</i> chủ chốt<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if
!supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span></span><![endif]><span
lang=VI>Phát triển đoàn viên<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l1 level1 lfo2'><![if
!supportLists]><span><span style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New
Roman"'>&nbsp;&nbsp; </span></span></span><![endif]><span lang=VI>Bước một<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:72.0pt;mso-list:l1 level2 lfo2'><![if
!supportLists]><span><span style='mso-list:Ignore'>a.<span style='font:7.0pt "Times New
Roman"'>&nbsp;&nbsp; </span></span></span><![endif]><span lang=VI>Chi tiết<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l1 level1 lfo2'><![if
!supportLists]><span><span style='mso-list:Ignore'>2.<span style='font:7.0pt "Times New
Roman"'>&nbsp;&nbsp; </span></span></span><![endif]><span lang=VI>Bước hai<o:p></o:p></span></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0
 style='border-collapse:collapse;border:none;mso-yfti-tbllook:1184'>
 <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'>
  <td width=208 valign=top style='width:155.8pt;border:solid windowtext 1.0pt'><p
  class=MsoNormal><b>Chỉ tiêu<o:p></o:p></b></p></td>
  <td width=208 valign=top style='width:155.8pt;border:solid windowtext 1.0pt'><p
  class=MsoNormal><b>Năm 2008<o:p></o:p></b></p></td>
  <td width=208 valign=top style='width:155.8pt;border:solid windowtext 1.0pt'><p
  class=MsoNormal><b>Năm 2017<o:p></o:p></b></p></td>
 </tr>
 <tr style='mso-yfti-irow:1'>
  <td width=208 valign=top><p class=MsoNormal>Đoàn viên<o:p></o:p></p></td>
  <td width=208 valign=top><p class=MsoNormal>10.000<o:p></o:p></p></td>
  <td width=208 valign=top><p class=MsoNormal>12.345<o:p></o:p></p></td>
 </tr>
 <tr style='mso-yfti-irow:2;mso-yfti-lastrow:yes'>
  <td width=208 valign=top><p class=MsoNormal>CĐCS<o:p></o:p></p></td>
  <td width=208 valign=top><p class=MsoNormal>900<o:p></o:p></p></td>
  <td width=208 valign=top><p class=MsoNormal>960<o:p></o:p></p></td>
 </tr>
</table>
<!--EndFragment--></body></html>"""

PASTE = """([box, html]) => {
  box.focus();
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "Kết quả nổi bật trong năm 2017.");
  box.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


# Each violation said in the console with the element it was about (the console's own line
# names only the script).
VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) => console.log(
  "Refused to (" + event.violatedDirective + ") on " +
  (event.target && event.target.outerHTML ? event.target.outerHTML.slice(0, 200) : "")))"""


def section(page, section_id=SECTION):
    return report_steps.section(page, section_id)


def test_a_word_clipboard_keeps_bold_nested_lists_and_a_table_through_save_and_reload(
    new_page, log_in, live_server, report, writer, screenshots
):
    page = new_page(390, 844)  # a phone
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} @ {m.location}")
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(VIOLATIONS)
    path = report_path(report)
    log_in(page, writer.username, PASSWORD, next_path=path)
    first = section(page)
    box = text_box(first)
    expect(box).to_be_visible()
    expect(first.locator("textarea[name=text]")).to_be_hidden()
    expect(first.locator("input[name=format]")).to_have_value("html")

    page.evaluate(PASTE, [box.element_handle(), WORD_HTML])
    expect(box.locator("strong").first).to_have_text("Kết quả nổi bật")
    expect(box.locator("ul > li > ul > li")).to_have_count(2)
    expect(box.locator("table tr")).to_have_count(3)
    expect(first.locator(".editor__status")).to_contain_text("Đã lưu lúc", timeout=SAVE_WAIT)

    stored = SectionText.objects.get(report=report, section_id=SECTION).text
    assert "<p><strong>Kết quả nổi bật</strong> trong năm 2017.</p>" in stored, stored
    assert (
        "<ul><li>Tuyên truyền Nghị quyết<ul><li>Học tập chuyên đề</li>"
        "<li>Hội nghị <em>cán bộ</em> chủ chốt</li></ul></li><li>Phát triển đoàn viên</li></ul>"
    ) in stored, stored
    # Word numbered the inner list "a.": it stays lettered
    assert (
        '<ol><li>Bước một<ol type="a"><li>Chi tiết</li></ol></li><li>Bước hai</li></ol>' in stored
    )
    assert stored.count("<table>") == 1 and stored.count("<tr>") == 3, stored
    assert stored.count("<td>") + stored.count("<th>") == 9, stored
    assert "<th>Chỉ tiêu</th>" in stored or "<td><strong>Chỉ tiêu</strong></td>" in stored
    for dropped in ("mso", "class=", "style=", "o:p", "·", "Symbol", "width"):
        assert dropped not in stored, (dropped, stored)

    # The unit's DOCX, as the browser downloads it: Word lists and a Word table, not text.
    answer = page.request.get(f"{live_server.url}{path}tai-ve.docx")
    assert answer.ok, answer.status
    body = docx.Document(io.BytesIO(answer.body()))
    listed = [p for p in body.paragraphs if p._p.xpath("./w:pPr/w:numPr")]
    assert {p.text for p in listed} >= {"Học tập chuyên đề", "Bước một", "Chi tiết"}
    levels = {p.text: p._p.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")[0] for p in listed}
    assert levels["Tuyên truyền Nghị quyết"] == "0" and levels["Học tập chuyên đề"] == "1"
    word_table = next(t for t in body.tables if "Chỉ tiêu" in t.rows[0].cells[0].text)
    assert len(word_table.rows) == 3 and len(word_table.columns) == 3

    # Reload: the editor shows the stored structure, and nothing is taken for unsaved work.
    page.reload()
    first = section(page)
    box = text_box(first)
    expect(box.locator("strong").first).to_have_text("Kết quả nổi bật")
    expect(box.locator("ul > li > ul > li")).to_have_count(2)
    expect(box.locator("ol > li > ol > li")).to_have_text("Chi tiết")
    expect(box.locator("table tr")).to_have_count(3)
    expect(box.locator("table tr").nth(1).locator("td, th")).to_have_count(3)
    expect(page.locator(".restore")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshots / "rich-editor-phone.png"), full_page=False)

    # The keyboard: Escape leaves the text for the toolbar, whose buttons are named.
    box.click()
    page.keyboard.press("Escape")
    bold = first.get_by_role("button", name="Chữ đậm (Ctrl+B)")
    expect(bold).to_be_focused()
    page.keyboard.press("ArrowRight")  # the toolbar is one tab stop; arrows move along it
    expect(first.get_by_role("button", name="Chữ nghiêng (Ctrl+I)")).to_be_focused()
    page.keyboard.press("End")
    expect(first.get_by_role("button", name="Làm lại (Ctrl+Y)")).to_be_focused()
    page.keyboard.press("Tab")  # on to the text
    expect(box).to_be_focused()
    toolbar = first.get_by_role("toolbar", name="Định dạng nội dung")
    for name in (
        "Chữ nghiêng (Ctrl+I)",
        "Gạch chân (Ctrl+U)",
        "Danh sách đánh số",
        "Chèn bảng 3×3",
    ):
        expect(toolbar.get_by_role("button", name=name)).to_be_visible()
    toolbar_box = toolbar.bounding_box()
    assert toolbar_box["x"] >= 0 and toolbar_box["x"] + toolbar_box["width"] <= 390, toolbar_box

    # Typing with the toolbar: a bold word in a new line, a numbered list, saved.
    box.click()
    box.press("ControlOrMeta+End")
    page.keyboard.press("Enter")
    page.keyboard.press("ControlOrMeta+b")
    page.keyboard.type("Tổng kết")
    expect(first.get_by_role("button", name="Chữ đậm (Ctrl+B)")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(first.locator(".editor__status")).to_contain_text("phiên bản 2", timeout=SAVE_WAIT)
    assert (
        "<strong>Tổng kết</strong>"
        in SectionText.objects.get(report=report, section_id=SECTION).text
    )
    assert not problems, problems


def test_typed_lines_become_paragraphs_and_bullets(
    browser_page, log_in, live_server, report, writer
):
    page = browser_page
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    first = section(page)
    write(first, "Dòng một có dấu < và &.\n- Ý thứ nhất\nÝ thứ hai")
    expect(first.locator(".editor__status")).to_contain_text("Đã lưu lúc", timeout=SAVE_WAIT)
    stored = SectionText.objects.get(report=report, section_id=SECTION).text
    assert (
        stored
        == "<p>Dòng một có dấu &lt; và &amp;.</p><ul><li>Ý thứ nhất</li><li>Ý thứ hai</li></ul>"
    )
    expect_lines(first, "Dòng một có dấu < và &.\n- Ý thứ nhất\n- Ý thứ hai")


# What LibreOffice Writer puts on the clipboard (trimmed): real lists, but a nested list beside
# its item rather than in it; bold as <b> or as a styled span; a heading; <font> everywhere.
LIBREOFFICE_HTML = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN"><html><head>
<meta name="generator" content="LibreOffice 7.4.7.2 (Linux)"/><style type="text/css">
p { line-height: 115%; margin-bottom: 0.25cm }</style></head><body lang="vi-VN" dir="ltr">
<h2 class="western"><font face="Liberation Serif">Phần mở đầu</font></h2>
<p style="margin-bottom: 0cm"><span style="font-weight: bold">Đoàn viên</span> tăng đều.</p>
<ul><li><p style="margin-bottom: 0cm">Khu vực nhà nước</p></li>
<ul><li><p style="margin-bottom: 0cm">Giáo dục</p></li></ul>
<li><p style="margin-bottom: 0cm">Ngoài nhà nước</p></li></ul>
<table width="100%" cellpadding="4" cellspacing="0"><col width="128*"/><col width="128*"/>
<tr valign="top"><td style="border: 1px solid #000000"><p><b>Năm</b></p></td>
<td style="border: 1px solid #000000"><p><b>Số</b></p></td></tr>
<tr valign="top"><td style="border: 1px solid #000000"><p>2017</p></td>
<td style="border: 1px solid #000000"><p>1.234</p></td></tr></table>
</body></html>"""


def test_a_libreoffice_clipboard_keeps_its_nesting(
    browser_page, log_in, live_server, report, writer
):
    page = browser_page
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    first = section(page)
    box = text_box(first)
    expect(box).to_be_visible()
    page.evaluate(PASTE, [box.element_handle(), LIBREOFFICE_HTML])
    expect(first.locator(".editor__status")).to_contain_text("Đã lưu lúc", timeout=SAVE_WAIT)
    stored = SectionText.objects.get(report=report, section_id=SECTION).text
    assert stored.startswith("<h4>Phần mở đầu</h4><p><strong>Đoàn viên</strong> tăng đều.</p>")
    assert (
        "<ul><li>Khu vực nhà nước<ul><li>Giáo dục</li></ul></li><li>Ngoài nhà nước</li></ul>"
        in stored
    ), stored
    assert stored.count("<tr>") == 2 and "1.234" in stored, stored
