"""Hostile input renders inert: script payloads in every text a user controls, on every page
that shows it, and spreadsheet formulas in every export.

Where the text comes from: unit names (a unit file), the outline (an imported YAML: title,
preamble, section ids and titles, guidance, prompts, footnotes, indicator names, units and
labels, a rule's message, warnings), the campaign's name, section texts (as HTML from the
editor and as typed lines), a text indicator's value and a refused figure, the reviewer's
reason and remarks, people's login and full names. Each page must show the text escaped (or,
for section texts, sanitised) and never the payload as markup; each export must keep a cell
starting with = + - @ as text.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html import escape as html_escape
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import Report
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.apps.orgs.services import import_units
from baocao.apps.outlines.models import OutlineDocument
from baocao.indicators.catalogue import Indicator, Rule
from baocao.outline.model import Footnote, Outline, Section
from baocao.outline.serialize import dump_yaml

from .outline_upload import import_outline

pytestmark = pytest.mark.django_db

XSS = (
    '<script>alert(1)</script><img src=x onerror=alert(1)>"><svg onload=alert(1)>'
    '<a href="javascript:alert(1)">bấm</a>{{ 7*7 }}'
)
# Each must never reach a page as it is.
RAW = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">',
]
FORMULAS = [
    '=HYPERLINK("http://example.com/x","bấm")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
FORMULA_MARKS = ("HYPERLINK", "cmd|", "SUM(1+1)")
HOSTILE_ID = 'P2"><script>alert(1)</script>'
TEXT_SECTION = "P1.II.4.1"
# A paragraph of a Word file: not like any outline text, or the ingest skips it as guidance.
WRITTEN = (
    "Năm 2017 công đoàn huyện tổ chức 12 lớp tập huấn <script>alert(1)</script> cho "
    '1.200 đoàn viên <img src=x onerror=alert(1)> tại các xã "><svg onload=alert(1)>.'
)


def hostile(text: str) -> str:
    return f"{text} {XSS}"


# --- what "inert" means --------------------------------------------------------------------


class _Inspector(HTMLParser):
    """Finds markup that would run: event handlers, javascript: URLs, scripts with payloads."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.live.append(f"<{tag} {name}={value!r}>")
            if name in self.URL_ATTRIBUTES and re.sub(r"\s", "", value).lower().startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                self.live.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.live.append("<img src=x>")
        self._script = tag == "script"

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and "alert(" in data:
            self.live.append(f"<script>{data}</script>")


def assert_inert(html: str, *shown: str) -> None:
    """No payload as markup anywhere; each of `shown` present as escaped text."""
    for payload in RAW:
        assert payload not in html, payload
    inspector = _Inspector()
    inspector.feed(html)
    assert not inspector.live, inspector.live
    for text in shown:
        assert escape(text) in html, text


def page(client, url: str, status: int = 200, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


# --- the hostile scene ---------------------------------------------------------------------


def hostile_outline() -> Outline:
    training = Section(
        id=TEXT_SECTION,
        number="4.1",
        title=hostile("Kết quả tuyên truyền"),
        guidance=[hostile("Hướng dẫn")],
        prompts=[hostile("Gợi ý"), "+ " + hostile("Gợi ý con")],
        footnotes=[Footnote(hostile("Chú thích tiêu đề"), "title")],
        indicators=["members", "members_women", "ghi_chu"],
    )
    return Outline(
        title=hostile(FORMULAS[0] + " Đề cương"),
        preamble=[hostile("Lời dẫn")],
        years={"baseline": 2008, "current": 2017},
        indicators=[
            Indicator("members", hostile(FORMULAS[3] + " Số đoàn viên"), "người"),
            Indicator(
                "members_women",
                hostile("Số đoàn viên nữ"),
                hostile("người"),
                part_of="members",
                label=hostile("Trong đó: nữ"),
            ),
            Indicator("ghi_chu", hostile("Ghi chú"), "chữ", type="text", rollup="none"),
        ],
        rules=[Rule("members_women <= members", "soft", hostile("Số nữ lớn hơn tổng số"))],
        sections=[
            Section(
                id="P1",
                number="Phần thứ nhất",
                title=hostile("Đánh giá"),
                children=[
                    Section(
                        id="P1.II",
                        number="II",
                        title=hostile("Kết quả"),
                        children=[training],
                    )
                ],
            ),
            Section(id=HOSTILE_ID, number="Phần thứ hai", title=FORMULAS[1] + " Phương hướng"),
        ],
        footnotes=[Footnote(hostile("Chú thích chung"), "unanchored")],
        warnings=[hostile("Cảnh báo")],
    )


def unit_file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "kind", "parent_code", "email"])
    writer.writerow(["KT-X", hostile(FORMULAS[0] + " LĐLĐ huyện"), "district", "KT", ""])
    writer.writerow(["KT-X-01", hostile(FORMULAS[1] + " CĐCS"), "grassroots", "KT-X", ""])
    writer.writerow(["KT-X-02", hostile(FORMULAS[2] + " CĐCS"), "grassroots", "KT-X", ""])
    writer.writerow(["KT-X-03", hostile(FORMULAS[3] + " CĐCS"), "grassroots", "KT-X", ""])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def scene(tree, member, client, django_user_model):
    import_units(unit_file(), "don-vi.csv")
    district = Unit.objects.get(code="KT-X")

    admin = django_user_model.objects.create_superuser("quantri", password=None)
    client.force_login(admin)
    data = dump_yaml(hostile_outline()).encode("utf-8")
    imported = import_outline(client, "de-cuong.yaml", data, follow=True)  # preview, confirm
    assert imported.status_code == 200
    outline_page = imported.content.decode()
    doc = OutlineDocument.objects.get()

    province = member("tinh", tree.province, "consolidator", "reviewer", "viewer")
    province.first_name = hostile("Cán bộ")
    province.save()
    writer = member("v" + XSS, district, "writer")
    campaign = actions.open_campaign(
        doc,
        tree.province,
        kinds=[UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.GRASSROOTS],
        deadline=timezone.localdate(),
        actor=province,
        name=hostile(FORMULAS[2] + " Đợt báo cáo"),
    )
    report = Report.objects.select_related("campaign", "unit").get(campaign=campaign, unit=district)
    # the editor's HTML (sanitised) and typed lines (kept as text), a figure that breaks the
    # soft rule (its message shows), a text indicator
    actions.save_section(report, TEXT_SECTION, f"<p>{hostile('Đoạn viết')}</p>", 0, writer)
    client.force_login(writer)
    typed = client.post(
        reverse("campaigns:section_save", args=[campaign.slug, "KT-X", HOSTILE_ID]),
        {"text": hostile("Dòng gõ") + "\n- " + hostile("Ý gõ"), "base_version": "0"},
    )
    assert typed.status_code == 302
    for code, raw in (("members", "10"), ("members_women", "12"), ("ghi_chu", XSS)):
        actions.save_indicator(report, code, 2017, raw, writer)
    actions.submit(report, writer, report.version)
    client.force_login(province)
    reviewing = page(client, reverse("campaigns:report", args=[campaign.slug, "KT-X"]))
    actions.return_report(
        report,
        province,
        hostile("Lý do trả lại"),
        {TEXT_SECTION: hostile("Nhận xét mục")},
        expected_version=report.version,
    )
    client.logout()
    return SimpleNamespace(
        campaign=campaign,
        report=report,
        district=district,
        province=province,
        writer=writer,
        admin=admin,
        outline_page=outline_page,
        reviewing_page=reviewing,
    )


# --- pages ---------------------------------------------------------------------------------


def test_the_outline_page_after_import_shows_every_outline_text_escaped(scene, client):
    outline = hostile_outline()
    texts = [
        outline.title,
        outline.preamble[0],
        outline.warnings[0],  # the import's warning, shown as a message
        hostile("Đánh giá"),
        hostile("Hướng dẫn"),
        hostile("Gợi ý"),
        hostile("Chú thích tiêu đề"),
        hostile("Chú thích chung"),
    ]
    assert_inert(scene.outline_page, *texts)
    client.force_login(scene.writer)
    doc = OutlineDocument.objects.get()
    assert_inert(page(client, doc.get_absolute_url()), *texts[:2], *texts[3:])
    assert_inert(page(client, reverse("outlines:list")), outline.title)


def test_the_report_page_shows_everything_escaped_or_sanitised(scene, client):
    client.force_login(scene.writer)
    html = page(client, reverse("campaigns:report", args=[scene.campaign.slug, "KT-X"]))
    assert_inert(
        html,
        scene.district.name,
        scene.campaign.name,
        hostile("Kết quả tuyên truyền"),
        hostile("Hướng dẫn"),
        hostile("Chú thích tiêu đề"),
        hostile("Trong đó: nữ"),
        hostile("người").replace("/", "/\u200b"),  # a unit breaks after each "/"
        hostile("Số nữ lớn hơn tổng số"),  # the soft rule's message
        hostile("Lý do trả lại"),
        hostile("Nhận xét mục"),
        hostile("Cán bộ"),  # who returned it
        XSS,  # the text indicator, in its input
        hostile("Dòng gõ"),  # typed lines stay text
    )
    # the editor's HTML was sanitised: the words stay, the markup and script are gone
    assert "Đoạn viết" in html
    assert "{{ 7*7 }}" in html


def test_the_report_page_of_the_reviewer_is_inert(scene):
    assert_inert(scene.reviewing_page, scene.district.name, hostile("Kết quả tuyên truyền"))


def test_a_refused_figure_comes_back_escaped(scene, client):
    client.force_login(scene.writer)
    url = reverse("campaigns:indicators_save", args=[scene.campaign.slug, "KT-X", TEXT_SECTION])
    response = client.post(url, {"v-members-2008": XSS, "o-v-members-2008": ""})
    assert response.status_code == 400
    assert_inert(response.content.decode(), XSS)
    one = reverse("campaigns:indicator_save", args=[scene.campaign.slug, "KT-X", "members", 2008])
    cell = client.post(f"{one}?muc={TEXT_SECTION}", {"v-members-2008": XSS}, HTTP_HX_REQUEST="true")
    assert cell.status_code == 200
    assert_inert(cell.content.decode(), XSS)


def test_the_history_page_is_inert(scene, client):
    client.force_login(scene.writer)
    for section_id, shown in ((TEXT_SECTION, "Đoạn viết"), (HOSTILE_ID, hostile("Dòng gõ"))):
        url = reverse("campaigns:section_history", args=[scene.campaign.slug, "KT-X", section_id])
        html = page(client, url)
        assert_inert(html, scene.district.name, "v" + XSS)  # the author's login name
        assert shown in html or escape(shown) in html


def test_the_conflict_page_shows_both_texts_escaped(scene, client):
    client.force_login(scene.writer)
    url = reverse("campaigns:section_save", args=[scene.campaign.slug, "KT-X", HOSTILE_ID])
    response = client.post(url, {"text": hostile("Bản của tôi"), "base_version": "0"})
    assert response.status_code == 409
    html = response.content.decode()
    assert_inert(html, hostile("Bản của tôi"))
    # Theirs is shown as it reads: sanitised HTML, its text escaped as text (quotes may stay).
    assert html_escape(hostile("Dòng gõ"), quote=False) in html


def test_the_dashboard_is_inert(scene, client):
    client.force_login(scene.province)
    html = page(client, reverse("campaigns:detail", args=[scene.campaign.slug]))
    assert_inert(
        html,
        scene.campaign.name,
        scene.district.name,
        Unit.objects.get(code="KT-X-01").name,
    )
    units = page(
        client,
        reverse("campaigns:detail", args=[scene.campaign.slug]) + "?q=" + XSS,
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="units",
    )
    assert_inert(units)


def test_the_consolidation_workspace_is_inert(scene, client):
    """The province gathers the district's texts: sanitised, with the unit's name escaped."""
    actions.submit(scene.report, scene.writer, scene.report.version)
    client.force_login(scene.province)
    url = reverse("campaigns:consolidate", args=[scene.campaign.slug, "KT"])
    html = page(client, url, data={"muc": TEXT_SECTION, "gom": "da-gui", "q": XSS})
    assert_inert(html, XSS)  # the search box keeps what was typed, as text
    html = page(client, url, data={"muc": TEXT_SECTION, "gom": "da-gui"})
    assert_inert(html, scene.district.name, hostile("Kết quả tuyên truyền"))
    assert "Đoạn viết" in html  # the district's text is there, sanitised
    numbers = page(client, url, data={"phan": "so-lieu", "gom": "da-gui", "muc": TEXT_SECTION})
    assert_inert(numbers)


def test_an_uploaded_document_renders_inert(scene, client):
    """A Word file with script payloads in its name, headings and paragraphs: the preview and
    the list of files show them as text."""
    import docx

    document = docx.Document()
    document.add_heading(hostile("Kết quả tuyên truyền"), level=2)
    document.add_heading("Phần thứ hai", level=1)
    document.add_paragraph(WRITTEN)
    buffer = io.BytesIO()
    document.save(buffer)
    name = '"><img src=x onerror=alert(1)>bao-cao.docx'
    client.force_login(scene.writer)
    args = [scene.campaign.slug, "KT-X"]
    response = client.post(
        reverse("campaigns:report_upload", args=args),
        {"file": SimpleUploadedFile(name, buffer.getvalue())},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = page(client, response["Location"])
    assert_inert(html, name)
    # the paragraph, placed under its section, sanitised: its markup shown as text
    assert "12 lớp tập huấn &lt;script&gt;alert(1)&lt;/script&gt; cho 1.200" in html
    assert_inert(page(client, reverse("campaigns:report_uploads", args=args)), name)


def test_the_campaign_list_is_inert(scene, client):
    for user in (scene.province, scene.writer):
        client.force_login(user)
        assert_inert(page(client, reverse("campaigns:list")), scene.campaign.name)


def test_the_unit_tree_and_its_search_are_inert(scene, client):
    client.force_login(scene.province)
    names = [unit.name for unit in Unit.objects.filter(code__startswith="KT-X")]
    assert_inert(page(client, reverse("orgs:tree") + "?mo=tat-ca"), *names)
    assert_inert(page(client, reverse("orgs:tree"), data={"q": XSS}), XSS[:100])


def test_a_unit_file_with_hostile_codes_is_refused_with_an_inert_message(scene, client):
    client.force_login(scene.admin)
    data = f"code,name,kind,parent_code\n{XSS[:40]},Tên,grassroots,KT\n".encode()
    response = client.post(reverse("orgs:import"), {"file": SimpleUploadedFile("don-vi.csv", data)})
    assert response.status_code == 400
    assert_inert(response.content.decode())


def test_the_header_and_login_page_are_inert(scene, client):
    client.force_login(scene.writer)
    assert_inert(page(client, reverse("home")), "v" + XSS)
    client.logout()
    html = page(client, reverse("login"), data={"next": "javascript:alert(1)"})
    assert_inert(html)
    response = client.post(
        reverse("login") + "?next=javascript:alert(1)",
        {"username": "x", "password": "y", "next": '"><script>alert(1)</script>'},
    )
    assert_inert(response.content.decode())


# --- exports -------------------------------------------------------------------------------


def assert_no_live_formula_in_workbook(data: bytes) -> int:
    """Every text cell that would start a formula is kept as text; the only formulas are the
    ones baocao writes itself (totals, ratios), never user text. Returns the cells read."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    cells = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                cells += 1
                if cell.data_type == "f":
                    assert not any(mark in cell.value for mark in FORMULA_MARKS), cell.value
                    assert "<" not in cell.value
                else:
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (
                        sheet.title,
                        cell.coordinate,
                        cell.value,
                    )
    return cells


def test_unit_exports_keep_formulas_as_text(scene, client):
    client.force_login(scene.province)
    xlsx = client.get(reverse("orgs:export_xlsx"))
    assert xlsx.status_code == 200
    assert assert_no_live_formula_in_workbook(xlsx.content)
    text = client.get(reverse("orgs:export_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    names = {row[1] for row in rows[1:]}
    assert "'" + hostile(FORMULAS[0] + " LĐLĐ huyện") in names
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_the_dashboard_workbook_keeps_formulas_as_text(scene, client):
    client.force_login(scene.province)
    response = client.get(reverse("campaigns:export", args=[scene.campaign.slug]))
    assert response.status_code == 200
    assert assert_no_live_formula_in_workbook(response.content)


def test_the_indicator_workbooks_keep_formulas_as_text(scene):
    from baocao.apps.campaigns.consolidation import subtree_figures
    from baocao.xlsx_out import indicators_template_xlsx, indicators_workbook

    campaign = scene.campaign
    subtree = subtree_figures(campaign, campaign.root_unit, include_submitted=True)
    workbook = indicators_workbook(
        subtree.rows(), campaign.catalogue.indicators, tuple(campaign.years)
    )
    assert assert_no_live_formula_in_workbook(workbook)
    template = indicators_template_xlsx(
        campaign.outline_tree,
        unit_code=scene.district.code,
        unit_name=scene.district.name,
        campaign=campaign.name,
    )
    assert assert_no_live_formula_in_workbook(template)


def test_the_docx_carries_user_text_as_text_never_as_fields(scene):
    from baocao.apps.campaigns.consolidation import report_document
    from baocao.docx_out.render import render_docx

    document, _ = report_document(scene.campaign, scene.district, include_submitted=True)
    data = render_docx(document)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml")
        }
    body = parts["word/document.xml"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # the outline's titles, as text
    assert "Đoạn viết" in body
    for name, xml in parts.items():
        assert "<script" not in xml, name
        instructions = re.findall(r"<w:instrText[^>]*>([^<]*)<", xml)
        instructions += re.findall(r'w:instr="([^"]*)"', xml)
        assert {item.strip() for item in instructions} <= {"PAGE"}, (name, instructions)
        assert "DDE" not in "".join(instructions)
