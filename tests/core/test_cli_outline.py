"""`baocao outline import|show` run as a user would, through the real typer app."""

import json

from typer.testing import CliRunner

from baocao.cli import app

runner = CliRunner()


def test_import_seed_as_json_prints_the_tree(seed_path):
    result = runner.invoke(app, ["outline", "import", str(seed_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"title", "preamble", "sections"}
    part_one = data["sections"][0]
    assert [c["number"] for c in part_one["children"]] == ["I", "II", "III"]
    node = part_one["children"][1]["children"][3]["children"][0]
    assert set(node) == {
        "id", "number", "title", "guidance", "prompts", "footnotes", "indicators", "children",
    }  # fmt: skip
    assert node["id"] == "P1/II/4/4.1"


def test_import_to_yaml_file_then_show_it(tmp_path, seed_path):
    out = tmp_path / "de-cuong.yaml"
    result = runner.invoke(app, ["outline", "import", str(seed_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["outline", "show", str(out)])
    assert shown.exit_code == 0, shown.output
    assert "4.3. Việc đảm bảo quyền lợi" in shown.stdout
    assert "P2/3" in shown.stdout


def test_bad_file_gives_message_and_exit_code_not_traceback(tmp_path):
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"not a zip at all")
    result = runner.invoke(app, ["outline", "import", str(bad)])
    assert result.exit_code == 2
    assert "Lỗi" in result.output
    assert "Traceback" not in result.output


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "outline" in result.stdout
