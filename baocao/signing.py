"""Digital signatures (ký số) on issued reports: PAdES signing and verification with pyHanko.

Nghị định 30/2020 lets an electronic document be issued with the issuing body's digital
signature; this module signs a report's PDF and checks a signed one, without Django:

- `locate` finds the signature block in the PDF's text (pypdf): the lines "TM. BAN THƯỜNG VỤ"
  and "CHỦ TỊCH" printed by `baocao.docx_out`, the signer's name under them. The visible
  signature goes in the empty space between, centred under the lines (their width is estimated
  from their length: a PDF's text gives where a line starts, not where it ends). When the block
  is not found (another template, text drawn as curves) it goes at a fixed place at the bottom
  right of the last page, `FALLBACK_BOX`.
- `prepare` adds an empty signature field there, so that whoever signs the PDF later (a USB
  token with pyHanko's command, or a signing program) signs at the signature block too.
- `sign` signs as PAdES (baseline B-B: SHA-256, the signer's certificate in the signature), as
  a certification signature that allows later signatures and form filling only. The
  appearance shows who signed (the certificate's name) and when, over the unit's seal image if
  there is one, in a TrueType font with Vietnamese letters (`stamp_font`).
- `verify_pdf` checks every signature of a PDF: intact, made by a certificate chaining to one
  of `trust_roots`, and the document not changed after it; a `Verdict` says so in Vietnamese.

Keys come from PKCS#12 files (`load_key`); where they live and their passwords is the caller's
business (`key_file` and `password_variable` name the convention the web app and the CLI
share). The key of a USB token (PKCS#11) never leaves the token: see README, "Ký số".
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import functools
import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

with warnings.catch_warnings():
    # pyHanko imports cryptography's DSA keys, which warns on import; this module signs and
    # checks RSA and ECDSA only.
    warnings.filterwarnings("ignore", message="DSA is deprecated")
    from asn1crypto import x509
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator import ValidationContext

from baocao.errors import InputError

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "ChuKySo"
VIETNAM_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
# The visible signature: 7 cm wide, 2 cm high unless the space above the name says otherwise,
# text at 9 pt.
BOX_WIDTH = 200.0
BOX_MIN_HEIGHT = 56.0
STAMP_FONT_SIZE = 9
# Where the box goes when the signature block is not found: bottom right of the last page
# (x0, y0, x1, y1 in points from the lower left corner of an A4 page, inside its margins).
FALLBACK_BOX = (340.0, 80.0, 540.0, 150.0)
# How wide a line of capitals of the signature block is, in ems (Times New Roman, bold).
CAPITALS_EM = 0.63
# Fonts with Vietnamese letters for the appearance, first found wins (Debian's paths; the
# PDF itself needs fonts-liberation2 for LibreOffice anyway).
FONT_FILES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
# Changes after a signature that leave the signed document as it was: later signatures and
# form filling (pyHanko's levels above are annotations and any other change).
UNCHANGED = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)

UNREADABLE = "Không đọc được tệp PDF: tệp bị hỏng hoặc không phải PDF."
ENCRYPTED = "Tệp PDF có mật khẩu nên không kiểm tra được chữ ký; hãy gửi bản không đặt mật khẩu."
UNSIGNED = "Tệp PDF này không có chữ ký số."
NO_FONT = (
    "Máy chủ thiếu phông chữ tiếng Việt để hiện chữ ký số trên văn bản; hãy cài gói "
    "fonts-liberation2 (apt-get install fonts-liberation2) rồi ký lại."
)
BROKEN = "chữ ký bị hỏng, hoặc dùng thuật toán không còn được chấp nhận."
ALREADY_SIGNED = "Văn bản này đã được ký số; mỗi bản ban hành chỉ ký một lần."


# --- Where the signature goes ------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureBlock:
    """The signature block as printed: the lines above the space left for the signature
    ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH") and the signer's name under it."""

    lines: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True)
class Placement:
    """Where the visible signature goes: a page (from 0) and a box (x0, y0, x1, y1) in points;
    `found` is False when the block was not found and the box is `FALLBACK_BOX`."""

    page: int
    box: tuple[int, int, int, int]
    found: bool


@dataclass
class _Line:
    text: str
    x: float
    y: float
    size: float


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).upper().split())


def _page_lines(page) -> list[_Line]:
    """The page's text as lines, top to bottom: pieces on one baseline that follow each other
    joined (a piece far to the right, in another column of the same row, starts a line)."""
    pieces: list[_Line] = []

    def visit(text, cm, tm, _font, size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or 1.0
        pieces.append(_Line(text, x, y, (size or 0) * scale))

    page.extract_text(visitor_text=visit)
    lines: list[_Line] = []
    for piece in sorted(pieces, key=lambda p: (-round(p.y), p.x)):
        last = lines[-1] if lines else None
        if (
            last is not None
            and abs(last.y - piece.y) < 1.0
            and piece.x <= last.x + (len(last.text) * 0.75 + 1) * max(last.size, piece.size)
        ):
            last.text += piece.text
            last.size = max(last.size, piece.size)
        else:
            lines.append(_Line(piece.text, piece.x, piece.y, piece.size))
    return lines


def _block_lines(lines: list[_Line], wanted: list[str]) -> list[_Line] | None:
    """The last place where the `wanted` lines are printed one under the other (each within
    two and a half lines of the one above: another column may print between them)."""
    keys = [_key(line.text) for line in lines]
    for start in range(len(lines) - 1, -1, -1):
        if keys[start] != wanted[0]:
            continue
        found = [lines[start]]
        for want in wanted[1:]:
            above = found[-1]
            under = (
                line
                for line, key in zip(lines, keys, strict=True)
                if key == want and 0 < above.y - line.y <= 2.5 * max(above.size, 1.0)
            )
            following = next(under, None)
            if following is None:
                break
            found.append(following)
        if len(found) == len(wanted):
            return found
    return None


def locate(pdf: bytes, block: SignatureBlock) -> Placement:
    """The box between the block's last line and the signer's name, on the last page that
    prints the block's lines one under the other; `FALLBACK_BOX` on the last page otherwise."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages = list(reader.pages)
    except Exception as error:  # pypdf raises many kinds for a damaged file
        raise InputError(UNREADABLE, detail=str(error)) from error
    wanted = [_key(line) for line in block.lines if line.strip()]
    for number in range(len(pages) - 1, -1, -1):
        if not wanted:
            break
        lines = _page_lines(pages[number])
        found = _block_lines(lines, wanted)
        if found is not None:
            below = [line for line in lines if line.y < found[-1].y]
            width = float(pages[number].mediabox.width)
            return Placement(number, _box_under(found, below, block, width), True)
    x0, y0, x1, y1 = FALLBACK_BOX
    return Placement(max(0, len(pages) - 1), (round(x0), round(y0), round(x1), round(y1)), False)


def _box_under(
    found: list[_Line], below: list[_Line], block: SignatureBlock, page_width: float
) -> tuple[int, int, int, int]:
    first, last = found[0], found[-1]
    centre = first.x + len(first.text) * CAPITALS_EM * first.size / 2
    top = last.y - 0.35 * last.size
    name = _key(block.name)
    # The space down to the signer's name (the nearest line with it), or BOX_MIN_HEIGHT.
    tops = (line.y + 0.9 * line.size for line in below if name and _key(line.text) == name)
    bottom = next(tops, top - BOX_MIN_HEIGHT)
    x0 = max(0.0, min(centre - BOX_WIDTH / 2, page_width - BOX_WIDTH))
    return round(x0), round(bottom), round(x0 + BOX_WIDTH), round(top)


def prepare(pdf: bytes, block: SignatureBlock) -> bytes:
    """The PDF with an empty signature field at the signature block (an incremental update:
    the original bytes stay as they were, at the start)."""
    placement = locate(pdf, block)
    writer = _writer(pdf)
    spec = fields.SigFieldSpec(SIGNATURE_FIELD, on_page=placement.page, box=placement.box)
    fields.append_signature_field(writer, spec)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise InputError(UNREADABLE, detail=str(error)) from error


# --- Keys --------------------------------------------------------------------------------------


@dataclass
class SigningKey:
    """A private key and its certificate, ready to sign: `subject` is the certificate's name
    as the appearance shows it, `not_after` when it expires."""

    signer: signers.Signer
    subject: str
    not_after: datetime.datetime


def load_key(p12: bytes, password: str | None, *, label: str = "") -> SigningKey:
    """The key and certificate of a PKCS#12 file (.p12, .pfx); InputError, saying what to
    check, for a wrong password or a damaged file. `label` names the file in messages."""
    secret = password.encode("utf-8") if password else None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=secret)
    except ValueError as error:
        named = f" {label}" if label else ""
        raise InputError(
            f"Không mở được khóa ký số{named}: sai mật khẩu, hoặc tệp không phải PKCS#12 "
            "(.p12, .pfx). Hãy kiểm tra tệp và mật khẩu.",
            detail=str(error),
        ) from error
    cert = signer.signing_cert
    return SigningKey(signer, subject_name(cert), cert.not_valid_after)


def subject_name(cert: x509.Certificate) -> str:
    """How a certificate names its holder: its common name, else the whole subject."""
    names = cert.subject.native
    return names.get("common_name") or cert.subject.human_friendly


def key_file(directory: str | Path, unit_code: str) -> Path | None:
    """`<directory>/<unit code>.p12`, the unit's key, if the file exists (a code that could
    lead out of the directory never does)."""
    if not directory or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", unit_code):
        return None
    path = Path(directory) / f"{unit_code}.p12"
    return path if path.is_file() else None


def seal_file(key_path: Path) -> Path | None:
    """The unit's seal or signature image beside its key (`KT.png` for `KT.p12`), if any."""
    path = key_path.with_suffix(".png")
    return path if path.is_file() else None


def password_variable(unit_code: str) -> str:
    """The environment variable holding the password of a unit's key:
    BAOCAO_SIGNING_PASSWORD_KT_DH for unit KT-DH."""
    return "BAOCAO_SIGNING_PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", unit_code.upper())


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """The certificates of a PEM bundle or a DER file (trusted roots); InputError if none."""
    try:
        found = list(load_certs_from_pemder_data(data))
    except (ValueError, TypeError) as error:
        raise InputError(
            "Không đọc được tệp chứng thư số gốc: cần tệp PEM (.pem, .crt) hoặc DER (.cer).",
            detail=str(error),
        ) from error
    if not found:
        raise InputError("Tệp chứng thư số gốc không có chứng thư nào.")
    return found


# --- Signing -----------------------------------------------------------------------------------


@functools.cache
def _font_1000(path: str) -> bytes:
    """The font scaled to 1000 units per em: pyHanko writes glyph widths in font units, which
    PDF reads as thousandths of an em, so a usual TrueType font (2048) would be spaced out."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(path)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def stamp_font() -> str | None:
    """The path of a font with Vietnamese letters for the appearance (`FONT_FILES`), or None."""
    return next((path for path in FONT_FILES if Path(path).is_file()), None)


class _VietnameseFont(FontEngineFactory):
    def __init__(self, path: str):
        self.data = _font_1000(path)

    def create_font_engine(self, writer, obj_stream=None) -> FontEngine:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(self.data),
            font_size=STAMP_FONT_SIZE,
            obj_stream=obj_stream,
        )


def moment_text(moment: datetime.datetime, tz: datetime.tzinfo = VIETNAM_TIME) -> str:
    """ "13:28:05 ngày 07/12/2026 (+07:00)": a signing time as the appearance and verdicts say."""
    local = moment.astimezone(tz)
    offset = local.strftime("%z")
    return f"{local:%H:%M:%S} ngày {local:%d/%m/%Y} (UTC{offset[:3]}:{offset[3:]})"


def sign(
    pdf: bytes,
    key: SigningKey,
    *,
    block: SignatureBlock | None = None,
    reason: str = "",
    location: str = "",
    seal: bytes | None = None,
) -> bytes:
    """`pdf` signed (PAdES B-B, certifying: later signatures and form filling allowed) in its
    empty signature field, or in one made at `block` (see `prepare`); the appearance shows the
    certificate's name and the signing time, over the `seal` image (PNG) if given."""
    if key.not_after < datetime.datetime.now(datetime.UTC):
        raise InputError(
            f"Chứng thư số của {key.subject} đã hết hạn ngày "
            f"{key.not_after.astimezone(VIETNAM_TIME):%d/%m/%Y}; hãy gia hạn hoặc dùng chứng "
            "thư số mới rồi ký lại."
        )
    font = stamp_font()
    if font is None:
        raise InputError(NO_FONT)
    writer = _writer(pdf)
    existing = _signature_field(writer)
    if existing is not None and "/V" in existing:
        raise InputError(ALREADY_SIGNED)
    new_field = None
    if existing is None:
        placement = locate(pdf, block or SignatureBlock(()))
        new_field = fields.SigFieldSpec(SIGNATURE_FIELD, on_page=placement.page, box=placement.box)
    background = None
    if seal:
        from PIL import Image
        from pyhanko.pdf_utils.images import PdfImage

        background = PdfImage(Image.open(io.BytesIO(seal)))
    style = TextStampStyle(
        stamp_text="Ký số bởi: %(who)s\nThời gian ký: %(when)s",
        text_box_style=TextBoxStyle(font=_VietnameseFont(font), font_size=STAMP_FONT_SIZE),
        border_width=1,
        background=background,
        background_opacity=1.0,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
        certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=key.signer, stamp_style=style, new_field_spec=new_field
    )
    # pyHanko takes its own clock for the signature's time, milliseconds after this one.
    when = moment_text(datetime.datetime.now(datetime.UTC))
    try:
        out = run_outside_event_loop(
            pdf_signer.sign_pdf, writer, appearance_text_params={"who": key.subject, "when": when}
        )
    except (SigningError, PdfError) as error:
        raise InputError(
            "Không ký số được văn bản này; hãy tải bản PDF chưa ký và ký bằng phần mềm ký số.",
            detail=str(error),
        ) from error
    return out.getvalue()


def run_outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous calls run `asyncio.run`, which fails in a thread whose event loop
    is running (an ASGI server, or Playwright's sync API in the same process): there, the call
    runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _signature_field(writer: IncrementalPdfFileWriter):
    """The document's `SIGNATURE_FIELD`, or None."""
    form = writer.root.get("/AcroForm")
    if form is None:
        return None
    for ref in form.get_object().get("/Fields", []):
        candidate = ref.get_object()
        if candidate.get("/T") == SIGNATURE_FIELD:
            return candidate
    return None


# --- Verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a PDF, checked.

    `intact`: the signed bytes are as signed; `trusted`: the certificate chains to a trusted
    root and was valid when it signed; `modified`: the document was changed after it
    (something other than later signatures or form filling was added).
    """

    signer: str
    signed_at: datetime.datetime | None
    intact: bool
    trusted: bool
    modified: bool
    problem: str = ""  # what broke, when the signature could not be checked at all

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and not self.modified and not self.problem

    def summary(self, tz: datetime.tzinfo = VIETNAM_TIME) -> str:
        who = self.signer or "người ký không rõ"
        when = f" lúc {moment_text(self.signed_at, tz)}" if self.signed_at else ""
        if self.problem:
            return f"Chữ ký số của {who} không kiểm tra được: {self.problem}"
        if not self.intact:
            return f"Chữ ký số của {who} KHÔNG hợp lệ: nội dung văn bản đã bị thay đổi sau khi ký."
        if self.modified:
            return (
                f"Chữ ký số của {who}{when} KHÔNG còn giá trị cho văn bản này: văn bản đã bị "
                "sửa đổi sau khi ký (có phần được thêm vào sau chữ ký)."
            )
        if not self.trusted:
            return (
                f"Chữ ký số của {who}{when} còn nguyên vẹn, nhưng chứng thư số không thuộc tổ "
                "chức chứng thực tin cậy, hoặc đã hết hạn hay bị thu hồi khi ký; hãy chỉ ra "
                "chứng thư gốc của tổ chức chứng thực để kiểm tra."
            )
        return f"Chữ ký số hợp lệ: ký bởi {who}{when}; văn bản không bị sửa đổi sau khi ký."


@dataclass(frozen=True)
class Verdict:
    """What `verify_pdf` found: every signature checked (none for an unsigned PDF), or why
    the file could not be read (`error`)."""

    signatures: tuple[SignatureCheck, ...] = ()
    error: str = ""
    tz: datetime.tzinfo = field(default=VIETNAM_TIME, compare=False)

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def valid(self) -> bool:
        return self.signed and all(check.valid for check in self.signatures)

    @property
    def modified(self) -> bool:
        """Whether the document was changed after one of its signatures."""
        return any(check.modified or not check.intact for check in self.signatures)

    @property
    def signer(self) -> str:
        return self.signatures[0].signer if self.signatures else ""

    @property
    def signed_at(self) -> datetime.datetime | None:
        return self.signatures[0].signed_at if self.signatures else None

    @property
    def lines(self) -> list[str]:
        """The verdict in Vietnamese, a line per signature."""
        if self.error:
            return [self.error]
        if not self.signatures:
            return [UNSIGNED]
        return [check.summary(self.tz) for check in self.signatures]

    @property
    def summary(self) -> str:
        return " ".join(self.lines)


def verify_pdf(
    data: bytes,
    trust_roots: Sequence[x509.Certificate] = (),
    *,
    tz: datetime.tzinfo = VIETNAM_TIME,
) -> Verdict:
    """Check every signature of a PDF against `trust_roots` (nothing else is trusted: no
    system store, no fetching of certificates or revocation lists over the network)."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return Verdict(error=ENCRYPTED, tz=tz)
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        logger.info("unreadable PDF: %s", error)
        return Verdict(error=UNREADABLE, tz=tz)
    checks = tuple(_check(signature, trust_roots) for signature in embedded)
    return Verdict(checks, tz=tz)


def _check(signature, trust_roots: Sequence[x509.Certificate]) -> SignatureCheck:
    try:
        cert = signature.signer_cert
        signer = subject_name(cert)
    except (ValueError, KeyError, TypeError) as error:
        logger.info("unreadable signature: %s", error)
        return SignatureCheck("", None, False, False, False, problem=BROKEN)
    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False)
    try:
        status = run_outside_event_loop(
            validate_pdf_signature, signature, signer_validation_context=context
        )
    except (TimeoutError, PdfError, SigningError, ValueError, KeyError, TypeError) as error:
        logger.info("signature of %s not checked: %s", signer, error)
        return SignatureCheck(signer, None, False, False, False, problem=BROKEN)
    level = status.modification_level
    modified = (level is not None and level not in UNCHANGED) or status.docmdp_ok is False
    return SignatureCheck(
        signer=signer,
        signed_at=status.signer_reported_dt,
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        modified=modified,
        # The document is as signed, but the signature does not match the certificate's key.
        problem="" if status.valid or not status.intact else BROKEN,
    )
