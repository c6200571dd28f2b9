"""`baocao units import|export`: the unit tree as a spreadsheet, from the command line.

The same services as the web page: a bad file is refused whole with its rows' problems.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from baocao.cli.django_setup import setup_django

app = typer.Typer(no_args_is_help=True)
err = Console(stderr=True)


class Format(enum.StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="Tệp danh sách đơn vị: .xlsx hoặc .csv")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ kiểm tra và đếm, không lưu gì.")
    ] = False,
) -> None:
    """Nhập (hoặc cập nhật theo mã) cây đơn vị từ tệp XLSX/CSV; tệp có lỗi thì không nhập gì."""
    setup_django()
    from baocao.apps.orgs.services import import_units
    from baocao.errors import InputError

    try:
        data = path.read_bytes()
    except OSError as exc:
        err.print(
            f"[red]Lỗi:[/red] không đọc được tệp {escape(str(path))}: {escape(exc.strerror or str(exc))}"
        )
        raise typer.Exit(2) from exc
    try:
        result = import_units(data, path.name, dry_run=dry_run)
    except InputError as exc:
        err.print(f"[red]Lỗi:[/red] {escape(exc.message)}")
        raise typer.Exit(2) from exc
    verb = "Đã kiểm tra" if dry_run else "Đã nhập"
    err.print(f"{verb} {escape(path.name)}: {result.summary()}.")
    for row, what in result.updated[:20]:
        err.print(f"  cập nhật {escape(row.code)} ({', '.join(what)})")
    if len(result.updated) > 20:
        err.print(f"  ... và {len(result.updated) - 20} đơn vị khác")


@app.command("export")
def export_command(
    root: Annotated[
        str | None,
        typer.Option("--root", help="Mã đơn vị gốc: xuất đơn vị này và các đơn vị trực thuộc."),
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="csv hoặc xlsx")] = Format.xlsx,
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="Tệp ghi ra (CSV có thể ra màn hình)")
    ] = None,
) -> None:
    """Xuất cây đơn vị (cả cây, hoặc từ một đơn vị) ra XLSX hoặc CSV, nhập lại được."""
    setup_django()
    from baocao.apps.orgs.models import Unit
    from baocao.apps.orgs.services import export_units_csv, export_units_xlsx

    unit = None
    if root:
        unit = Unit.objects.filter(code=root).first()
        if unit is None:
            err.print(f"[red]Lỗi:[/red] không có đơn vị mã “{escape(root)}”.")
            raise typer.Exit(2)
    if format is Format.xlsx and out is None:
        err.print("[red]Lỗi:[/red] tệp Excel cần nơi ghi: thêm -o TEN_TEP.xlsx")
        raise typer.Exit(2)
    data = export_units_xlsx(unit) if format is Format.xlsx else export_units_csv(unit)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    out.write_bytes(data)
    count = Unit.objects.subtree(unit).count() if unit else Unit.objects.count()
    err.print(f"Đã ghi {escape(str(out))} ({count} đơn vị).")
