""" "Lấy số liệu tổng hợp làm số liệu của đơn vị": Đăk Hà typed 190 members for 2017 where its
two CĐCS add up to 185, and no workers where they add up to 85 and 200. The page lists those
differences (ratios recomputed, never summed), the confirmation writes the chosen ones into the
district's own report through the figure-saving action (history, audit), a second submit
changes nothing, and afterwards the dashboard, the workspace and the DOCX say the same."""

import io
import re
import urllib.parse

import pytest
from django.urls import reverse
from docx import Document

from baocao.apps.audit.models import AuditEntry
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import IndicatorChange, IndicatorValue, ReportStatus

from .campaign_scenario import report_of, to_consolidate

pytestmark = pytest.mark.django_db

TEXTS = {
    "dakha": "LĐLĐ huyện đã ban hành kế hoạch thực hiện Nghị quyết trong toàn huyện.",
    "cdcs_dh1": "Công đoàn xã Đăk Mar tổ chức học tập Nghị quyết cho đoàn viên.",
    "cdcs_dh2": "Nhà trường phối hợp với chính quyền tuyên truyền Nghị quyết.",
    "cdcs_dt1": "Trung tâm Y tế quán triệt Nghị quyết đến từng khoa, phòng.",
}
ALL_DIFFERING = ["members:2017", "workers:2008", "workers:2017"]


@pytest.fixture
def people(tree, member, django_user_model):
    return {
        "admin": django_user_model.objects.create_superuser("quantri"),
        "district": member("dakha", tree.dakha, "writer", "consolidator"),
        "district_viewer": member("dakha.xem", tree.dakha, "viewer", "reviewer"),
        "district_writer": member("dakha.viet", tree.dakha, "writer"),
        "sibling": member("dakto", tree.dakto, "writer", "consolidator"),
        "province": member("tinh", tree.province, "writer", "consolidator", "reviewer"),
    }


@pytest.fixture
def district(tree, people):
    """Đăk Hà's report, accepted by the province and then reopened: editable again."""
    campaign = to_consolidate(tree, people["admin"], TEXTS, slug="nq20")
    report = report_of(campaign, tree.dakha)
    actions.reopen(report, people["admin"], "Xem lại số liệu.", expected_version=report.version)
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    return report


def adopt_url(report, **query):
    path = reverse("campaigns:consolidate_adopt", args=[report.campaign.slug, report.unit.code])
    return path + ("?" + urllib.parse.urlencode(query) if query else "")


def as_user(client, user):
    client.force_login(user)
    return client


def own(report) -> dict[tuple[str, int], str]:
    return {
        (value.code, value.year): value.raw
        for value in IndicatorValue.objects.filter(report=report)
    }


def form_of(html: str) -> dict[str, list[str]]:
    """The confirmation form as the browser would send it (every box ticked by default)."""
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]+>", html.split('class="cw-adopt-form"')[1]):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and (value or "checkbox" not in tag):
            data.setdefault(name[1], []).append(value[1] if value else "")
    return data


def test_the_differences_are_listed_first(client, district, people):
    html = as_user(client, people["district"]).get(adopt_url(district)).content.decode()
    assert "Số liệu tổng hợp từ 2/2 báo cáo đã duyệt của các đơn vị." in html
    rows = dict(re.findall(r'data-key="([^"]+)">(.*?)</tr>', html, re.S))
    assert sorted(key for key in rows if not key.startswith("unionisation")) == ALL_DIFFERING
    members = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows["members:2017"]))
    assert "190 185 -5" in members  # own, rolled up, difference
    assert "— 200" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows["workers:2017"]))
    # The ratio is recomputed from the summed parts (185/200), shown, never offered to write.
    assert "92,5%" in rows["unionisation_rate:2017"]
    assert 'name="chon"' not in rows["unionisation_rate:2017"]
    assert "members:2008" not in rows  # 70 both ways
    assert html.count('name="chon"') == 3 and html.count("checked") == 3

    # Counting the submitted reports too is said, and changes nothing here (both accepted).
    html = client.get(adopt_url(district, gom="da-gui")).content.decode()
    assert "báo cáo đã gửi hoặc đã duyệt" in html


def test_adopting_writes_the_chosen_figures_with_their_history(client, district, people):
    as_user(client, people["district"])
    form = form_of(client.get(adopt_url(district)).content.decode())
    assert sorted(form["chon"]) == ALL_DIFFERING
    form["chon"] = ["members:2017", "workers:2017"]  # keep its own (no) 2008 workers
    response = client.post(adopt_url(district), form)
    assert response.status_code == 302 and response["Location"] == adopt_url(district)
    figures = own(district)
    assert figures[("members", 2017)] == "185"
    assert figures[("workers", 2017)] == "200"
    assert ("workers", 2008) not in figures  # not chosen
    assert figures[("members", 2008)] == "70"  # not different: untouched

    change = IndicatorChange.objects.filter(report=district, code="members", year=2017).first()
    assert (change.raw, change.changed_by) == ("185", people["district"])
    assert IndicatorChange.objects.filter(report=district, code="members", year=2017).count() == 2
    entry = AuditEntry.objects.filter(action="indicator.save", actor=people["district"]).first()
    assert entry.details["source"] == "Lấy số liệu tổng hợp"
    html = client.get(response["Location"]).content.decode()
    assert "Đã lấy 2 số liệu tổng hợp làm số liệu của đơn vị." in html
    assert html.count('name="chon"') == 1  # 2008 workers still differ

    # The same form sent again (a double click, a reload): nothing more is written.
    changes = IndicatorChange.objects.filter(report=district).count()
    again = client.post(adopt_url(district), form, follow=True).content.decode()
    assert "Không có gì thay đổi" in again
    assert IndicatorChange.objects.filter(report=district).count() == changes


def test_a_figure_changed_since_the_page_is_left_alone(client, district, people):
    as_user(client, people["district"])
    form = form_of(client.get(adopt_url(district)).content.decode())
    actions.save_indicator(district, "members", 2017, "188", people["district"])
    html = client.post(adopt_url(district), form, follow=True).content.decode()
    assert "1 số liệu vừa thay đổi sau khi bạn mở trang" in html
    figures = own(district)
    assert figures[("members", 2017)] == "188"
    assert figures[("workers", 2017)] == "200"  # the others went in

    # A status changed since the page (sent, returned again): the whole form is refused.
    actions.submit(district, people["district"], district.version)
    district.refresh_from_db()
    actions.return_report(
        district, people["province"], "Sửa lại.", expected_version=district.version
    )
    before = own(district)
    html = client.post(adopt_url(district), form, follow=True).content.decode()
    assert "vừa được người khác thay đổi" in html
    assert own(district) == before


@pytest.mark.parametrize("who", ["sibling", "district_viewer", "province", "district_writer"])
def test_only_the_units_consolidator_adopts(client, district, people, who):
    before = own(district)
    changes = IndicatorChange.objects.count()
    as_user(client, people["district"])
    form = form_of(client.get(adopt_url(district)).content.decode())
    as_user(client, people[who])
    assert client.post(adopt_url(district), form).status_code == 403
    assert own(district) == before and IndicatorChange.objects.count() == changes
    page = client.get(adopt_url(district))
    if who in ("sibling", "district_writer"):  # the units below are not theirs to see
        assert page.status_code == 403
    else:  # readers of the subtree see the differences, without the button
        html = page.content.decode()
        assert page.status_code == 200 and "members:2017" in html
        assert 'type="submit"' not in html.split('class="cw-adopt-form"')[1]


def test_never_into_a_report_that_cannot_be_written(client, district, people):
    as_user(client, people["district"])
    form = form_of(client.get(adopt_url(district)).content.decode())
    actions.submit(district, people["district"], district.version)
    before = own(district)
    html = client.post(adopt_url(district), form, follow=True).content.decode()
    assert "đang không sửa được" in html
    assert own(district) == before
    assert "không sửa được" in client.get(adopt_url(district)).content.decode()


def test_after_adopting_the_dashboard_workspace_and_docx_agree(client, district, people):
    as_user(client, people["district"])
    client.post(adopt_url(district), form_of(client.get(adopt_url(district)).content.decode()))
    slug, code = district.campaign.slug, district.unit.code
    # The district's own workspace and DOCX: its units' figures, now its own too.
    workspace = client.get(
        reverse("campaigns:consolidate", args=[slug, code]) + "?muc=P1/II/1"
    ).content.decode()
    assert re.search(r"Số đoàn viên công đoàn.*?>70<.*?>185<", workspace, re.S)
    assert "chưa có số liệu nào khác" not in workspace
    docx = client.get(reverse("campaigns:report_download", args=[slug, code, "docx"]))
    assert "185" in docx_cells(docx.content) and "190" not in docx_cells(docx.content)

    # Sent and accepted: the province counts the district's own figures, which are now the
    # sum of its CĐCS, so no difference is left to explain, and every page says 185.
    actions.submit(district, people["district"], district.version)
    district.refresh_from_db()
    actions.accept(district, people["province"], district.version)
    province = report_of(district.campaign, district.unit.parent)
    as_user(client, people["province"])
    workspace = client.get(
        reverse("campaigns:consolidate", args=[slug, province.unit.code]) + "?muc=P1/II/1"
    ).content.decode()
    assert "cw-differences" not in workspace
    assert re.search(r"Số đoàn viên công đoàn.*?>70<.*?>185<", workspace, re.S)
    dashboard = client.get(reverse("campaigns:detail", args=[slug])).content.decode()
    assert re.search(r"Số đoàn viên công đoàn.*?>70<.*?>185<", dashboard, re.S)
    docx = client.get(reverse("campaigns:report_download", args=[slug, province.unit.code, "docx"]))
    cells = docx_cells(docx.content)
    assert "185" in cells and "190" not in cells


def docx_cells(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    return [
        cell.text.strip() for table in document.tables for row in table.rows for cell in row.cells
    ]
