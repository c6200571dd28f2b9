"""LibreOffice, where the server has it: one place that finds it and converts files with it.

Used for a report's PDF (`baocao.docx_out.pdf`), for old and OpenDocument files sent back by
units (.doc, .odt, .rtf, .xls, .ods → .docx/.xlsx, `baocao.ingest.files`) and by
`baocao doctor`. Each conversion runs `soffice --headless` with its own throw-away profile, so
conversions can run side by side and never meet a desktop LibreOffice of the same user; a
conversion that hangs is killed with everything it started.

Each conversion is a LibreOffice process of its own, busy on a core for seconds: six PDFs asked
for at once slowed everybody's pages to 20 s. So at most BAOCAO_CONVERSIONS (half the cores by
default, at least one) run at once on this machine, across every gunicorn worker and the
command line: each takes one of that many lock files in BAOCAO_CONVERSION_LOCKS (a folder of
the temporary directory by default) with flock, which the system releases when the process
ends, however it ends. A conversion that finds every slot taken gives up at once with `Busy`
("try again in a minute"): waiting for a slot would hold a worker thread, and six PDFs waiting
held all of them, so that the home page took 15 s (bench/bench_resources.py).

Install: `apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
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
BUSY = (
    "Máy chủ đang bận chuyển đổi tệp; hãy thử lại sau một phút, hoặc lưu tệp dạng Word (.docx) "
    "hay Excel (.xlsx) rồi gửi lại."
)
SLOTS_ENV = "BAOCAO_CONVERSIONS"
LOCKS_ENV = "BAOCAO_CONVERSION_LOCKS"
RETRY_AFTER_SECONDS = 60  # what `Busy` tells the person (and HTTP's Retry-After)


class Busy(InputError):
    """Every conversion slot is taken: try again in a minute."""


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


def slots() -> int:
    """How many conversions may run at once on this machine (BAOCAO_CONVERSIONS)."""
    configured = os.environ.get(SLOTS_ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, (os.cpu_count() or 2) // 2)


def lock_folder() -> Path:
    """Where the slots' lock files are (BAOCAO_CONVERSION_LOCKS): one folder per account."""
    configured = os.environ.get(LOCKS_ENV, "").strip()
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"baocao-conversions-{os.getuid()}"


@contextlib.contextmanager
def conversion_slot(*, busy: str = BUSY) -> Iterator[int]:
    """Hold one of the `slots()` for the `with` block (the slot's number); `Busy` with `busy`
    when every one is taken."""
    folder = lock_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for number in range(slots()):
        handle = os.open(folder / f"slot-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            continue
        try:
            yield number
        finally:
            os.close(handle)  # and with it the lock
        return
    raise Busy(busy, detail=f"all {slots()} conversion slot(s) in {folder} are taken")


def convert(
    data: bytes,
    to: str,
    *,
    suffix: str,
    timeout: float = TIMEOUT_SECONDS,
    not_installed: str = NOT_INSTALLED,
    failed: str = FAILED,
    busy: str = BUSY,
) -> bytes:
    """`data`, a file whose name would end in `suffix` (".docx", ".odt", ".xls", ...),
    converted to the format `to` ("pdf", "docx", "xlsx", "odt").

    InputError with `not_installed` when LibreOffice is absent and with `failed` when the
    conversion fails or takes longer than `timeout` seconds (what LibreOffice said goes in the
    error's `detail`, for the logs); `Busy` with `busy` when the machine already runs as many
    conversions as it may. Callers pass messages that say what to do in their case.
    """
    soffice = executable()
    if soffice is None:
        raise InputError(not_installed)
    with (
        conversion_slot(busy=busy),
        tempfile.TemporaryDirectory(prefix="baocao-convert-") as folder,
    ):
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
