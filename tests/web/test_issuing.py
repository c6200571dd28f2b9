"""Issuing a unit's report (baocao.apps.issuing): numbers from the unit's register, the copy
that never changes, who may issue, the issuing page, the signed PDF that verifies against the
test CA (web and `baocao issue` / `baocao verify`)."""

from __future__ import annotations

import datetime
import io
import threading

import pytest
from django.db import connection
from django.urls import reverse
from docx import Document
from signing_ca import make_ca
from typer.testing import CliRunner

from baocao import signing
from baocao.apps.audit.models import AuditEntry
from baocao.apps.campaigns import actions as campaign_actions
from baocao.apps.issuing import actions
from baocao.apps.issuing.models import Immutable, IssuedDocument, OutgoingRegister
from baocao.apps.orgs.models import Role, UnitKind
from baocao.cli import app
from baocao.libreoffice import available as libreoffice_available

from .campaign_scenario import nq20_document, report_of

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 1, 5)
SIGNER = actions.Signer(name="Nguyễn Văn A")
needs_libreoffice = pytest.mark.skipif(
    not libreoffice_available(),
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
)


@pytest.fixture
def no_pdf(monkeypatch):
    """A server without LibreOffice: the copy is the DOCX, with the reason (fast tests)."""
    monkeypatch.setattr("baocao.libreoffice.executable", lambda: None)


@pytest.fixture
def officers(tree, member, django_user_model):
    return {
        "consolidator": member("tinh", tree.province, Role.CONSOLIDATOR, Role.WRITER),
        "writer": member("tinh.viet", tree.province, Role.WRITER),
        "district": member("dakha", tree.dakha, Role.CONSOLIDATOR, Role.WRITER),
        "admin": django_user_model.objects.create_superuser("quantri"),
    }


@pytest.fixture
def campaign(tree, officers):
    campaign = campaign_actions.open_campaign(
        nq20_document(),
        tree.province,
        kinds=[UnitKind.PROVINCE, UnitKind.DISTRICT],
        deadline=datetime.date(2026, 12, 31),
        actor=officers["admin"],
        name="Tổng kết 10 năm Nghị quyết 20",
        slug="nq20",
    )
    report = report_of(campaign, tree.province)
    campaign_actions.save_section(
        report, "P1/I/1", "<p>Ban Thường vụ đã chỉ đạo.</p>", 0, officers["consolidator"]
    )
    return campaign


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_issuing_twice_gives_numbers_one_and_two_from_the_register(
    campaign, tree, officers, no_pdf
):
    first = actions.issue_report(
        campaign, tree.province, officers["consolidator"], signer=SIGNER, day=DAY
    )
    second = actions.issue_report(
        campaign, tree.province, officers["consolidator"], signer=SIGNER, day=DAY
    )
    assert (first.number, second.number) == (1, 2)
    assert (first.number_text, second.number_text) == ("01/BC-LĐLĐ", "02/BC-LĐLĐ")
    assert OutgoingRegister.objects.get(unit=tree.province, year=2026).last_number == 2
    assert actions.next_number(tree.province, 2026) == 3
    text = docx_text(bytes(second.docx))
    assert "Số: 02/BC-LĐLĐ" in text
    assert "Kon Tum, ngày 05 tháng 01 năm 2026" in text
    assert "TM. BAN THƯỜNG VỤ" in text and "CHỦ TỊCH" in text and "Nguyễn Văn A" in text
    assert "- Tổng Liên đoàn Lao động Việt Nam (để báo cáo);" in text
    assert "Ban Thường vụ đã chỉ đạo." in text
    assert second.pdf is None and "chưa cài LibreOffice" in second.pdf_missing
    entry = AuditEntry.objects.filter(action="report.issue").first()
    assert entry.actor == officers["consolidator"]
    assert entry.details["number"] == "02/BC-LĐLĐ"
    assert entry.details["docx_sha256"] == second.docx_sha256


def test_each_unit_and_year_has_its_own_register(campaign, tree, officers, no_pdf):
    actions.issue_report(campaign, tree.province, officers["consolidator"], signer=SIGNER, day=DAY)
    district = actions.issue_report(
        campaign, tree.dakha, officers["district"], signer=SIGNER, day=DAY
    )
    next_year = actions.issue_report(
        campaign,
        tree.province,
        officers["consolidator"],
        signer=SIGNER,
        day=datetime.date(2027, 1, 2),
    )
    assert (district.number, district.number_text) == (1, "01/BC-LĐLĐ")
    assert "Đăk Hà, ngày 05 tháng 01 năm 2026" in docx_text(bytes(district.docx))
    assert (next_year.year, next_year.number) == (2027, 1)


def test_a_typed_number_already_given_is_refused_and_a_higher_one_moves_the_register_on(
    campaign, tree, officers, no_pdf
):
    officer = officers["consolidator"]
    actions.issue_report(campaign, tree.province, officer, signer=SIGNER, number=14, day=DAY)
    with pytest.raises(actions.NumberTaken) as refused:
        actions.issue_report(campaign, tree.province, officer, signer=SIGNER, number=14, day=DAY)
    assert refused.value.message == (
        "Số 14 năm 2026 đã cấp cho một văn bản khác của đơn vị; hãy dùng số 15 (số tiếp theo "
        "trong sổ văn bản đi) hoặc một số chưa dùng."
    )
    assert IssuedDocument.objects.count() == 1
    assert (
        actions.issue_report(campaign, tree.province, officer, signer=SIGNER, day=DAY).number == 15
    )


def test_a_writer_without_the_consolidator_role_is_refused(campaign, tree, officers, no_pdf):
    for who, unit in (("writer", tree.province), ("district", tree.province)):
        with pytest.raises(campaign_actions.NotAllowed) as refused:
            actions.issue_report(campaign, unit, officers[who], signer=SIGNER, day=DAY)
        assert refused.value.message == (
            "Chỉ người tổng hợp của đơn vị mới được ban hành báo cáo của đơn vị."
        )
    assert not IssuedDocument.objects.exists() and not OutgoingRegister.objects.exists()
    assert not AuditEntry.objects.filter(action="report.issue").exists()


def test_a_signer_needs_a_name(campaign, tree, officers, no_pdf):
    with pytest.raises(campaign_actions.ActionError, match="Hãy ghi họ tên người ký."):
        actions.issue_report(
            campaign, tree.province, officers["consolidator"], signer=actions.Signer(name=" ")
        )


def test_the_issued_copy_never_changes(campaign, tree, officers, no_pdf):
    officer = officers["consolidator"]
    issued = actions.issue_report(campaign, tree.province, officer, signer=SIGNER, day=DAY)
    kept = bytes(issued.docx)
    report = report_of(campaign, tree.province)
    campaign_actions.save_section(report, "P1/I/1", "<p>Đã sửa sau khi ban hành.</p>", 1, officer)
    again = actions.issue_report(campaign, tree.province, officer, signer=SIGNER, day=DAY)

    issued.signer_name = "Người khác"
    with pytest.raises(Immutable):
        issued.save()
    with pytest.raises(Immutable):
        issued.delete()
    stored = IssuedDocument.objects.get(pk=issued.pk)
    assert bytes(stored.docx) == kept and stored.signer_name == "Nguyễn Văn A"
    assert "Ban Thường vụ đã chỉ đạo." in docx_text(kept)
    assert again.number == 2 and "Đã sửa sau khi ban hành." in docx_text(bytes(again.docx))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so there is no race to run",
)
@pytest.mark.django_db(transaction=True)
def test_two_issues_at_once_take_two_numbers(campaign, tree, officers, no_pdf):
    start = threading.Barrier(2)
    numbers, errors = [], []

    def run():
        from django.db import connection as thread_connection

        try:
            start.wait(timeout=10)
            issued = actions.issue_report(
                campaign, tree.province, officers["consolidator"], signer=SIGNER, day=DAY
            )
            numbers.append(issued.number)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and sorted(numbers) == [1, 2]
    assert OutgoingRegister.objects.get(unit=tree.province, year=2026).last_number == 2


# --- the page ------------------------------------------------------------------------------


def page_url(campaign, unit, name="page", *args):
    return reverse(f"issuing:{name}", args=[campaign.slug, unit.code, *args])


def test_the_workspace_links_to_the_issuing_page(client, campaign, tree, officers):
    client.force_login(officers["consolidator"])
    workspace = client.get(reverse("campaigns:consolidate", args=["nq20", "KT"]))
    assert page_url(campaign, tree.province) in workspace.content.decode()


def test_a_consolidator_issues_from_the_page_and_a_writer_only_downloads(
    client, campaign, tree, officers, no_pdf
):
    client.force_login(officers["consolidator"])
    page = client.get(page_url(campaign, tree.province)).content.decode()
    assert "Ban hành báo cáo" in page and 'value="1"' in page and "/BC-LĐLĐ" in page
    assert "Báo cáo này chưa được ban hành." in page
    response = client.post(
        page_url(campaign, tree.province, "issue"),
        {
            "number": "7",
            "on_behalf": "TM. BAN THƯỜNG VỤ",
            "signer_title": "Phó Chủ tịch",
            "signer_name": "Trần Thị B",
            "recipients": "Tổng LĐLĐ Việt Nam (để báo cáo)\nTỉnh ủy Kon Tum (để báo cáo)\nLưu: VT",
        },
        follow=True,
    )
    issued = IssuedDocument.objects.get()
    page = response.content.decode()
    assert "Đã ban hành báo cáo số 07/BC-LĐLĐ, chỉ có bản DOCX:" in page
    assert f'id="van-ban-{issued.pk}"' in page
    assert issued.recipients[1] == "Tỉnh ủy Kon Tum (để báo cáo)"
    assert "PHÓ CHỦ TỊCH" in docx_text(bytes(issued.docx))

    client.force_login(officers["writer"])
    page = client.get(page_url(campaign, tree.province)).content.decode()
    assert "Chỉ người tổng hợp của đơn vị mới được ban hành báo cáo" in page
    assert 'name="signer_name"' not in page
    download = client.get(page_url(campaign, tree.province, "download", issued.pk, "docx"))
    assert download.status_code == 200 and bytes(download.content) == bytes(issued.docx)
    assert "07-BC" in download["Content-Disposition"]
    assert (
        client.get(page_url(campaign, tree.province, "download", issued.pk, "pdf")).status_code
        == 404
    )
    refused = client.post(page_url(campaign, tree.province, "issue"), {"number": "8"})
    assert refused.status_code == 403
    assert IssuedDocument.objects.count() == 1


def test_a_number_taken_is_said_on_the_form(client, campaign, tree, officers, no_pdf):
    actions.issue_report(campaign, tree.province, officers["consolidator"], signer=SIGNER)
    client.force_login(officers["consolidator"])
    response = client.post(
        page_url(campaign, tree.province, "issue"),
        {"number": "1", "signer_title": "CHỦ TỊCH", "signer_name": "Nguyễn Văn A"},
    )
    assert response.status_code == 400
    assert "đã cấp cho một văn bản khác của đơn vị; hãy dùng số 02" in response.content.decode()


def test_a_pdf_checked_on_the_page_gets_a_verdict(client, campaign, tree, officers):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officers["writer"])
    garbage = SimpleUploadedFile("van-ban.pdf", b"%PDF-1.4 not really", "application/pdf")
    response = client.post(page_url(campaign, tree.province, "verify"), {"file": garbage})
    assert response.status_code == 200
    assert "Không đọc được tệp PDF: tệp bị hỏng hoặc không phải PDF." in response.content.decode()


# --- signed, with LibreOffice's PDF ---------------------------------------------------------


@pytest.fixture
def keys_folder(tmp_path, settings, monkeypatch):
    """The province's key in BAOCAO_SIGNING_DIR, its password in the environment, the test
    CA's root as BAOCAO_SIGNING_TRUST."""
    ca = make_ca()
    key, root = ca.write(tmp_path, "KT")
    settings.BAOCAO_SIGNING_DIR = str(tmp_path)
    settings.BAOCAO_SIGNING_TRUST = str(root)
    monkeypatch.setenv(signing.password_variable("KT"), ca.password)
    return ca, key, root


@needs_libreoffice
def test_an_issued_and_signed_pdf_verifies_and_a_tampered_copy_fails(
    client, campaign, tree, officers, keys_folder
):
    ca, _key, _root = keys_folder
    client.force_login(officers["consolidator"])
    page = client.get(page_url(campaign, tree.province)).content.decode()
    assert "Ký số bằng khóa của đơn vị" in page
    response = client.post(
        page_url(campaign, tree.province, "issue"),
        {
            "number": "3",
            "on_behalf": "TM. BAN THƯỜNG VỤ",
            "signer_title": "CHỦ TỊCH",
            "signer_name": "Nguyễn Văn A",
            "sign": "on",
        },
        follow=True,
    )
    assert "Đã ban hành báo cáo số 03/BC-LĐLĐ, có chữ ký số." in response.content.decode()
    issued = IssuedDocument.objects.get()
    assert issued.signed and issued.certificate == ca.signer_name
    signed = bytes(
        client.get(page_url(campaign, tree.province, "download", issued.pk, "ky-so")).content
    )
    assert signed == bytes(issued.signed_pdf) and signed.startswith(bytes(issued.pdf))

    roots = signing.load_certificates(ca.root_pem)
    verdict = signing.verify_pdf(signed, roots)
    assert verdict.valid, verdict.summary
    placement = signing.locate(
        bytes(issued.pdf), signing.SignatureBlock(("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"), "Nguyễn Văn A")
    )
    assert placement.found  # the field waits at the signature block of the report

    tampered = signed.replace(b"/Producer", b"/Pr0ducer", 1)
    assert not signing.verify_pdf(tampered, roots).valid

    from django.core.files.uploadedfile import SimpleUploadedFile

    for data, said in ((signed, "Chữ ký số hợp lệ: ký bởi"), (tampered, "KHÔNG hợp lệ")):
        upload = SimpleUploadedFile("bao-cao.pdf", data, "application/pdf")
        checked = client.post(page_url(campaign, tree.province, "verify"), {"file": upload})
        assert said in checked.content.decode()


@needs_libreoffice
def test_the_issue_and_verify_commands(campaign, tree, officers, tmp_path, monkeypatch):
    ca = make_ca()
    key, root = ca.write(tmp_path, "khoa")
    monkeypatch.setenv("MAT_KHAU_KHOA", ca.password)
    out = tmp_path / "bao-cao.pdf"
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "issue",
            "--campaign",
            "nq20",
            "--unit",
            "KT",
            "--number",
            "15",
            "--signer",
            "Nguyễn Văn A",
            "--sign",
            str(key),
            "--password-env",
            "MAT_KHAU_KHOA",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Đã ban hành báo cáo số 15/BC-LĐLĐ của LĐLĐ tỉnh Kon Tum" in result.output
    assert IssuedDocument.objects.get().issued_by == officers["admin"]

    verified = runner.invoke(app, ["verify", str(out), "--trust", str(root)])
    assert verified.exit_code == 0, verified.output
    assert f"Chữ ký số hợp lệ: ký bởi {ca.signer_name}" in " ".join(verified.output.split())

    tampered = tmp_path / "da-sua.pdf"
    tampered.write_bytes(out.read_bytes().replace(b"/Producer", b"/Pr0ducer", 1))
    failed = runner.invoke(app, ["verify", str(tampered), "--trust", str(root)])
    assert failed.exit_code == 1 and "KHÔNG hợp lệ" in failed.output

    untrusted = runner.invoke(app, ["verify", str(out)])
    assert untrusted.exit_code == 1 and "Chưa chỉ ra chứng thư gốc tin cậy" in untrusted.output


def test_verify_says_unsigned_and_exits_one(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    unsigned = tmp_path / "chua-ky.pdf"
    with unsigned.open("wb") as file:
        writer.write(file)
    result = CliRunner().invoke(app, ["verify", str(unsigned)])
    assert result.exit_code == 1
    assert result.output.strip() == "Tệp PDF này không có chữ ký số."


# --- what is said when something is missing -------------------------------------------------


def blank_pdf() -> bytes:
    """A PDF without the report's text: LibreOffice's stand-in where the test needs no layout."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_unit_without_a_report_in_the_campaign_is_told_so(campaign, tree, officers, no_pdf):
    with pytest.raises(campaign_actions.ActionError) as refused:
        actions.issue_report(campaign, tree.cdcs_dh1, officers["admin"], signer=SIGNER)
    assert refused.value.message == (
        "CĐCS UBND xã Đăk Mar không có báo cáo trong đợt “Tổng kết 10 năm Nghị quyết 20”."
    )


def test_without_a_pdf_nothing_is_signed(campaign, tree, officers, no_pdf):
    ca = make_ca()
    key = signing.load_key(ca.p12, ca.password)
    with pytest.raises(campaign_actions.ActionError) as refused:
        actions.issue_report(
            campaign, tree.province, officers["consolidator"], signer=SIGNER, key=(key, None)
        )
    assert refused.value.message.startswith(
        "Chưa ký số được vì chưa có bản PDF: Máy chủ chưa cài LibreOffice"
    )
    assert not IssuedDocument.objects.exists()


def test_an_unsigned_pdf_is_issued_with_an_empty_signature_field(
    client, campaign, tree, officers, monkeypatch
):
    monkeypatch.setattr("baocao.docx_out.pdf.docx_to_pdf", lambda data, **_: blank_pdf())
    client.force_login(officers["consolidator"])
    response = client.post(
        page_url(campaign, tree.province, "issue"),
        {"number": "4", "signer_title": "CHỦ TỊCH", "signer_name": "Nguyễn Văn A"},
        follow=True,
    )
    assert "Đã ban hành báo cáo số 04/BC-LĐLĐ (chưa ký số)." in response.content.decode()
    issued = IssuedDocument.objects.get()
    assert not issued.signed and bytes(issued.pdf).startswith(blank_pdf()[:8])
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    fields = list(enumerate_sig_fields(PdfFileReader(io.BytesIO(bytes(issued.pdf)))))
    assert [name for name, value, _ref in fields] == [signing.SIGNATURE_FIELD]


def test_signing_without_the_units_key_says_what_to_set_up(
    client, campaign, tree, officers, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr("baocao.docx_out.pdf.docx_to_pdf", lambda data, **_: blank_pdf())
    settings.BAOCAO_SIGNING_DIR = str(tmp_path)
    client.force_login(officers["consolidator"])
    page = client.get(page_url(campaign, tree.province)).content.decode()
    assert "Máy chủ chưa có khóa ký số của đơn vị (tệp KT.p12)" in page
    response = client.post(
        page_url(campaign, tree.province, "issue"),
        {"number": "1", "signer_title": "CHỦ TỊCH", "signer_name": "Nguyễn Văn A", "sign": "on"},
    )
    assert response.status_code == 400
    assert (
        "Chưa có khóa ký số của LĐLĐ tỉnh Kon Tum trên máy chủ: quản trị cần đặt tệp KT.p12"
        in response.content.decode()
    )
    assert not IssuedDocument.objects.exists()


def test_the_form_asks_for_a_number(client, campaign, tree, officers, no_pdf):
    client.force_login(officers["consolidator"])
    response = client.post(
        page_url(campaign, tree.province, "issue"),
        {"number": "", "signer_title": "CHỦ TỊCH", "signer_name": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Hãy ghi số văn bản." in page and "Hãy ghi họ tên người ký." in page


def test_a_check_without_the_trusted_roots_file_says_so(client, campaign, tree, officers, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.BAOCAO_SIGNING_TRUST = "/khong/co/ca.pem"
    client.force_login(officers["writer"])
    upload = SimpleUploadedFile("van-ban.pdf", blank_pdf(), "application/pdf")
    response = client.post(page_url(campaign, tree.province, "verify"), {"file": upload})
    assert response.status_code == 503
    assert "Không thấy tệp chứng thư gốc /khong/co/ca.pem" in response.content.decode()


def test_a_pdf_too_big_to_check_is_refused(client, campaign, tree, officers, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    monkeypatch.setattr("baocao.apps.issuing.views.MAX_PDF_BYTES", 100)
    client.force_login(officers["writer"])
    upload = SimpleUploadedFile("van-ban.pdf", blank_pdf(), "application/pdf")
    response = client.post(page_url(campaign, tree.province, "verify"), {"file": upload})
    assert response.status_code == 400
    assert "Tệp quá lớn: tệp PDF cần kiểm tra tối đa" in response.content.decode()


def test_the_issue_command_names_the_account_and_writes_the_docx(
    campaign, tree, officers, tmp_path
):
    runner = CliRunner()
    base = ["issue", "--campaign", "nq20", "--unit", "KT", "--signer", "Nguyễn Văn A"]
    unknown = runner.invoke(app, [*base, "--as", "khong-co", "-o", str(tmp_path / "a.docx")])
    assert unknown.exit_code == 2
    assert "Không có tài khoản đang hoạt động tên “khong-co”." in unknown.output

    out = tmp_path / "bao-cao.docx"
    result = runner.invoke(app, [*base, "--as", "tinh", "-o", str(out)])
    assert result.exit_code == 0, result.output
    issued = IssuedDocument.objects.get()
    assert issued.issued_by == officers["consolidator"]
    assert out.read_bytes() == bytes(issued.docx)


def test_the_issue_command_writes_the_docx_when_no_pdf_could_be_made(
    campaign, tree, officers, tmp_path, monkeypatch
):
    from baocao.docx_out import pdf as docx_pdf
    from baocao.errors import InputError

    def fails(data, **_):
        raise InputError(docx_pdf.FAILED)

    monkeypatch.setattr("baocao.docx_out.pdf.docx_to_pdf", fails)
    monkeypatch.setattr("baocao.libreoffice.executable", lambda: "/usr/bin/soffice")
    out = tmp_path / "bao-cao.pdf"
    result = CliRunner().invoke(
        app,
        ["issue", "--campaign", "nq20", "--unit", "KT", "--signer", "Nguyễn Văn A", "-o", str(out)],
    )
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "Chưa có bản PDF (Không chuyển được báo cáo sang PDF" in said
    assert not out.exists() and (tmp_path / "bao-cao.docx").exists()
