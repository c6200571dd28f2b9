"""`baocao ingest FILE --outline ... --format json`: the ingest from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from baocao.cli import ingest_cmd
from baocao.outline.builtin import builtin_yaml

REPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "reports"


def run(*args: str):
    app = typer.Typer()
    ingest_cmd.register(app)
    app.command("other")(lambda: None)  # more than one command: "ingest" stays a subcommand
    return CliRunner().invoke(app, ["ingest", *args])


def test_json_has_sections_indicators_unassigned_and_warnings(tmp_path):
    outline = tmp_path / "de_cuong.yaml"
    outline.write_text(builtin_yaml(), encoding="utf-8")
    result = run(str(REPORTS / "07_kcn.docx"), "--outline", str(outline), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["sections", "indicators", "unassigned", "warnings"]
    assert data["sections"]["P1/II/4/4.1"].startswith("<p>")
    truth = json.loads((REPORTS / "07_kcn.json").read_text(encoding="utf-8"))
    assert data["indicators"] == truth["values"]  # strings: "5260", never 5260.0
    assert "MỘT SỐ KẾT QUẢ NỔI BẬT KHÁC" in data["unassigned"][0]
    assert any("không có trong đề cương" in w for w in data["warnings"])


def test_details_and_text_format():
    result = run(str(REPORTS / "03_cao_su.docx"), "--details")
    data = json.loads(result.output)
    assert data["confidence"]["P1/III"] > 0.5 and "BÁO CÁO" in data["front_matter"]
    text = run(str(REPORTS / "03_cao_su.docx"), "--format", "text")
    assert text.exit_code == 0 and "III. Đánh giá ưu điểm" in text.output


def test_a_bad_file_exits_2_with_the_message(tmp_path):
    bad = tmp_path / "bao_cao.docx"
    bad.write_bytes(b"not a word file")
    result = run(str(bad))
    assert result.exit_code == 2
    assert "văn bản" in result.output
    missing = run(str(tmp_path / "khong_co.docx"))
    assert missing.exit_code == 2 and "Không tìm thấy" in missing.output
