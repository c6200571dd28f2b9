"""LibreOffice, where the server has it: one place that finds it and converts files with it.

Used for a report's PDF (`baocao.docx_out.pdf`), for old and OpenDocument files sent back by
units (.doc, .odt, .rtf, .xls, .ods → .docx/.xlsx, `baocao.ingest.files`) and by
`baocao doctor`. Each conversion runs `soffice --headless` with its own throw-away profile, so
conversions can run side by side and never meet a desktop LibreOffice of the same user; a
conversion that hangs is killed with everything it started.

Install: `apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from baocao.errors import InputError

TIMEOUT_SECONDS = 120
EXECUTABLES = ("soffice", "libreoffice")
NOT_INSTALLED = (
    "Máy chủ chưa cài LibreOffice nên chưa chuyển đổi được tệp; hãy dùng tệp Word (.docx) "
    "hoặc Excel (.xlsx), hoặc nhờ quản trị cài LibreOffice (gói libreoffice-writer)."
)
FAILED = (
    "LibreOffice không chuyển đổi được tệp; tệp có thể bị hỏng hoặc đặt mật khẩu. Hãy mở tệp, "
    "lưu lại dạng Word (.docx) hoặc Excel (.xlsx) rồi thử lại."
)


def executable() -> str | None:
    """The path of LibreOffice's `soffice` on this server, or None when it is not installed."""
    for name in EXECUTABLES:
        path = shutil.which(name)
        if path:
            return path
    return None


def available() -> bool:
    """Whether LibreOffice is installed, so that `convert` can work."""
    return executable() is not None


def convert(
    data: bytes,
    to: str,
    *,
    suffix: str,
    timeout: float = TIMEOUT_SECONDS,
    not_installed: str = NOT_INSTALLED,
    failed: str = FAILED,
) -> bytes:
    """`data`, a file whose name would end in `suffix` (".docx", ".odt", ".xls", ...),
    converted to the format `to` ("pdf", "docx", "xlsx", "odt").

    InputError with `not_installed` when LibreOffice is absent and with `failed` when the
    conversion fails or takes longer than `timeout` seconds (what LibreOffice said goes in the
    error's `detail`, for the logs); callers pass messages that say what to do in their case.
    """
    soffice = executable()
    if soffice is None:
        raise InputError(not_installed)
    with tempfile.TemporaryDirectory(prefix="baocao-convert-") as folder:
        work = Path(folder)
        source = work / f"baocao{suffix}"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            to,
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        returncode, output = _run(command, timeout, work, failed)
        produced = work / "out" / f"baocao.{to}"
        if returncode != 0 or not produced.exists():
            raise InputError(failed, detail=f"soffice exit {returncode}: {output[-500:]}")
        return produced.read_bytes()


def _run(command: list[str], timeout: float, work: Path, failed: str) -> tuple[int, str]:
    environment = dict(os.environ, HOME=str(work))
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=environment,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        raise InputError(failed, detail=f"LibreOffice did not finish in {timeout:g} s") from None
    return process.returncode, output.decode("utf-8", "replace")


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
