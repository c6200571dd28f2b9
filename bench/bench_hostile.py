"""How long each hostile upload takes to be refused, and how much memory it costs: every file
of tests/hostile_files.py (the issue's 20 MB of tiny paragraphs in a small .docx, 190 MB of
XML, huge sheets, YAML alias bombs, ...) read by the reader a person gives it to, each in a
child process of its own (so the peak resident memory printed is that file's alone). Targets:
each refused in under 30 s and 600 MB, an outline YAML bomb in under 2 s.

Then what is accepted at the edge: a report of 45,000 unplaced paragraphs uploaded and
previewed through Django on a fresh SQLite file with the demo (the page shows them a page at a
time), a unit list of 200,000 units as openpyxl writes it (one 83 MB sheet), and the report
the caps only just accept (49,900 paragraphs, a million nodes).

Prints figures; asserts nothing. Run: `.venv/bin/python bench/bench_hostile.py` (or
`make bench`); `--only WORDS` runs the cases whose name contains WORDS.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files  # noqa: E402

TARGET_SECONDS, TARGET_MB, YAML_SECONDS = 30, 600, 2
LOOSE = 45_000
UNITS = 200_000
EDGE = (
    "web: a report of 45,000 unplaced paragraphs",
    "units: a list of 200,000 units",
    "report: the most the caps accept",
)


def child(case: str) -> None:
    if case in hostile_files.CASES:
        bomb = hostile_files.CASES[case]
        path = Path(os.environ["BENCH_HOSTILE_FILE"])
        print(json.dumps(hostile_files.run_case(bomb.reader, path, bomb.name), ensure_ascii=False))
    elif case == EDGE[0]:
        web_edge()
    elif case == EDGE[1]:
        units_edge()
    else:
        path = Path(os.environ["BENCH_HOSTILE_FILE"])
        print(json.dumps(hostile_files.run_case("report", path, "bao_cao.docx")))


def web_edge() -> None:
    """The issue's bomb through the upload page (400), then the largest report of one-line
    paragraphs the caps accept: uploaded, then its preview."""
    harness.child_setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from baocao.apps.campaigns.models import Report, Upload
    from baocao.apps.orgs import scope

    user = get_user_model().objects.get(username="cdcs.nguyenhue")  # its report is returned
    report = Report.objects.select_related("campaign", "unit").get(unit=scope.user_unit(user))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    address = reverse("campaigns:report_upload", args=[report.campaign.slug, report.unit.code])
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        for label in ("bomb", "edge"):
            path = Path(folder) / f"{label}.docx"
            if label == "bomb":
                hostile_files.tiny_paragraphs_docx(path)
            else:
                hostile_files.sentences_docx(path, LOOSE)
            start = time.perf_counter()
            response = client.post(
                address, {"file": SimpleUploadedFile("bao_cao.docx", path.read_bytes())}
            )
            figures[label] = {
                "status": response.status_code,
                "seconds": round(time.perf_counter() - start, 2),
                "peak_mb": round(hostile_files.peak_mb()),
                "file_kb": round(path.stat().st_size / 1024),
            }
    upload = Upload.objects.latest("pk")
    start = time.perf_counter()
    page = client.get(response["Location"])
    html = page.content.decode()
    figures["preview"] = {
        "status": page.status_code,
        "seconds": round(time.perf_counter() - start, 2),
        "html_kb": round(len(page.content) / 1024),
        "options": html.count("<option"),
        "unplaced": len(upload.result["unassigned"]),
        "peak_mb": round(hostile_files.peak_mb()),
    }
    print(json.dumps(figures))


def units_edge() -> None:
    from baocao.unitfile import UnitRow, read_units, write_xlsx

    rows = [UnitRow("KT", "LĐLĐ tỉnh Kon Tum", "province")] + [
        UnitRow(f"KT-{n:06d}", f"Công đoàn cơ sở Trường số {n} xã Đăk Hà", "grassroots", "KT", "")
        for n in range(UNITS)
    ]
    data = write_xlsx(rows)
    del rows
    settled = hostile_files.peak_mb()
    start = time.perf_counter()
    read = read_units(data, "don_vi.xlsx")
    print(
        json.dumps(
            {
                "units": len(read),
                "file_kb": round(len(data) / 1024),
                "seconds": round(time.perf_counter() - start, 2),
                "peak_mb": round(hostile_files.peak_mb()),
                "before_mb": round(settled),
            }
        )
    )


def run(case: str, env: dict[str, str]) -> None:
    if case in hostile_files.CASES:
        bomb = hostile_files.CASES[case]
        with tempfile.TemporaryDirectory(prefix="baocao-hostile-") as folder:
            path = Path(folder) / bomb.name
            bomb.build(path)
            result = harness.run_case(__file__, case, {**env, "BENCH_HOSTILE_FILE": str(path)})
        limit = YAML_SECONDS if bomb.name.endswith(".yaml") else TARGET_SECONDS
        met = (
            "refused" in result
            and bomb.words in result["refused"]
            and result["seconds"] < limit
            and result["peak_mb"] < TARGET_MB
        )
        said = result.get("refused") or result.get("error") or "read"
        if "quá lớn hoặc có cấu trúc bất thường" in said:  # the cap, said in brackets
            said = said[said.find("(") + 1 : said.find(")")]
        said = " ".join(said.split())
        reason = said if len(said) <= 90 else said[:90] + "…"
        print(
            f"{case}: {result['file_kb']:,} KB, {result['seconds']:.2f} s, peak "
            f"{result['peak_mb']} MB, {'refused' if 'refused' in result else 'NOT REFUSED'} "
            f"({reason}) [{'met' if met else 'NOT MET'}]",
            flush=True,
        )
    elif case == EDGE[0]:
        result = harness.run_case(__file__, case, env)
        bomb, edge, shown = result["bomb"], result["edge"], result["preview"]
        print(
            f"web, the issue's bomb uploaded ({bomb['file_kb']} KB): {bomb['status']} in "
            f"{bomb['seconds']} s; a report of {shown['unplaced']:,} unplaced paragraphs "
            f"({edge['file_kb']} KB): upload {edge['status']} in {edge['seconds']} s, preview "
            f"{shown['status']} in {shown['seconds']} s, {shown['html_kb']:,} KB of HTML, "
            f"{shown['options']:,} <option>; worker peak {shown['peak_mb']} MB",
            flush=True,
        )
    elif case == EDGE[2]:
        with tempfile.TemporaryDirectory(prefix="baocao-hostile-") as folder:
            path = Path(folder) / "bao_cao.docx"
            hostile_files.at_the_caps_docx(path)
            result = harness.run_case(__file__, case, {**env, "BENCH_HOSTILE_FILE": str(path)})
        print(
            f"{case} (49,900 paragraphs, {result['file_kb']} KB): "
            f"{'read' if result.get('read') else result}, {result['seconds']:.2f} s, peak "
            f"{result['peak_mb']} MB",
            flush=True,
        )
    else:
        result = harness.run_case(__file__, case, env)
        print(
            f"unit list of {result['units']:,} units ({result['file_kb']:,} KB .xlsx): read in "
            f"{result['seconds']} s, peak {result['peak_mb']} MB ({result['before_mb']} MB "
            "before reading)",
            flush=True,
        )


def main() -> None:
    cases = [*hostile_files.CASES, *EDGE]
    if "--only" in sys.argv:
        words = sys.argv[sys.argv.index("--only") + 1]
        cases = [case for case in cases if words in case]
    harness.main(__file__, child, run, on_sqlite=cases, on_postgres=[])


if __name__ == "__main__":
    main()
