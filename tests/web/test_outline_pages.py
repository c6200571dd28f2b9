"""The outline pages as an officer sees them, and as an anonymous visitor does not."""

import re

import pytest
from django.urls import reverse

from baocao.apps.outlines.display import outline_view
from baocao.apps.outlines.models import OutlineDocument
from baocao.outline.serialize import dump_yaml

from .samples import PASSWORD, sample_outline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/de-cuong/", "/de-cuong/de-cuong-mau/"])
def test_anonymous_visitor_is_sent_to_login(client, sample_document, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_login_page_is_vietnamese_and_public(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Dữ liệu mẫu (synthetic)" in html


def test_officer_logs_in_with_the_form_and_lands_on_the_outline(client, officer, sample_document):
    response = client.post(
        reverse("login"),
        {"username": "canbo", "password": PASSWORD, "next": "/de-cuong/de-cuong-mau/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/de-cuong/de-cuong-mau/"


def test_home_links_to_the_outlines(officer_client, sample_document):
    html = officer_client.get("/").content.decode()
    assert f'href="{reverse("outlines:list")}"' in html


def test_outline_list_shows_each_outline(officer_client, sample_document):
    response = officer_client.get(reverse("outlines:list"))
    html = response.content.decode()
    assert "Đề cương mẫu tổng kết Nghị quyết" in html
    assert f'href="{sample_document.get_absolute_url()}"' in html


def test_outline_page_shows_tree_sections_prompts_and_footnotes(officer_client, sample_document):
    response = officer_client.get(sample_document.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # The tree, as navigation to anchors
    assert 'aria-label="Mục lục"' in html
    assert 'href="#muc-P1.II.4.1"' in html
    assert 'id="muc-P1.II.4.1"' in html
    # Headings with numbers, levels following the tree (part h2, Roman h3, 4.1 h4)
    assert "<h2" in html and "Phần thứ nhất: Đánh giá tình hình triển khai" in html
    assert "<h3" in html and "II. Kết quả đạt được" in html
    assert '<h4 class="sec__title" id="muc-P1.II.4.1-tieu-de">4.1. Kết quả công tác' in html
    # Guidance, prompts and the nested "+ " prompt
    assert "Nội dung: có so sánh kết quả từ 2008 đến nay." in html
    assert "Việc tổ chức quán triệt, học tập Nghị quyết" in html
    assert "<li>trong CNVCLĐ khu vực ngoài Nhà nước" in html
    # Footnotes: heading, markers, texts; the root one and the importer's warning
    assert "Văn bản cần bám sát" in html
    assert 'href="#chu-thich-1"' in html and 'href="#chu-thich-2"' in html
    assert "Yêu cầu bám sát Kế hoạch số 14/KH-LĐLĐ" in html
    assert "Các văn bản triển khai liên quan" in html
    assert "Không tìm thấy chỗ đánh dấu của chú thích 5." in html
    # Indicators: catalogue name and unit, a part indented under its whole with its short label
    assert "Số đoàn viên công đoàn" in html and "người" in html
    assert re.search(r'<td class="part">\s*Trong đó: nữ\s*<code>members_women</code>', html)


def test_footnotes_are_numbered_in_reading_order_and_sub_prompts_nest():
    view = outline_view(sample_outline())
    training = view.tree[0].children[0].children[0]
    assert [n.number for n in training.title_notes] == [1]
    assert [p.text for p in training.prompts] == [
        "Việc tổ chức quán triệt, học tập Nghị quyết",
        "Tham gia với các ngành chức năng về các hình thức đào tạo",
    ]
    assert [c.text for c in training.prompts[0].children] == ["trong CNVCLĐ khu vực ngoài Nhà nước"]
    assert [n.number for n in training.prompts[1].notes] == [2]
    assert [(n.number, n.placed) for n in view.root_notes] == [(3, False)]
    assert training.heading_level == 4
    assert [(r.code, r.name, r.part) for r in training.indicators] == [
        ("members", "Số đoàn viên công đoàn", False),
        ("members_women", "Trong đó: nữ", True),
    ]


def test_outline_without_catalogue_still_renders_its_indicator_codes(officer_client):
    outline = sample_outline()
    outline.indicators, outline.years = [], {}
    doc = OutlineDocument.objects.create(
        slug="khong-danh-muc", title="x", yaml_text=dump_yaml(outline)
    )
    html = officer_client.get(doc.get_absolute_url()).content.decode()
    assert "members_women" in html and "Chưa có trong danh mục chỉ tiêu" in html


def test_outline_text_is_escaped_never_run(officer_client):
    attack = "<script>alert('x')</script>"
    yaml_text = f"""
title: "Đề cương {attack}"
preamble: ["{attack}"]
sections:
- id: S1
  number: "1"
  title: "Mục {attack}"
  guidance: ["{attack}"]
  prompts: ["{attack}", "+ {attack}"]
  footnotes: [{{text: "{attack}", anchor: title}}]
  indicators: ["{attack}"]
footnotes: [{{text: "{attack}", anchor: unanchored}}]
warnings: ["{attack}"]
"""
    doc = OutlineDocument.objects.create(slug="tan-cong", title=attack, yaml_text=yaml_text)
    html = officer_client.get(doc.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_broken_yaml_shows_a_message_instead_of_an_error_page(officer_client):
    doc = OutlineDocument.objects.create(slug="hong", title="Hỏng", yaml_text="title: [\n")
    response = officer_client.get(doc.get_absolute_url())
    assert response.status_code == 200
    assert "Không đọc được đề cương này" in response.content.decode()


def test_unknown_outline_is_not_found(officer_client):
    assert officer_client.get("/de-cuong/khong-co/").status_code == 404
