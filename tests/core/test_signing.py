"""Digital signatures (baocao.signing): a PDF signed with a key of a throw-away CA made here
verifies, by this module and by pyHanko's own validator, against that CA only; a byte changed
in the signed range, or content added after signing, makes it fail; an unsigned or damaged
file says so. The visible signature sits at the signature block of the report."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from signing_ca import make_ca

from baocao import signing
from baocao.errors import InputError
from baocao.libreoffice import available as libreoffice_available

ON_BEHALF, POSITION, NAME = "TM. BAN THUONG VU", "CHU TICH", "Nguyen Van A"
BLOCK = signing.SignatureBlock((ON_BEHALF, POSITION), NAME)
NUMBER_LINE = b"(So: 01/BC-LDLD)"
HEX_SWAP = bytes.maketrans(b"0123456789ABCDEFabcdef", b"123456789ABCDEF0bcdefa")


def simple_pdf() -> bytes:
    """One A4 page in Times (a standard font, nothing embedded): the number, then a signature
    block at the right as the report prints it, with the space for the signature."""
    writer = PdfFileWriter(stream_xrefs=False)
    name = generic.NameObject
    font = writer.add_object(
        generic.DictionaryObject(
            {
                name("/Type"): name("/Font"),
                name("/Subtype"): name("/Type1"),
                name("/BaseFont"): name("/Times-Bold"),
            }
        )
    )
    text = b"BT /F1 13 Tf 90 760 Td " + NUMBER_LINE + b" Tj ET\n"
    text += b"BT /F1 14 Tf 360 354 Td (" + ON_BEHALF.encode() + b") Tj ET\n"
    text += b"BT /F1 14 Tf 400 338 Td (" + POSITION.encode() + b") Tj ET\n"
    text += b"BT /F1 11 Tf 90 340 Td (- Luu: VT.) Tj ET\n"  # the other column, same height
    text += b"BT /F1 14 Tf 390 257 Td (" + NAME.encode() + b") Tj ET\n"
    contents = writer.add_object(generic.StreamObject(stream_data=text))
    page = generic.DictionaryObject(
        {
            name("/Type"): name("/Page"),
            name("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 595, 842))),
            name("/Contents"): contents,
            name("/Resources"): generic.DictionaryObject(
                {name("/Font"): generic.DictionaryObject({name("/F1"): font})}
            ),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def ca():
    return make_ca()


@pytest.fixture(scope="module")
def key(ca):
    return signing.load_key(ca.p12, ca.password, label="KT.p12")


@pytest.fixture(scope="module")
def roots(ca):
    return signing.load_certificates(ca.root_pem)


@pytest.fixture(scope="module")
def signed(key) -> bytes:
    return signing.sign(simple_pdf(), key, block=BLOCK, reason="Ban hành", location="Kon Tum")


def pyhanko_status(data: bytes, roots):
    """pyHanko's own validator, called directly: the status of the document's one signature."""
    [embedded] = PdfFileReader(io.BytesIO(data)).embedded_signatures
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    return signing.run_outside_event_loop(
        validate_pdf_signature, embedded, signer_validation_context=context
    )


def test_a_signed_pdf_verifies_against_the_test_ca(signed, roots, ca):
    status = pyhanko_status(signed, roots)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == ca.signer_name

    verdict = signing.verify_pdf(signed, roots)
    assert verdict.valid and verdict.signed and not verdict.modified
    assert verdict.signer == ca.signer_name
    assert abs(verdict.signed_at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(
        minutes=10
    )
    assert verdict.summary.startswith(f"Chữ ký số hợp lệ: ký bởi {ca.signer_name} lúc ")
    assert verdict.summary.endswith("văn bản không bị sửa đổi sau khi ký.")


def test_the_signature_is_pades_with_sha256_and_certifies_the_document(signed):
    reader = PdfFileReader(io.BytesIO(signed))
    [embedded] = reader.embedded_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.md_algorithm == "sha256"
    assert embedded.docmdp_level is not None  # a certification signature


def test_a_byte_changed_in_the_signed_range_fails(signed, roots):
    tampered = signed.replace(NUMBER_LINE, b"(So: 07/BC-LDLD)", 1)
    assert tampered != signed and len(tampered) == len(signed)

    status = pyhanko_status(tampered, roots)
    assert not status.intact and not status.bottom_line
    verdict = signing.verify_pdf(tampered, roots)
    assert not verdict.valid and verdict.modified
    assert "KHÔNG hợp lệ: nội dung văn bản đã bị thay đổi sau khi ký" in verdict.summary


def test_content_added_after_signing_fails(signed, roots):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    extra = generic.StreamObject(stream_data=b"BT /F1 14 Tf 90 600 Td (Them sau khi ky) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(extra))
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(signed)  # an incremental update: the signed bytes are intact

    status = pyhanko_status(updated, roots)
    assert status.intact and not status.bottom_line
    verdict = signing.verify_pdf(updated, roots)
    assert not verdict.valid and verdict.modified
    assert "văn bản đã bị sửa đổi sau khi ký" in verdict.summary


def test_a_damaged_signature_value_is_not_valid(signed, roots):
    """The document as signed, but the signature's last bytes (its value) changed."""
    from asn1crypto import cms

    start = re.search(rb"/Contents\s*<", signed).end()
    der = bytes.fromhex(signed[start : signed.index(b">", start)].decode())
    end = start + 2 * len(cms.ContentInfo.load(der).dump())
    damaged = signed[: end - 8] + signed[end - 8 : end - 4].translate(HEX_SWAP) + signed[end - 4 :]
    assert damaged != signed

    verdict = signing.verify_pdf(damaged, roots)
    [check] = verdict.signatures
    assert check.intact and not verdict.valid
    assert verdict.summary.startswith(
        "Chữ ký số của LIÊN ĐOÀN LAO ĐỘNG TỈNH KON TUM không kiểm tra được: chữ ký bị hỏng"
    )


def test_a_pdf_with_a_password_is_not_checked(roots):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    verdict = signing.verify_pdf(out.getvalue(), roots)
    assert not verdict.valid
    assert verdict.summary == (
        "Tệp PDF có mật khẩu nên không kiểm tra được chữ ký; hãy gửi bản không đặt mật khẩu."
    )


def test_without_a_vietnamese_font_the_server_says_what_to_install(key, monkeypatch):
    monkeypatch.setattr("baocao.signing.FONT_FILES", ())
    with pytest.raises(InputError) as raised:
        signing.sign(simple_pdf(), key, block=BLOCK)
    assert "hãy cài gói fonts-liberation2" in raised.value.message


def test_a_certificate_of_another_ca_is_not_trusted(signed):
    stranger = signing.load_certificates(make_ca(root_name="CA khác").root_pem)
    verdict = signing.verify_pdf(signed, stranger)
    [check] = verdict.signatures
    assert check.intact and not check.trusted and not verdict.valid
    assert "không thuộc tổ chức chứng thực tin cậy" in verdict.summary
    assert not signing.verify_pdf(signed).valid  # nothing is trusted unless named


def test_an_unsigned_pdf_says_unsigned(roots):
    verdict = signing.verify_pdf(simple_pdf(), roots)
    assert not verdict.signed and not verdict.valid
    assert verdict.summary == "Tệp PDF này không có chữ ký số."


def test_a_file_that_is_no_pdf_says_so(roots):
    verdict = signing.verify_pdf(b"PK\x03\x04 not a pdf", roots)
    assert not verdict.valid
    assert verdict.summary == "Không đọc được tệp PDF: tệp bị hỏng hoặc không phải PDF."


def test_the_visible_signature_fills_the_space_between_the_block_and_the_name(signed):
    placement = signing.locate(simple_pdf(), BLOCK)
    assert placement.found and placement.page == 0
    x0, y0, x1, y1 = placement.box
    assert 257 + 11 <= y0 < y1 <= 338  # above the name, under "CHU TICH"
    assert x0 < 400 < x1 and x1 - x0 == signing.BOX_WIDTH
    [embedded] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    rect = [round(float(v)) for v in embedded.sig_field["/Rect"]]
    assert rect == list(placement.box)


def test_without_the_block_the_signature_goes_to_the_bottom_of_the_last_page():
    placement = signing.locate(simple_pdf(), signing.SignatureBlock(("KT. CHU TICH",)))
    assert not placement.found
    assert placement.box == tuple(round(v) for v in signing.FALLBACK_BOX)


def test_the_appearance_font_is_embedded_with_widths_in_thousandths_of_an_em(signed):
    """pyHanko writes a TrueType font's widths in font units; at 2048 units per em the text of
    the signature was spaced out over twice its width, so the font is scaled to 1000 first."""
    [embedded] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    appearance = embedded.sig_field["/AP"]["/N"]
    fonts = []

    def collect(xobject):
        resources = xobject.get("/Resources", {})
        fonts.extend(font.get_object() for font in resources.get("/Font", {}).values())
        for inner in resources.get("/XObject", {}).values():
            collect(inner.get_object())

    collect(appearance)
    [font] = fonts
    widths = [
        w for item in font["/DescendantFonts"][0]["/W"] if isinstance(item, list) for w in item
    ]
    assert font["/Subtype"] == "/Type0" and widths
    assert max(widths) <= 1000  # no Latin letter is wider than an em


def test_the_seal_image_is_drawn_in_the_signature(key, roots):
    from PIL import Image, ImageDraw

    seal = Image.new("RGB", (120, 120), "white")
    ImageDraw.Draw(seal).ellipse((5, 5, 115, 115), outline="red", width=6)
    png = io.BytesIO()
    seal.save(png, format="PNG")
    data = signing.sign(simple_pdf(), key, block=BLOCK, seal=png.getvalue())
    assert signing.verify_pdf(data, roots).valid
    assert re.search(rb"/Subtype\s*/Image", data)


def test_a_pdf_is_signed_once(signed, key):
    with pytest.raises(InputError, match="đã được ký số"):
        signing.sign(signed, key)


def test_a_prepared_pdf_keeps_its_bytes_and_is_signed_in_its_field(key, roots):
    original = simple_pdf()
    prepared = signing.prepare(original, BLOCK)
    assert prepared.startswith(original)
    signed = signing.sign(prepared, key)
    assert signed.startswith(prepared)
    [embedded] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert embedded.field_name == signing.SIGNATURE_FIELD
    assert signing.verify_pdf(signed, roots).valid


def test_a_wrong_password_says_what_to_check(ca):
    with pytest.raises(InputError) as raised:
        signing.load_key(ca.p12, "sai-mat-khau", label="KT.p12")
    assert raised.value.message == (
        "Không mở được khóa ký số KT.p12: sai mật khẩu, hoặc tệp không phải PKCS#12 (.p12, "
        ".pfx). Hãy kiểm tra tệp và mật khẩu."
    )


def test_an_expired_certificate_does_not_sign():
    expired = make_ca(valid_days=-0.5)
    key = signing.load_key(expired.p12, expired.password)
    with pytest.raises(InputError, match="đã hết hạn ngày"):
        signing.sign(simple_pdf(), key, block=BLOCK)


def test_a_root_file_that_holds_no_certificate_is_refused(ca):
    with pytest.raises(InputError, match="cần tệp PEM"):
        signing.load_certificates(b"-- not a certificate --\n")
    key_only = b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n"
    with pytest.raises(InputError, match="không có chứng thư nào"):
        signing.load_certificates(key_only)


def test_a_units_key_is_found_by_its_code_and_never_outside_the_folder(tmp_path):
    (tmp_path / "KT-DH.p12").write_bytes(b"key")
    (tmp_path / "KT-DH.png").write_bytes(b"seal")
    found = signing.key_file(tmp_path, "KT-DH")
    assert found == tmp_path / "KT-DH.p12"
    assert signing.seal_file(found) == tmp_path / "KT-DH.png"
    assert signing.key_file(tmp_path, "KT") is None
    assert signing.key_file(tmp_path, "../KT-DH") is None
    assert signing.key_file("", "KT-DH") is None
    assert signing.password_variable("KT-DH") == "BAOCAO_SIGNING_PASSWORD_KT_DH"


@pytest.mark.skipif(
    not libreoffice_available(),
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
)
def test_in_the_report_pdf_the_signature_is_under_the_signature_block(key, roots):
    """The report as LibreOffice prints it: the block's lines in Vietnamese, in the right
    column of the signature table, with "Nơi nhận" beside them; the box goes between
    "CHỦ TỊCH" and the name, centred under them."""
    from pypdf import PdfReader

    from baocao.docx_out import Header, ReportDocument, Signature, docx_to_pdf, render_docx
    from baocao.outline.builtin import load_builtin

    report = ReportDocument(
        outline=load_builtin(),
        header=Header(
            "Tổng LĐLĐ Việt Nam",
            "LĐLĐ tỉnh Kon Tum",
            "15/BC-LĐLĐ",
            "Kon Tum",
            datetime.date(2026, 1, 5),
        ),
        signature=Signature(name="Nguyễn Văn A"),
        charts=False,
    )
    pdf = docx_to_pdf(render_docx(report))
    block = signing.SignatureBlock(("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"), "Nguyễn Văn A")
    placement = signing.locate(pdf, block)
    assert placement.found

    lines = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            lines[text.strip()] = (tm[4], tm[5])

    PdfReader(io.BytesIO(pdf)).pages[placement.page].extract_text(visitor_text=visit)
    x0, y0, x1, y1 = placement.box
    assert lines["Nguyễn Văn A"][1] < y0 < y1 < lines["CHỦ TỊCH"][1]
    assert x0 < lines["CHỦ TỊCH"][0] < x1 and x0 > lines["Nơi nhận:"][0]
    signed = signing.sign(signing.prepare(pdf, block), key)
    assert signing.verify_pdf(signed, roots).valid
