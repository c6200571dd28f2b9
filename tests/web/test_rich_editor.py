"""The rich-text editor's server side and its vendored build, without a browser: the page
loads the pinned bundle (whose checksum is the one the build recipe recorded: no npm at test
time), each editor carries the stored HTML for the editor and plain lines for the textarea,
and a save says which of the two it sends ("format")."""

import hashlib
import json
import re
from pathlib import Path

import pytest

from baocao.apps.campaigns.models import SectionText
from baocao.richtext import ALLOWED_TAGS

from .campaign_scenario import as_user, url

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "baocao" / "web" / "static" / "vendor"
RECIPE = ROOT / "scripts" / "editor"
SECTION = "P1/I/1"
HTMX = {"HTTP_HX_REQUEST": "true"}


def recorded() -> tuple[str, str]:
    digest, name = (RECIPE / "SHA256SUMS").read_text().split()
    return digest, name


def test_the_vendored_bundle_is_the_one_the_recipe_built():
    digest, name = recorded()
    bundle = VENDOR / name
    assert hashlib.sha256(bundle.read_bytes()).hexdigest() == digest, (
        f"{name} differs from the build recorded in scripts/editor/SHA256SUMS: "
        "rebuild it with scripts/build-editor.sh"
    )
    assert (VENDOR / name.replace(".min.js", ".LICENSE.txt")).read_text().count("MIT") >= 10


def test_the_recipe_pins_every_version_and_names_the_bundle():
    package = json.loads((RECIPE / "package.json").read_text())
    pinned = {**package["dependencies"], **package["devDependencies"]}
    for name, version in pinned.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
    lock = json.loads((RECIPE / "package-lock.json").read_text())
    core = lock["packages"]["node_modules/@tiptap/core"]["version"]
    assert recorded()[1] == f"tiptap-{core}.min.js"
    page = ROOT / "baocao/apps/campaigns/templates/campaigns/report/_rich_scripts.html"
    assert f"vendor/tiptap-{core}.min.js" in page.read_text()


def test_the_editor_s_schema_stays_inside_the_stored_format():
    """report-editor.js's extensions make no tag that richtext.ALLOWED_TAGS lacks (it may lack
    some of the stored format's, which are then kept as text by the server's reading)."""
    script = (ROOT / "baocao/web/static/report-editor.js").read_text()
    made = {
        "p",
        "strong",
        "em",
        "u",
        "br",
        "h4",
        "ul",
        "ol",
        "li",
        "table",
        "tbody",
        "tr",
        "td",
        "th",
    }
    assert made <= ALLOWED_TAGS, made - ALLOWED_TAGS
    assert "T.Heading.configure({ levels: [4] })" in script


@pytest.mark.django_db
def test_the_page_loads_the_editor_and_gives_it_the_stored_html(client, school, people, settings):
    from baocao.apps.campaigns import actions

    actions.save_section(
        school,
        SECTION,
        "<p><strong>Đậm</strong> a&lt;b</p><ul><li>Ý</li></ul>",
        0,
        people["school_writer"],
    )
    as_user(client, people["school_writer"])
    html = client.get(url("report", school)).content.decode()
    assert f"vendor/{recorded()[1]}" in html and "report-editor.js" in html
    assert html.index("report-editor.js") < html.index('report.js"')
    assert 'id="mau-soan-thao"' in html and 'role="toolbar"' in html
    assert 'name="format" value="lines"' in html
    assert 'data-rich="&lt;p&gt;&lt;strong&gt;Đậm&lt;/strong&gt; a&amp;lt;b&lt;/p&gt;' in html
    assert "Đậm a&lt;b\n- Ý</textarea>" in html  # the textarea, without JavaScript

    settings.BAOCAO_RICH_EDITOR = False  # the switch: the plain textarea only
    html = client.get(url("report", school)).content.decode()
    assert "report-editor.js" not in html and "tiptap" not in html
    assert 'id="mau-soan-thao"' not in html


@pytest.mark.django_db
def test_a_save_in_html_keeps_its_format_and_lines_stay_text(client, school, people):
    as_user(client, people["school_writer"])
    save = url("section_save", school, SECTION)
    rich = (
        "<p><strong>Kết quả</strong> a &lt; b</p><ul><li><p>Một</p><ol><li><p>Hai</p></li></ol>"
        '</li></ul><table><tbody><tr><th colspan="1"><p>A</p></th><th><p>B</p></th></tr>'
        "<tr><td><p>1</p></td><td><p>2</p></td></tr></tbody></table>"
        '<p style="color:red" onclick="x()">Chữ<script>alert(1)</script></p>'
    )
    response = client.post(save, {"text": rich, "format": "html", "base_version": 0}, **HTMX)
    assert response.status_code == 200
    stored = SectionText.objects.get(report=school, section_id=SECTION).text
    assert stored == (
        "<p><strong>Kết quả</strong> a &lt; b</p><ul><li>Một<ol><li>Hai</li></ol></li></ul>"
        "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td>"
        "</tr></tbody></table><p>Chữ</p>"
    )
    # The textarea's lines: a "<" typed is text.
    client.post(save, {"text": "<p>x</p>", "format": "lines", "base_version": 1}, **HTMX)
    stored = SectionText.objects.get(report=school, section_id=SECTION).text
    assert stored == "<p>&lt;p&gt;x&lt;/p&gt;</p>"


@pytest.mark.django_db
def test_a_conflict_shows_the_editor_s_html_as_lines(client, school, people):
    from baocao.apps.campaigns import actions

    actions.save_section(school, SECTION, "Bản của họ", 0, people["school_colleague"])
    as_user(client, people["school_writer"])
    response = client.post(
        url("section_save", school, SECTION),
        {
            "text": "<p><strong>Bản</strong> của tôi</p><ul><li><p>ý</p></li></ul>",
            "format": "html",
            "base_version": 0,
        },
        **HTMX,
    )
    html = response.content.decode()
    assert 'name="text">Bản của tôi\n- ý</textarea>' in html
    assert 'name="format"' not in html  # the panel sends lines
