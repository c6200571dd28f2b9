"""Bombs and huge inputs (tests/hostile_files.py) are refused with a Vietnamese message saying
what is too large, by every reader a user can give a file to: the report ingest (Word, Excel),
the outline import (Word, YAML, text) and the unit import (Excel, CSV).

Each file is read in a child process under an address-space limit of 1 GB, so a reader that
builds the whole bomb ends in a MemoryError (or a crash) there, which fails the test, instead of
swapping the machine. Times and peak memory are bench/bench_hostile.py's, not asserted here.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import hostile_files
import pytest
from office_files import to_bytes

from baocao import officefile
from baocao.ingest import ingest_docx
from baocao.outline.builtin import load_builtin
from baocao.unitfile import UnitRow, read_units, write_xlsx

ADDRESS_SPACE = 1 << 30
# Kept for the benchmark only: the same caps as cases tested here, slower to build or to read.
BENCH_ONLY = {"units xlsx: 2.5 million cells", "xlsx: a 190 MB sheet"}
TESTED = [name for name in hostile_files.CASES if name not in BENCH_ONLY]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, dict]:
    """Every tested case read in one child process under the limit; its outcome by name."""
    folder = tmp_path_factory.mktemp("hostile")
    built: dict[tuple, Path] = {}
    arguments = []
    for number, name in enumerate(TESTED):
        case = hostile_files.CASES[name]
        key = (case.build, Path(case.name).suffix)
        if key not in built:
            built[key] = folder / f"{number}{Path(case.name).suffix}"
            case.build(built[key])
        arguments += [case.reader, str(built[key]), case.name]
    child = subprocess.run(
        [sys.executable, hostile_files.__file__, str(ADDRESS_SPACE), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = child.stdout.splitlines()
    results = dict(zip(TESTED, (json.loads(line) for line in lines), strict=False))
    for name in TESTED[len(lines) :]:
        results[name] = {"error": f"the child ended ({child.returncode}): {child.stderr[-2000:]}"}
    return results


@pytest.mark.parametrize("name", TESTED)
def test_each_hostile_file_is_refused_with_a_vietnamese_message(outcomes, name):
    outcome = outcomes[name]
    assert "error" not in outcome, outcome["error"]
    message = outcome.get("refused", "")
    assert hostile_files.CASES[name].words in message, message
    assert "Hãy" in message or "hãy" in message  # it says what to do


def test_a_unit_list_larger_than_a_part_read_whole_is_still_read():
    """A worksheet is streamed row by row, so a unit list past the cap of a part parsed whole
    (here 40,000 units, 1.3 million nodes, as the unit export writes them) is read, not refused:
    the national tree (130,000 units) must survive its own export and import."""
    rows = [UnitRow("KT", "LĐLĐ tỉnh Kon Tum", "province")] + [
        UnitRow(f"KT-{n:05d}", f"Công đoàn cơ sở Trường số {n}", "grassroots", "KT", "")
        for n in range(40_000)
    ]
    data = write_xlsx(rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        counter_free = officefile.xml_problem(archive, officefile.EXCEL_LIMITS)
    assert counter_free == ""
    assert len(read_units(data, "don_vi.xlsx")) == 40_001


def test_a_long_real_report_is_read():
    """8,000 paragraphs under 400 headings, with numbering, tables and formatting: a report of
    a few hundred pages is well within the caps."""
    document = docx.Document()
    for number in range(400):
        document.add_heading(f"{number + 1}. Kết quả thực hiện nhiệm vụ {number + 1}", level=2)
        for line in range(20):
            run = document.add_paragraph().add_run(f"Đoạn {line}: công đoàn đã tổ chức tốt.")
            run.bold = line % 3 == 0
        table = document.add_table(rows=3, cols=3)
        table.rows[0].cells[0].text = "Chỉ tiêu"
    result = ingest_docx(to_bytes(document), load_builtin())
    assert sum(len(text) for text in result.sections.values()) + len(result.unassigned) > 0


CLI_CASES = {
    "import": "yaml: nested aliases (billion laughs)",
    "show": "yaml: recursive alias",
}


@pytest.mark.parametrize("command", CLI_CASES)
def test_the_outline_command_refuses_a_yaml_bomb_with_its_message(tmp_path, command):
    """`baocao outline import|show`, run as a command under the same 1 GB limit: the message
    and exit code 2, no traceback."""
    case = hostile_files.CASES[CLI_CASES[command]]
    path = tmp_path / case.name
    case.build(path)
    program = (
        "import resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE})); "
        "from baocao.cli import app; sys.argv[0] = 'baocao'; app()"
    )
    child = subprocess.run(
        [sys.executable, "-c", program, "outline", command, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert child.returncode == 2, child.stderr[-2000:]
    assert case.words in child.stderr
    assert "Traceback" not in child.stderr + child.stdout
