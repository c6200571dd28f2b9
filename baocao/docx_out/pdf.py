"""DOCX to PDF through LibreOffice, where the server has it (package libreoffice-writer).

Each conversion runs `soffice --headless` with its own throw-away profile, so conversions can
run side by side and never meet a desktop LibreOffice of the same user; a conversion that
hangs is killed with everything it started.
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
_EXECUTABLES = ("soffice", "libreoffice")
NOT_INSTALLED = (
    "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản DOCX, "
    "hoặc cài LibreOffice (gói libreoffice-writer)."
)
FAILED = "Không chuyển được báo cáo sang PDF; hãy tải bản DOCX và lưu thành PDF bằng Word."


def libreoffice_available() -> bool:
    return _soffice() is not None


def docx_to_pdf(docx_bytes: bytes, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The PDF of a DOCX; InputError (Vietnamese, saying what to do) when it cannot be made."""
    return convert(docx_bytes, ".docx", "pdf", timeout=timeout)


def convert(
    data: bytes,
    suffix: str,
    target: str,
    *,
    timeout: float = TIMEOUT_SECONDS,
    not_installed: str = NOT_INSTALLED,
    failed: str = FAILED,
) -> bytes:
    """`data` (a file ending in `suffix`) converted by LibreOffice to `target` ("pdf", "docx",
    "xlsx"); InputError with `not_installed` or `failed` when it cannot be done."""
    soffice = _soffice()
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
            target,
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        returncode, output = _run(command, timeout, work, failed)
        produced = work / "out" / f"baocao.{target}"
        if returncode != 0 or not produced.exists():
            raise InputError(failed, detail=f"soffice exit {returncode}: {output[-500:]}")
        return produced.read_bytes()


def _soffice() -> str | None:
    for name in _EXECUTABLES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(command: list[str], timeout: float, work: Path, failed: str = FAILED) -> tuple[int, str]:
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
