"""How fast Word reports are mapped onto the outline: 200 generated unit reports (each with
every section of the NQ20 outline, bullets and a figures table) written to a temporary folder,
ingested one after the other in this one process, and, for scale, the same files' plain text
extracted by docx2python in the same run.

Prints figures; asserts nothing. Run: `make bench` or `.venv/bin/python bench/bench_ingest_speed.py`.
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reports"))

from build import generate  # noqa: E402

from baocao.ingest import ingest_docx  # noqa: E402
from baocao.outline.builtin import load_builtin  # noqa: E402

COUNT = 200


def main() -> None:
    import docx2python

    outline = load_builtin()
    with tempfile.TemporaryDirectory(prefix="baocao-bench-") as folder:
        paths = []
        for seed in range(COUNT):
            path = Path(folder) / f"bao_cao_{seed:03d}.docx"
            path.write_bytes(generate(seed)[0])
            paths.append(path)
        size = sum(path.stat().st_size for path in paths) / COUNT / 1024

        ingest_docx(paths[0].read_bytes(), outline)  # warm up: imports, the outline's index
        start = time.perf_counter()
        sections = 0
        for path in paths:
            result = ingest_docx(path.read_bytes(), outline, name=path.name)
            sections += len(result.headings)
        ingest_seconds = time.perf_counter() - start

        with docx2python.docx2python(str(paths[0])) as document:
            characters = len(document.text)
        start = time.perf_counter()
        for path in paths:
            with docx2python.docx2python(str(path)) as document:
                characters += len(document.text)
        reference_seconds = time.perf_counter() - start

    rate = COUNT / ingest_seconds
    reference = COUNT / reference_seconds
    print(
        f"{COUNT} generated reports ({size:.0f} KB each, {sections / COUNT:.1f} headings found each)"
    )
    print(f"ingest_docx: {rate:,.1f} documents/s ({ingest_seconds / COUNT * 1000:.1f} ms each)")
    print(
        f"docx2python plain text: {reference:,.1f} documents/s "
        f"({reference_seconds / COUNT * 1000:.1f} ms each)"
    )
    print(f"ratio: ingest is {rate / reference:.1f}x the speed of docx2python's text extraction")


if __name__ == "__main__":
    main()
