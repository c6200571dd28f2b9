"""`baocao ingest`: a filled report (Word) or indicators file (Excel) mapped onto an outline,
without a database, for batch use and for tools.

Prints JSON: {"sections": {section_id: text}, "indicators": {code: {year: value}},
"unassigned": [text], "warnings": [text]}. Values are strings in plain decimal notation
("27850", "5.2"), so no figure loses digits through a float; years are string keys. Section
texts are in the stored format (p, ul, li, strong). `--details` adds the confidence and heading
found per section, the header block, the outline guidance left out and the template's marks.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from baocao.errors import InputError

err = Console(stderr=True)


class Format(enum.StrEnum):
    json = "json"
    text = "text"


class Locale(enum.StrEnum):
    vi = "vi"
    en = "en"


def _outline(spec: str):
    from baocao.outline.builtin import builtin_slugs, load_builtin
    from baocao.outline.files import open_outline

    if spec == "builtin":
        return load_builtin()
    if spec.startswith("builtin:"):
        slug = spec.removeprefix("builtin:")
        if slug not in builtin_slugs():
            raise InputError(
                f"Không có đề cương có sẵn “{slug}”; có: {', '.join(builtin_slugs())}."
            )
        return load_builtin(slug)
    return open_outline(Path(spec))


def ingest(
    file: Annotated[Path, typer.Argument(help="Báo cáo .docx hoặc số liệu .xlsx (cả .doc, .odt)")],
    outline: Annotated[
        str,
        typer.Option(
            "--outline",
            help="Đề cương: tệp .yaml/.docx/.txt, hoặc builtin (builtin:<mã> cho đề cương khác).",
        ),
    ] = "builtin",
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.json,
    locale: Annotated[
        Locale, typer.Option("--locale", help="Cách viết số: vi (1.234,5) hoặc en (1,234.5)")
    ] = Locale.vi,
    details: Annotated[
        bool, typer.Option("--details", help="Thêm độ tin cậy, đề mục tìm thấy, ...")
    ] = False,
) -> None:
    """Map a filled report or indicators file onto an outline and print what was found."""
    from baocao.ingest.files import ingest_file, read_input

    try:
        tree = _outline(outline)
        result = ingest_file(read_input(file), file.name, tree, locale=locale.value)
    except InputError as exc:
        err.print(f"[red]Lỗi:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    names = {indicator.code: indicator.name for indicator in tree.indicators}
    if format is Format.json:
        data = result.to_json(names=names, details=details)
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_text(result, tree, names)


def _print_text(result, tree, names) -> None:
    from baocao.ingest.result import decimal_text
    from baocao.richtext import plain_text

    out = Console()
    for section, _ in tree.walk():
        text = result.sections.get(section.id)
        confidence = result.confidence.get(section.id)
        if text is None and confidence is None:
            continue
        shown = f" [dim]({confidence:.0%})[/dim]" if confidence is not None else ""
        out.print(f"[bold]{escape(section.label[:90])}[/bold]{shown}")
        if text:
            words = plain_text(text)
            out.print(f"  {escape(words[:200])}{'…' if len(words) > 200 else ''}")
    for code, by_year in result.indicators.items():
        values = ", ".join(f"{year}: {decimal_text(v)}" for year, v in sorted(by_year.items()))
        out.print(f"{escape(names.get(code, code))}: {values}")
    for text in result.unassigned:
        err.print(f"[yellow]Chưa xếp vào mục nào:[/yellow] {escape(text[:200])}")
    for warning in result.all_warnings(names):
        err.print(f"[yellow]Cảnh báo:[/yellow] {escape(warning)}")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
