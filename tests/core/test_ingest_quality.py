"""The quality floor of mapping free-form reports onto the outline, over the fixture reports
in tests/fixtures/reports (the measured figure is printed by bench/bench_ingest_quality.py
and recorded in bench/README.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "reports"
sys.path.insert(0, str(REPORTS))

import build  # noqa: E402
from score import overall, score_all  # noqa: E402

from baocao.outline.builtin import load_builtin  # noqa: E402

FLOOR = 0.95  # measured 99.9% (692/693) when written
REPORT_FLOOR = 0.85


@pytest.fixture(scope="module")
def scores():
    return score_all(load_builtin())


def test_at_least_twelve_varied_reports_with_their_truth():
    assert len(build.REPORTS) >= 12
    for name in build.REPORTS:
        assert (REPORTS / f"{name}.docx").is_file() and (REPORTS / f"{name}.json").is_file()


def test_the_truth_files_match_the_builder():
    """The expected sections were written by the same code that wrote the documents."""
    for name, make in build.REPORTS.items():
        truth = json.loads((REPORTS / f"{name}.json").read_text(encoding="utf-8"))
        assert json.loads(json.dumps(make().truth(), ensure_ascii=False)) == truth, name


def test_paragraphs_land_in_the_right_section(scores):
    assert overall(scores) >= FLOOR, [m for s in scores for m in s.misses]
    for score in scores:
        assert score.accuracy >= REPORT_FLOOR, (score.name, score.misses)


def test_header_block_and_signature_are_never_taken_for_text(scores):
    for score in scores:
        assert score.matter_right == score.matter_total, (score.name, score.misses)


def test_every_figure_of_the_tables_is_read_and_every_doubtful_one_flagged(scores):
    for score in scores:
        assert (score.values_right, score.values_extra) == (score.values_total, 0), score.misses
        assert score.warnings_right == score.warnings_total, score.name
