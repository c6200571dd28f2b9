"""What a digital signature costs an issue (baocao.signing): the report's PDF made by
LibreOffice, the signature block found and the empty field added, the PDF signed (the first
signature of a process scales the font: once), and the signature checked.

    .venv/bin/python bench/bench_signing.py

Uses a throw-away CA made here (tests/signing_ca.py) and the built-in outline with a page of
text per section; prints seconds, best of 5 (the conversion: one run)."""

from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from signing_ca import make_ca  # noqa: E402

from baocao import libreoffice, signing  # noqa: E402
from baocao.docx_out import Header, ReportDocument, Signature, docx_to_pdf, render_docx  # noqa: E402
from baocao.outline.builtin import load_builtin  # noqa: E402

PARAGRAPH = (
    "Ban Thường vụ Liên đoàn Lao động tỉnh đã chỉ đạo các cấp công đoàn quán triệt, triển khai "
    "thực hiện Nghị quyết, gắn với nhiệm vụ chính trị của địa phương và của từng cơ quan, đơn vị."
)


def best(runs: int, call) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    outline = load_builtin()
    texts = {section.id: f"<p>{PARAGRAPH}</p>" * 4 for section, _ in outline.walk()}
    report = ReportDocument(
        outline=outline,
        header=Header(
            "Tổng LĐLĐ Việt Nam",
            "LĐLĐ tỉnh Kon Tum",
            "15/BC-LĐLĐ",
            "Kon Tum",
            datetime.date(2026, 12, 7),
        ),
        section_texts=texts,
        signature=Signature(name="Nguyễn Văn A"),
    )
    block = signing.SignatureBlock(("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"), "Nguyễn Văn A")
    if not libreoffice.available():
        print("skipped: LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
        return
    start = time.perf_counter()
    pdf = docx_to_pdf(render_docx(report))
    print(f"DOCX + PDF (LibreOffice): {time.perf_counter() - start:.2f} s, {len(pdf):,} bytes")

    ca = make_ca()
    key = signing.load_key(ca.p12, ca.password)
    roots = signing.load_certificates(ca.root_pem)
    located, placement = best(5, lambda: signing.locate(pdf, block))
    print(f"signature block found on page {placement.page + 1}: {located:.3f} s")
    prepared_in, prepared = best(5, lambda: signing.prepare(pdf, block))
    print(f"empty field added (locate included): {prepared_in:.3f} s")
    start = time.perf_counter()
    signed = signing.sign(prepared, key)
    print(f"first signature of the process (font scaled): {time.perf_counter() - start:.3f} s")
    signed_in, signed = best(5, lambda: signing.sign(prepared, key))
    print(f"signature: {signed_in:.3f} s, {len(signed) - len(prepared):,} bytes added")
    checked_in, verdict = best(5, lambda: signing.verify_pdf(signed, roots))
    print(f"verification: {checked_in:.3f} s ({'valid' if verdict.valid else 'NOT valid'})")


if __name__ == "__main__":
    main()
