"""`baocao outline import|show|add`: the outline engine from the command line. `import` and
`show FILE` need no database; `add` stores an outline and `show SLUG` reads a stored one."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from baocao.cli.django_setup import setup_django
from baocao.errors import InputError
from baocao.outline.files import open_outline
from baocao.outline.model import Outline, Section
from baocao.outline.serialize import dump_json, dump_yaml, outline_contract

app = typer.Typer(no_args_is_help=True)
err = Console(stderr=True)


class Format(enum.StrEnum):
    yaml = "yaml"
    json = "json"


class ShowFormat(enum.StrEnum):
    tree = "tree"
    json = "json"
    yaml = "yaml"


OutlinePath = Annotated[Path, typer.Argument(help="Tệp đề cương: .txt, .docx hoặc .yaml")]


def _fail(message: str) -> NoReturn:
    err.print(f"[red]Lỗi:[/red] {escape(message)}")
    raise typer.Exit(2)


def _warnings(outline: Outline) -> None:
    for warning in outline.warnings:
        err.print(f"[yellow]Cảnh báo:[/yellow] {escape(warning)}")


def _open_or_exit(path: Path) -> Outline:
    try:
        return open_outline(path)
    except InputError as exc:
        _fail(str(exc))


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
    _warnings(outline)


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
    what: Annotated[str, typer.Argument(help="Mã đề cương đã lưu, hoặc tệp .txt/.docx/.yaml")],
    format: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="tree (cây), json hoặc yaml")
    ] = ShowFormat.tree,
) -> None:
    """Show an outline (a stored one by its slug, or a file) as a tree, JSON or YAML.

    JSON is the contract for scripts: each section lists its indicators whole (code, name,
    unit, ...), and the top-level `indicators` holds those attached to no section."""
    outline = _open_or_exit(Path(what)) if Path(what).is_file() else _stored_or_exit(what)
    if format is ShowFormat.json:
        typer.echo(json.dumps(outline_contract(outline), ensure_ascii=False, indent=2))
    elif format is ShowFormat.yaml:
        typer.echo(dump_yaml(outline), nl=False)
    else:
        tree = Tree(f"[bold]{escape(outline.title)}[/bold]")
        for section in outline.sections:
            _add(tree, section)
        Console().print(tree)
    for note in outline.footnotes:
        err.print(f"[yellow]Chú thích chưa gắn:[/yellow] {escape(note.text)}")
    _warnings(outline)


def _stored_or_exit(slug: str) -> Outline:
    setup_django()
    from baocao.apps.outlines.models import OutlineDocument

    document = OutlineDocument.objects.filter(slug=slug).first()
    if document is None:
        _fail(f"Không có tệp hay đề cương đã lưu nào tên “{slug}”.")
    try:
        return document.outline()
    except InputError as exc:
        _fail(str(exc))


@app.command("add")
def add_command(
    path: OutlinePath,
    slug: Annotated[str, typer.Option("--slug", help="Mã đề cương (mặc định: tạo từ tên)")] = "",
    indicators: Annotated[
        Path | None,
        typer.Option(
            "--indicators",
            help="Bảng chỉ tiêu Excel (.xlsx): tệp tải về từ trang sửa đề cương, hoặc một bảng "
            "“Chỉ tiêu | Đơn vị tính | Năm …” như phụ lục của hướng dẫn",
        ),
    ] = None,
) -> None:
    """Store an outline (.txt, .docx with its appendix table, .yaml) and print its slug."""
    outline = _open_or_exit(path)
    if indicators is not None:
        from baocao.outline.indicator_sheet import apply_sheet

        try:
            outline, said = apply_sheet(outline, indicators.read_bytes(), indicators.name)
        except OSError as exc:
            _fail(f"Không đọc được tệp {indicators}: {exc.strerror or exc}.")
        except InputError as exc:
            _fail(str(exc))
        for line in said:
            err.print(escape(line))
    setup_django()
    from baocao.apps.outlines.services import save_imported_outline

    try:
        document, created = save_imported_outline(outline, slug=slug)
    except InputError as exc:
        _fail(str(exc))
    _warnings(outline)
    if not created:
        err.print("Đề cương này đã được lưu trước đó; dùng bản đã có.")
    err.print(f"{sum(1 for _ in outline.walk())} mục, {len(outline.indicators)} chỉ tiêu.")
    typer.echo(document.slug)
