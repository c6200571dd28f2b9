"""The outline editor (issue 12): sections, prompts, footnotes, indicators, rules and years
changed in the browser, each save a new version; YAML and Excel out and back in; refused to
those who may not import outlines, refused over someone else's newer save, and never moving a
campaign already open."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from baocao.apps.audit.models import AuditEntry
from baocao.apps.campaigns import actions
from baocao.apps.orgs.models import UnitKind
from baocao.apps.outlines.models import OutlineDocument, OutlineVersion
from baocao.apps.outlines.services import save_imported_outline
from baocao.outline.builtin import load_builtin
from baocao.outline.model import Footnote
from baocao.outline.serialize import dump_yaml, load_yaml

from .campaign_scenario import nq20_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(people):
    """The built-in outline imported under a name of its own: an outline anyone may edit."""
    outline = load_builtin()
    outline.title = "Đề cương sơ kết (sửa thử)"
    return save_imported_outline(outline, people["province"])[0]


@pytest.fixture
def officer(client, people):
    client.force_login(people["province"])
    return client


def edit_url(doc) -> str:
    return reverse("outlines:edit", args=[doc.slug])


def change(client, doc, operation: str, /, **data):
    """Post one change from a page showing the stored version."""
    doc.refresh_from_db()
    return client.post(edit_url(doc), {"thao_tac": operation, "phien_ban": doc.version, **data})


def stored(doc):
    doc.refresh_from_db()
    return doc.outline()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_editor_shows_the_outline_to_change(officer, doc):
    response = officer.get(edit_url(doc))
    assert response.status_code == 200
    page = text_of(response)
    assert "Sửa đề cương" in page and "Phiên bản 1" in page
    assert "4.1. Kết quả công tác tuyên truyền" in page or "4.1." in page
    assert "Số đoàn viên công đoàn" in page and "Quy tắc kiểm tra số liệu" in page
    assert "Nhập từ tệp" in page  # the history's first line
    detail = officer.get(doc.get_absolute_url()).content.decode()
    assert f'href="{edit_url(doc)}"' in detail


def test_sections_are_added_moved_renamed_and_deleted(officer, doc):
    response = change(officer, doc, "section_add", parent="P1/III", number="5", title="Kiến nghị")
    assert response.status_code == 302
    assert stored(doc).section("P1/III/5").label == "5. Kiến nghị"
    change(officer, doc, "section_move", muc="P1/III/5", huong="up")
    assert [s.id for s in stored(doc).section("P1/III").children][-2:] == ["P1/III/5", "P1/III/4"]
    response = change(
        officer,
        doc,
        "section_save",
        muc="P1/III/5",
        number="4",
        title="Kiến nghị, đề xuất",
        guidance="Kiến nghị với Tổng Liên đoàn.\n\nKiến nghị với tỉnh.",
        prompts="Về chính sách\n+ tiền lương\nVề tổ chức",
        fn_text_0="Theo Kết luận 12-KL/TW",
        fn_anchor_0="prompt:2",
    )
    assert response.status_code == 302, text_of(response)[-600:]
    section = stored(doc).section("P1/III/5")
    assert section.label == "4. Kiến nghị, đề xuất"
    assert section.guidance == ["Kiến nghị với Tổng Liên đoàn.", "Kiến nghị với tỉnh."]
    assert section.prompts == ["Về chính sách", "+ tiền lương", "Về tổ chức"]
    assert [(f.text, f.anchor) for f in section.footnotes] == [
        ("Theo Kết luận 12-KL/TW", "prompt:2")
    ]
    form = officer.get(edit_url(doc) + "?muc=P1/III/5").content.decode()
    assert "Theo Kết luận 12-KL/TW" in form and 'name="fn_text_1"' in form  # and a blank one
    change(officer, doc, "section_delete", muc="P1/III/5")
    with pytest.raises(KeyError):
        stored(doc).section("P1/III/5")
    doc.refresh_from_db()
    assert doc.version == 5  # imported, then four changes
    assert list(doc.versions.values_list("number", flat=True)) == [5, 4, 3, 2, 1]
    assert AuditEntry.objects.filter(action="outline.edit").count() == 4


def test_a_move_that_cannot_be_made_is_explained(officer, doc):
    response = change(officer, doc, "section_move", muc="P1", huong="up")
    assert response.status_code == 400
    assert "đã ở đầu nhóm của nó, không chuyển được" in text_of(response)
    doc.refresh_from_db()
    assert doc.version == 1


def test_indicators_are_added_edited_attached_and_deleted(officer, doc):
    response = change(
        officer, doc, "indicator_save", name="Số đoàn viên dưới 30 tuổi", unit="người",
        type="count", rollup="sum", part_of="members", sections=["P1/II/1"],
    )  # fmt: skip
    assert response.status_code == 302, text_of(response)[-600:]
    outline = stored(doc)
    assert outline.indicator("doan_vien_duoi_30_tuoi").part_of == "members"
    assert outline.section("P1/II/1").indicators[-1] == "doan_vien_duoi_30_tuoi"
    response = change(
        officer, doc, "indicator_save", ma="doan_vien_duoi_30_tuoi", name="Đoàn viên trẻ",
        unit="đoàn viên", type="count", rollup="sum", sections=["P1/II/2", "P1/II/4/4.1"],
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"].endswith("?chi_tieu=doan_vien_duoi_30_tuoi")
    outline = stored(doc)
    assert outline.indicator("doan_vien_duoi_30_tuoi").unit == "đoàn viên"
    assert "doan_vien_duoi_30_tuoi" not in outline.section("P1/II/1").indicators
    assert "doan_vien_duoi_30_tuoi" in outline.section("P1/II/4/4.1").indicators
    assert change(officer, doc, "indicator_delete", ma="doan_vien_duoi_30_tuoi").status_code == 302
    assert "doan_vien_duoi_30_tuoi" not in {i.code for i in stored(doc).indicators}


def test_a_ratio_without_its_parts_and_a_used_indicator_are_refused(officer, doc):
    response = change(
        officer, doc, "indicator_save", ma="members", name="Số đoàn viên", unit="người",
        type="count", rollup="ratio",
    )  # fmt: skip
    assert response.status_code == 400
    assert "Tỷ lệ tính tự động cần chọn tử số và mẫu số" in text_of(response)
    response = change(officer, doc, "indicator_delete", ma="members")
    assert response.status_code == 400
    page = text_of(response)
    assert "Chỉ tiêu “Số đoàn viên công đoàn” đang được dùng ở" in page
    assert "Hãy sửa hoặc xoá các chỗ đó trước" in page
    doc.refresh_from_db()
    assert doc.version == 1


def test_rules_and_years_are_changed(officer, doc):
    response = change(
        officer, doc, "rule_add", left="new_members", op=">=", number="0", severity="soft",
        message="Số kết nạp mới không âm",
    )  # fmt: skip
    assert response.status_code == 302, text_of(response)[-600:]
    rule = stored(doc).rules[-1]
    assert (rule.expr, rule.severity) == ("new_members >= 0", "soft")
    response = change(officer, doc, "rule_add", left="members", op="<=", right="members_women",
                      severity="hard")  # fmt: skip
    assert response.status_code == 302
    assert stored(doc).rules[-1].expr == "members <= members_women"
    response = change(officer, doc, "rule_add", left="members", op="<=", severity="hard")
    assert response.status_code == 400
    assert "Hãy chọn chỉ tiêu hoặc nhập số để so sánh" in text_of(response)
    count = len(stored(doc).rules)
    change(officer, doc, "rule_delete", quy_tac=str(count - 1))
    assert len(stored(doc).rules) == count - 1
    change(officer, doc, "years", baseline="2015", current="2025")
    assert stored(doc).years == {"baseline": 2015, "current": 2025}
    response = change(officer, doc, "years", baseline="2025", current="2015")
    assert response.status_code == 400
    assert "phải trước năm hiện tại" in text_of(response)


def test_a_page_older_than_the_stored_outline_saves_nothing(officer, doc):
    change(officer, doc, "title", title="Tên mới")
    response = officer.post(
        edit_url(doc), {"thao_tac": "title", "phien_ban": "1", "title": "Tên của trang cũ"}
    )
    assert response.status_code == 409
    assert "vừa được lưu thành phiên bản 2" in text_of(response)
    assert stored(doc).title == "Tên mới"


def test_an_older_version_is_restored_as_a_new_one(officer, doc):
    change(officer, doc, "title", title="Tên mới")
    response = change(officer, doc, "restore", phien_ban_cu="1")
    assert response.status_code == 302
    doc.refresh_from_db()
    assert (doc.version, doc.outline().title) == (3, "Đề cương sơ kết (sửa thử)")
    assert doc.versions.get(number=3).note == "Khôi phục phiên bản 1"


def test_yaml_export_and_import_round_trip(officer, doc):
    response = officer.get(reverse("outlines:export_yaml", args=[doc.slug]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode()
    assert load_yaml(text).title == "Đề cương sơ kết (sửa thử)"
    upload = SimpleUploadedFile("de-cuong.yaml", text.encode())
    response = officer.post(
        reverse("outlines:upload", args=[doc.slug]), {"file": upload, "phien_ban": "1"}
    )
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.version == 1 and doc.yaml_text == text  # the same outline: nothing to save
    edited = text.replace("Đề cương sơ kết (sửa thử)", "Đề cương sửa bằng tay")
    upload = SimpleUploadedFile("de-cuong.yaml", edited.encode())
    officer.post(reverse("outlines:upload", args=[doc.slug]), {"file": upload, "phien_ban": "1"})
    doc.refresh_from_db()
    assert (doc.version, doc.title) == (2, "Đề cương sửa bằng tay")
    old = officer.get(reverse("outlines:export_yaml", args=[doc.slug]) + "?phien_ban=1")
    assert old.content.decode() == text


def test_excel_export_and_import_round_trip(officer, doc):
    response = officer.get(reverse("outlines:export_xlsx", args=[doc.slug]))
    assert response.status_code == 200
    data = response.content
    url = reverse("outlines:upload", args=[doc.slug])
    officer.post(url, {"file": SimpleUploadedFile("chi-tieu.xlsx", data), "phien_ban": "1"})
    doc.refresh_from_db()
    assert doc.version == 1  # exported and imported back: the same outline
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Chỉ tiêu"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "members")
    sheet[f"C{row}"] = "đoàn viên"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = officer.post(
        url, {"file": SimpleUploadedFile("chi-tieu.xlsx", buffer.getvalue()), "phien_ban": "1"}
    )
    assert response.status_code == 302
    assert stored(doc).indicator("members").unit == "đoàn viên"
    assert doc.versions.get(number=2).note == "Nhập chỉ tiêu từ tệp Excel chi-tieu.xlsx"


def test_a_file_of_another_kind_is_refused_with_what_to_do(officer, doc):
    upload = SimpleUploadedFile("de-cuong.docx", b"PK\x03\x04")
    response = officer.post(
        reverse("outlines:upload", args=[doc.slug]), {"file": upload, "phien_ban": "1"}
    )
    assert response.status_code == 400
    assert "hãy dùng trang Nhập đề cương" in text_of(response)
    bad = SimpleUploadedFile("de-cuong.yaml", b"title: [\n")
    response = officer.post(
        reverse("outlines:upload", args=[doc.slug]), {"file": bad, "phien_ban": "1"}
    )
    assert response.status_code == 400
    assert "Tệp YAML của đề cương bị lỗi cú pháp" in text_of(response)
    doc.refresh_from_db()
    assert doc.version == 1


def test_the_builtin_outline_is_copied_before_it_is_changed(officer, people):
    builtin = nq20_document()
    page = text_of(officer.get(edit_url(builtin)))
    assert "Tạo bản sao để sửa" in page
    response = change(officer, builtin, "title", title="Đổi tên đề cương có sẵn")
    assert response.status_code == 400
    assert "không sửa trực tiếp được" in text_of(response)
    response = change(officer, builtin, "copy")
    copy = OutlineDocument.objects.get(builtin=False)
    assert response["Location"] == edit_url(copy)
    assert copy.title.endswith("(bản sao)")
    assert OutlineVersion.objects.filter(document=copy).count() == 1


def test_an_open_campaign_keeps_its_outline_and_the_editor_says_so(officer, doc, tree, people):
    campaign = actions.open_campaign(
        doc, tree.province, kinds=[UnitKind.DISTRICT], deadline=datetime.date(2030, 6, 30),
        actor=people["province"], name="Sơ kết thử", slug="so-ket-thu",
    )  # fmt: skip
    snapshot = campaign.outline_yaml
    page = text_of(officer.get(edit_url(doc)))
    assert "đang dùng cho 1 đợt báo cáo đang mở: Sơ kết thử" in page
    assert "người viết báo cáo không bị đổi mục hay chỉ tiêu giữa chừng" in page
    change(officer, doc, "section_delete", muc="P2")
    campaign.refresh_from_db()
    assert campaign.outline_yaml == snapshot
    assert load_yaml(snapshot).section("P2")


@pytest.mark.parametrize("who", ["dakha_writer", "province_reviewer"])
def test_those_who_do_not_run_campaigns_cannot_edit(client, people, doc, who):
    client.force_login(people[who])
    assert client.get(edit_url(doc)).status_code == 403
    assert change(client, doc, "title", title="Không được").status_code == 403
    upload = SimpleUploadedFile("de-cuong.yaml", dump_yaml(load_builtin()).encode())
    url = reverse("outlines:upload", args=[doc.slug])
    assert client.post(url, {"file": upload, "phien_ban": "1"}).status_code == 403
    doc.refresh_from_db()
    assert doc.version == 1
    assert "Sửa đề cương" not in client.get(doc.get_absolute_url()).content.decode()
    assert client.get(reverse("outlines:export_yaml", args=[doc.slug])).status_code == 200


def test_a_footnote_left_on_the_root_is_attached_to_a_section(officer, doc):
    outline = doc.outline()
    outline.footnotes = [Footnote("Theo Kế hoạch 04/KH-LĐLĐ", "unanchored")]
    doc.yaml_text = dump_yaml(outline)
    doc.save()
    page = officer.get(edit_url(doc) + "?muc=P2").content.decode()
    assert "Chú thích chưa xác định được vị trí" in page and "Theo Kế hoạch 04/KH-LĐLĐ" in page
    section = outline.section("P2")
    response = change(
        officer, doc, "section_save", muc="P2", number=section.number, title=section.title,
        guidance="\n\n".join(section.guidance), prompts="\n".join(section.prompts), adopt=["0"],
    )  # fmt: skip
    assert response.status_code == 302, text_of(response)[-500:]
    outline = stored(doc)
    assert outline.footnotes == []
    assert [(f.text, f.anchor) for f in outline.section("P2").footnotes][-1] == (
        "Theo Kế hoạch 04/KH-LĐLĐ",
        "title",
    )
