"""Importing an outline in the browser's form: good files land, bad ones get a Vietnamese
message and leave nothing behind."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document
from office_files import guidance_docx

from baocao.apps.orgs.models import Membership, Unit, UnitKind
from baocao.apps.outlines.models import OutlineDocument

from .outline_upload import import_outline

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed_nq20.txt"
URL = "/de-cuong/nhap/"


@pytest.fixture
def consolidator_client(client, django_user_model):
    unit = Unit.objects.create(code="KT", name="LĐLĐ tỉnh Kon Tum", kind=UnitKind.PROVINCE)
    user = django_user_model.objects.create_user("tonghop", password="mat-khau-thu-nghiem")
    Membership.objects.create(user=user, unit=unit, roles=["consolidator"])
    client.force_login(user)
    return client


def upload(client, name: str, data: bytes):
    """The whole import: the file, then its preview confirmed as shown."""
    return import_outline(client, name, data)


def test_seed_text_is_imported_and_shown(consolidator_client):
    response = upload(consolidator_client, "de-cuong.txt", SEED.read_bytes())
    assert response.status_code == 302
    doc = OutlineDocument.objects.get()
    assert response["Location"] == doc.get_absolute_url()
    assert doc.slug.startswith("tong-ket-10-nam-thuc-hien-nghi-quyet")
    page = consolidator_client.get(doc.get_absolute_url()).content.decode()
    assert "4.3. Việc đảm bảo quyền lợi hợp pháp" in page
    assert "Đã nhập đề cương" in page


def test_uploading_the_same_file_twice_keeps_one_copy(consolidator_client):
    upload(consolidator_client, "de-cuong.txt", SEED.read_bytes())
    response = upload(consolidator_client, "de-cuong.txt", SEED.read_bytes())
    assert response.status_code == 302
    assert OutlineDocument.objects.count() == 1


def test_word_outline_is_imported(consolidator_client):
    document = Document()
    for line in ("Đề cương báo cáo sơ kết", "I. Tình hình", "1. Đánh giá chung", "- Gợi ý"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    response = upload(consolidator_client, "so-ket.docx", buffer.getvalue())
    assert response.status_code == 302
    outline = OutlineDocument.objects.get().outline()
    assert outline.sections[0].children[0].prompts == ["Gợi ý"]


def test_text_without_numbering_is_imported_with_a_visible_warning(consolidator_client):
    response = upload(consolidator_client, "ghi-chu.txt", "Báo cáo\nMột đoạn văn.\n".encode())
    assert response.status_code == 302
    page = consolidator_client.get(response["Location"]).content.decode()
    assert "Không tìm thấy đề mục có đánh số" in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("trong.txt", b"  \n\n", "trống"),
        ("rac.txt", bytes(range(256)) * 40, "không phải là tệp văn bản"),
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048, ".doc"),
        ("gia.docx", "I. Không phải zip".encode(), "Word"),
    ],
)
def test_bad_files_get_a_vietnamese_message_and_nothing_is_saved(
    consolidator_client, name, data, message
):
    response = upload(consolidator_client, name, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Không nhập được:" in html
    assert message in html
    assert "Traceback" not in html
    assert OutlineDocument.objects.count() == 0


def test_a_fifty_megabyte_upload_is_refused_before_it_is_read(consolidator_client):
    response = upload(consolidator_client, "lon.txt", b"a" * (50 * 1024 * 1024))
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.content.decode()
    assert OutlineDocument.objects.count() == 0


def test_officers_without_the_role_cannot_import(client, django_user_model):
    user = django_user_model.objects.create_user("viet", password="mat-khau-thu-nghiem")
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert upload(client, "de-cuong.txt", SEED.read_bytes()).status_code == 403
    assert 'href="/de-cuong/nhap/"' not in client.get(reverse("outlines:list")).content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_guidance_docx_with_its_appendix_opens_a_campaign_with_its_indicators(
    consolidator_client,
):
    """Issue 12: a guidance document imported in the browser arrives with its indicators and
    opens a campaign (the years of the form win; without them, the table's)."""
    from baocao.apps.campaigns.models import Campaign

    data = guidance_docx(
        ["Hướng dẫn sơ kết 5 năm Chỉ thị 05", "I. Kết quả", "1. Phát triển đoàn viên",
         "2. Thương lượng tập thể", "II. Phương hướng", "Phụ lục: biểu số liệu"],
        [
            ("TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2019", "Năm 2024", "Ghi chú"),
            ("1", "Số đoàn viên", "người", "", "", "Mục I.1"),
            ("2", "Số thỏa ước lao động tập thể", "bản", "", "", "Mục I.2"),
        ],
    )  # fmt: skip
    response = upload(consolidator_client, "huong-dan-ct05.docx", data)
    assert response.status_code == 302
    stored = OutlineDocument.objects.get()
    page = consolidator_client.get(stored.get_absolute_url()).content.decode()
    assert "Số đoàn viên" in page and "Số thỏa ước lao động tập thể" in page
    assert stored.outline().years == {"baseline": 2019, "current": 2024}

    Unit.objects.create(
        code="KT-DH", name="LĐLĐ huyện Đăk Hà", kind=UnitKind.DISTRICT,
        parent=Unit.objects.get(code="KT"),
    )  # fmt: skip
    response = consolidator_client.post(
        reverse("campaigns:open"),
        {
            "name": "Sơ kết 5 năm Chỉ thị 05",
            "outline": stored.pk,
            "root_unit": Unit.objects.get(code="KT").pk,
            "kinds": [UnitKind.DISTRICT],
            "deadline": "2030-06-30",
            "baseline_year": "2020",
            "current_year": "2025",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    campaign = Campaign.objects.get()
    assert campaign.years == [2020, 2025]  # the form's years win
    assert [i.name for i in campaign.catalogue.indicators] == [
        "Số đoàn viên",
        "Số thỏa ước lao động tập thể",
    ]
    report = campaign.reports.get()
    html = consolidator_client.get(
        reverse("campaigns:report", args=[campaign.slug, report.unit.code])
    ).content.decode()
    assert "Số đoàn viên" in html and "Năm 2025" in html  # its table, with the years
