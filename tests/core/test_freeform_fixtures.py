"""The frozen free-form reports of issue 15 (tests/fixtures/freeform) are exactly what their
generator writes, and their answer keys hold together: every paragraph of a document has its
expected section, every figure its indicator, year and value.

How well the ingest does on them is measured by `bench/bench_ingest_quality.py --set
freeform` and recorded in bench/README.md; it is not asserted here, since the figures were
first taken before the ingest was tuned for these reports.
"""

from __future__ import annotations

import io
import json
import sys
from collections import Counter
from pathlib import Path

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "freeform"
sys.path.insert(0, str(FOLDER))

import make_freeform  # noqa: E402

from baocao.outline.builtin import load_builtin  # noqa: E402

MATTER = {"front", "back"}


def truths() -> dict[str, dict]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(FOLDER.glob("*.json"))
    }


def blocks(data: bytes) -> tuple[list[str], list[list[str]]]:
    """(the text paragraphs in reading order, header and signature tables' lines included;
    the tables with a grid, as their rows: the cells that are not empty joined by " | ")."""
    document = docx.Document(io.BytesIO(data))
    paragraphs: list[str] = []
    tables: list[list[str]] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            text = Paragraph(element, document).text
            if text:
                paragraphs.append(text)
        elif element.tag.endswith("}tbl"):
            table = Table(element, document)
            if table.style is not None and table.style.name == "Table Grid":
                tables.append(
                    [" | ".join(c.text for c in row.cells if c.text) for row in table.rows]
                )
            else:  # a layout table: the header block or the signature
                paragraphs.extend(
                    p.text for row in table.rows for c in row.cells for p in c.paragraphs if p.text
                )
    return paragraphs, tables


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("freeform")
    make_freeform.build(folder)
    return folder


def test_at_least_twelve_reports_each_with_its_answer_key():
    names = sorted(path.stem for path in FOLDER.glob("*.docx"))
    assert len(names) >= 12
    assert names == sorted(make_freeform.REPORTS)
    assert sorted(truths()) == names


def test_the_committed_files_are_what_the_generator_writes(rebuilt):
    """The set is frozen: a change to the generator that changes a report fails here."""
    for name in make_freeform.REPORTS:
        committed, fresh = FOLDER / name, rebuilt / name
        assert committed.with_suffix(".json").read_text(encoding="utf-8") == fresh.with_suffix(
            ".json"
        ).read_text(encoding="utf-8"), f"{name}.json differs from what make_freeform.py writes"
        assert make_freeform.document_text(
            committed.with_suffix(".docx").read_bytes()
        ) == make_freeform.document_text(fresh.with_suffix(".docx").read_bytes()), (
            f"{name}.docx differs from what make_freeform.py writes"
        )


def test_every_trap_of_the_issue_is_in_at_least_two_reports():
    seen = Counter(trap for truth in truths().values() for trap in truth["traps"])
    assert set(seen) == set(make_freeform.TRAPS)
    assert min(seen.values()) >= 2, seen
    assert all(len(truth["traps"]) >= 3 for truth in truths().values())


def test_the_answer_keys_speak_of_the_built_in_outline():
    outline = load_builtin()
    assert list(make_freeform.OUTLINE_ORDER) == [section.id for section, _ in outline.walk()]
    places = set(make_freeform.OUTLINE_ORDER) | MATTER | {"unassigned"}
    codes = {indicator.code for indicator in outline.indicators if not indicator.derived}
    years = {str(year) for year in outline.years.values()}
    for name, truth in truths().items():
        assert {p["expected"] for p in truth["paragraphs"]} <= places, name
        for values in (truth["values"], truth["inferable"]):
            assert set(values) <= codes, name
            assert all(set(by_year) <= years for by_year in values.values()), name
        stated = {(f["code"], str(f["year"])): f["value"] for f in truth["figures"]}
        listed = {(c, y): v for c, by_year in truth["values"].items() for y, v in by_year.items()}
        assert stated == listed, name
        assert not set(listed) & {
            (c, y) for c, by_year in truth["inferable"].items() for y in by_year
        }, name


def test_every_paragraph_has_its_section_and_every_figure_is_in_the_document():
    for name, truth in truths().items():
        paragraphs, tables = blocks((FOLDER / f"{name}.docx").read_bytes())
        expected = [p for p in truth["paragraphs"] if not p.get("table_row")]
        assert paragraphs == [p["text"] for p in expected], name
        rows = [row for table in tables for row in table]
        for entry in truth["paragraphs"]:
            if entry.get("table_row"):
                assert entry["text"] in rows, (name, entry["text"])
        row_texts = {p["text"] for p in truth["paragraphs"] if p.get("table_row")}
        for table in tables:
            if all(row in row_texts for row in table):
                continue  # a table of text: every row placed
            # A figures table: its figures are in the key (the rows it has that name no
            # indicator are placed above); its other rows are its header.
            cells = {cell for row in table for cell in row.split(" | ")}
            in_tables = [f["written"] for f in truth["figures"] if f["where"] != "prose"]
            assert any(written in cells for written in in_tables), (name, table[0])
        for figure in truth["figures"]:
            if figure["where"] == "prose":
                assert any(
                    figure["written"] in p["text"]
                    for p in truth["paragraphs"]
                    if p["expected"] == figure["section"]
                ), (name, figure)
            else:
                assert any(figure["written"] in row.split(" | ") for row in rows), (name, figure)
