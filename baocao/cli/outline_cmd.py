"""`baocao outline import|show`: the outline engine from the command line, without a database."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from baocao.errors import InputError
from baocao.outline.files import open_outline
from baocao.outline.model import Outline, Section
from baocao.outline.serialize import dump_json, dump_yaml

app = typer.Typer(no_args_is_help=True)
err = Console(stderr=True)


class Format(enum.StrEnum):
    yaml = "yaml"
    json = "json"


OutlinePath = Annotated[Path, typer.Argument(help="Tệp đề cương: .txt, .docx hoặc .yaml")]


def _open_or_exit(path: Path) -> Outline:
    try:
        return open_outline(path)
    except InputError as exc:
        err.print(f"[red]Lỗi:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


@app.command("import")
def import_command(
    path: OutlinePath,
    format: Annotated[
        Format, typer.Option("--format", "-f", help="yaml (để sửa) hoặc json")
    ] = Format.yaml,
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="Ghi ra tệp thay vì màn hình")
    ] = None,
) -> None:
    """Import an outline (text or DOCX) into YAML or JSON."""
    outline = _open_or_exit(path)
    text = dump_json(outline) if format is Format.json else dump_yaml(outline)
    if out:
        out.write_text(text, encoding="utf-8")
        err.print(f"Đã ghi {out} ({sum(1 for _ in outline.walk())} mục).")
    else:
        typer.echo(text, nl=False)
    for warning in outline.warnings:
        err.print(f"[yellow]Cảnh báo:[/yellow] {escape(warning)}")


def _add(tree: Tree, section: Section) -> None:
    details = []
    if section.prompts:
        details.append(f"{len(section.prompts)} gợi ý")
    if section.footnotes:
        details.append(f"{len(section.footnotes)} chú thích")
    if section.indicators:
        details.append(f"{len(section.indicators)} chỉ tiêu")
    suffix = f" [dim]({', '.join(details)})[/dim]" if details else ""
    branch = tree.add(
        f"[bold]{escape(section.label)}[/bold] [dim]{escape(section.id)}[/dim]{suffix}"
    )
    for child in section.children:
        _add(branch, child)


@app.command("show")
def show_command(
    path: OutlinePath,
) -> None:
    """Show an outline as a tree."""
    outline = _open_or_exit(path)
    tree = Tree(f"[bold]{escape(outline.title)}[/bold]")
    for section in outline.sections:
        _add(tree, section)
    Console().print(tree)
    for note in outline.footnotes:
        err.print(f"[yellow]Chú thích chưa gắn:[/yellow] {escape(note.text)}")
    for warning in outline.warnings:
        err.print(f"[yellow]Cảnh báo:[/yellow] {escape(warning)}")
