"""An uploaded Office file (Word .docx, Excel .xlsx) checked as a zip package before anything
parses it.

What is refused, each with an `InputError` saying what to do: a file over 20 MB; an old binary
.doc/.xls or a password-protected file (both are OLE containers, not zips); a file that is not a
zip (a text file renamed, a corrupt download); a zip bomb (the expanded size is capped); an
OpenDocument file; a macro-enabled file (.docm, .xlsm); a template (.dotx, .xltx); a zip that is
some other Office document. The outline importer, the report ingest and the indicator workbook
ingest all come through here, so a bad file gets the same answer wherever it is given.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from baocao.errors import InputError

MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
MB = 1024 * 1024

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class Kind:
    """The words a message uses for one kind of Office file."""

    app: str  # "Word"
    document: str  # "tài liệu Word"
    suffix: str  # ".docx"
    save_as: str  # "Tài liệu Word (.docx)"
    old_suffix: str  # ".doc"
    open_suffix: str  # ".odt"
    open_name: str  # "văn bản OpenDocument"
    macro_suffix: str  # ".docm"
    template_suffix: str  # ".dotx"
    new_file: str  # "tài liệu mới"
    main_member: str  # "word/document.xml"
    main_type: bytes  # b"wordprocessingml.document.main"
    template_type: bytes  # b"wordprocessingml.template.main"


WORD = Kind(
    app="Word",
    document="tài liệu Word",
    suffix=".docx",
    save_as="Tài liệu Word (.docx)",
    old_suffix=".doc",
    open_suffix=".odt",
    open_name="văn bản OpenDocument",
    macro_suffix=".docm",
    template_suffix=".dotx",
    new_file="tài liệu mới",
    main_member="word/document.xml",
    main_type=b"wordprocessingml.document.main",
    template_type=b"wordprocessingml.template.main",
)
EXCEL = Kind(
    app="Excel",
    document="bảng tính Excel",
    suffix=".xlsx",
    save_as="Sổ làm việc Excel (.xlsx)",
    old_suffix=".xls",
    open_suffix=".ods",
    open_name="bảng tính OpenDocument",
    macro_suffix=".xlsm",
    template_suffix=".xltx",
    new_file="sổ làm việc mới",
    main_member="xl/workbook.xml",
    main_type=b"spreadsheetml.sheet.main",
    template_type=b"spreadsheetml.template.main",
)
_OTHER_KINDS = (
    ("word/document.xml", " (đây là tài liệu Word)"),
    ("xl/workbook.xml", " (đây là bảng tính Excel)"),
    ("ppt/presentation.xml", " (đây là tệp trình chiếu PowerPoint)"),
)


def subject_of(name: str) -> str:
    """How a message names the file: "Tệp bao_cao.docx", or "Tệp" when it has no name."""
    return f"Tệp {name}" if name != "tệp" else "Tệp"


def too_big(subject: str, size: int, kind: Kind = WORD, noun: str = "đề cương") -> InputError:
    return InputError(
        f"{subject} quá lớn ({size / MB:.0f} MB); tệp {kind.app} {noun} tối đa "
        f"{MAX_BYTES // MB} MB. Hãy xoá bớt hình ảnh hoặc chỉ giữ phần {noun} rồi nhập lại."
    )


def corrupt(subject: str, exc: BaseException, kind: Kind = WORD) -> InputError:
    return InputError(
        f"{subject} bị hỏng hoặc không đúng định dạng {kind.app} ({kind.suffix}) nên không đọc "
        f"được. Hãy mở tệp bằng {kind.app}, chọn Lưu thành (Save As) dạng {kind.save_as} rồi "
        "nhập lại.",
        detail=f"{type(exc).__name__}: {exc}"[:200],
    )


def check_package(data: bytes, subject: str, *, kind: Kind = WORD, noun: str = "đề cương") -> None:
    """Refuse, with a message saying what to do, anything that is not a safe `kind` package.

    `noun` names what the file should hold ("đề cương", "báo cáo") in the messages.
    """
    if len(data) > MAX_BYTES:
        raise too_big(subject, len(data), kind, noun)
    if data[:4] == _OLE_SIGNATURE:
        raise InputError(
            f"Không đọc được {subject.lower()}: tệp {kind.app} được đặt mật khẩu hoặc là định "
            f"dạng {kind.old_suffix} cũ. Hãy mở tệp bằng {kind.app}, gỡ mật khẩu (nếu có) và "
            f"lưu lại dạng {kind.save_as} rồi nhập lại."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:
        raise _not_zip(data, subject, kind) from exc
    try:
        with archive:
            _check_members(archive, subject, kind, noun)
    except InputError:
        raise
    except Exception as exc:
        raise corrupt(subject, exc, kind) from exc


def _not_zip(data: bytes, subject: str, kind: Kind) -> InputError:
    head = data[:4096]
    if head and b"\x00" not in head:
        advice = (
            "Hãy đổi lại đuôi .txt rồi nhập, hoặc mở bằng Word và lưu dạng .docx."
            if kind is WORD
            else f"Hãy mở bằng {kind.app} và lưu dạng {kind.suffix} rồi nhập lại."
        )
        return InputError(
            f"{subject} không phải {kind.document} {kind.suffix} mà là tệp văn bản thường bị "
            f"đổi đuôi. {advice}"
        )
    return InputError(
        f"{subject} không phải {kind.document} {kind.suffix} (tệp hỏng hoặc sai định dạng). Hãy "
        f"mở tệp bằng {kind.app}, lưu lại dạng {kind.save_as} rồi nhập lại."
    )


def _check_members(archive: zipfile.ZipFile, subject: str, kind: Kind, noun: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS or sum(info.file_size for info in infos) > MAX_UNZIPPED:
        raise InputError(
            f"{subject} khi giải nén lớn bất thường (hơn {MAX_UNZIPPED // MB} MB), có thể là "
            f"tệp hỏng hoặc tệp độc hại, nên không được nhập. Hãy mở bằng {kind.app}, chép phần "
            f"{noun} sang một {kind.new_file}, lưu dạng {kind.suffix} rồi nhập lại."
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise InputError(
            f"Không đọc được {subject.lower()}: tệp {kind.app} được đặt mật khẩu. Hãy mở bằng "
            f"{kind.app}, gỡ mật khẩu, lưu lại dạng {kind.suffix} rồi nhập lại."
        )
    sizes = {info.filename: info.file_size for info in infos}
    names = {name.lower() for name in sizes}
    mimetype = small_member(archive, sizes, "mimetype")
    if mimetype.startswith(b"application/vnd.oasis.opendocument") or (
        "content.xml" in names and "meta-inf/manifest.xml" in names
    ):
        raise InputError(
            f"{subject} là {kind.open_name} ({kind.open_suffix}), không phải {kind.document}. "
            f"Hãy mở bằng LibreOffice hoặc {kind.app}, chọn Lưu thành dạng {kind.save_as} rồi "
            "nhập lại."
        )
    types = small_member(archive, sizes, "[Content_Types].xml")
    if b"macroEnabled" in types or any(name.endswith("vbaproject.bin") for name in names):
        raise InputError(
            f"{subject} là {kind.document} có macro ({kind.macro_suffix}); vì an toàn, hệ thống "
            f"không nhận tệp có macro. Hãy mở bằng {kind.app}, chọn Lưu thành dạng "
            f"{kind.save_as} rồi nhập lại."
        )
    if kind.template_type in types:
        raise InputError(
            f"{subject} là tệp mẫu {kind.app} ({kind.template_suffix}). Hãy mở bằng {kind.app}, "
            f"lưu lại dạng {kind.save_as} rồi nhập lại."
        )
    if kind.main_member not in names and kind.main_type not in types:
        other = next(
            (
                said
                for member, said in _OTHER_KINDS
                if member in names and member != kind.main_member
            ),
            "",
        )
        raise InputError(
            f"{subject} là tệp nén nhưng không phải {kind.document}{other}. Hãy chọn đúng tệp "
            f"{noun} dạng {kind.app} ({kind.suffix})."
        )


def small_member(archive: zipfile.ZipFile, sizes: dict[str, int], name: str) -> bytes:
    """A member of at most 1 MB (a mimetype, the content types), else b""."""
    if sizes.get(name, 1 << 30) > 1 * MB:
        return b""
    return archive.read(name)
