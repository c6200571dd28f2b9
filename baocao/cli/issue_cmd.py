"""`baocao issue` (ban hành a unit's report, optionally signed with a PKCS#12 key) and
`baocao verify` (check a signed PDF; needs no database)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from baocao.cli.export_cmd import CampaignOption, SubmittedOption, UnitOption, load_campaign_unit
from baocao.errors import InputError

err = Console(stderr=True)
out_console = Console()


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]Lỗi:[/red] {escape(message)}")
    raise typer.Exit(code)


def _operator(username: str):
    """Who issues: the account named by --as, else the first active superuser (the operator
    acts as the system, as for `campaign open`)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    found = users.filter(username=username).first() if username else None
    if username and found is None:
        _fail(f"Không có tài khoản đang hoạt động tên “{username}”.")
    found = found or users.filter(is_superuser=True).first()
    if found is None:
        _fail("Cần một tài khoản quản trị (superuser): baocao manage createsuperuser")
    return found


def _key(path: Path, unit_code: str, password_env: str, seal: Path | None):
    from baocao import signing

    variable = password_env or signing.password_variable(unit_code)
    password = os.environ.get(variable)
    if password is None:
        password = typer.prompt(f"Mật khẩu của {path.name}", hide_input=True, default="")
    key = signing.load_key(path.read_bytes(), password or None, label=path.name)
    seal = seal or signing.seal_file(path)
    return key, seal.read_bytes() if seal else None


def issue(
    campaign: CampaignOption,
    unit: UnitOption,
    signer: Annotated[str, typer.Option("--signer", help="Họ tên người ký.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Tệp PDF (hoặc .docx) ghi ra.")],
    number: Annotated[
        int | None,
        typer.Option("--number", min=1, help="Số văn bản (mặc định: số tiếp theo trong sổ)."),
    ] = None,
    title: Annotated[str, typer.Option("--title", help="Chức vụ người ký.")] = "CHỦ TỊCH",
    on_behalf: Annotated[
        str | None,
        typer.Option("--on-behalf", help="Thẩm quyền ký (mặc định: TM. BAN THƯỜNG VỤ/CHẤP HÀNH)."),
    ] = None,
    recipient: Annotated[
        list[str] | None,
        typer.Option("--recipient", help="Nơi nhận (lặp lại cho nhiều nơi)."),
    ] = None,
    sign: Annotated[
        Path | None,
        typer.Option("--sign", exists=True, dir_okay=False, help="Khóa ký số PKCS#12 (.p12)."),
    ] = None,
    password_env: Annotated[
        str,
        typer.Option(
            "--password-env",
            help="Biến môi trường chứa mật khẩu của khóa "
            "(mặc định BAOCAO_SIGNING_PASSWORD_<MÃ ĐƠN VỊ>; không có thì hỏi).",
        ),
    ] = "",
    seal: Annotated[
        Path | None,
        typer.Option("--seal", exists=True, dir_okay=False, help="Ảnh con dấu/chữ ký (PNG)."),
    ] = None,
    include_submitted: SubmittedOption = False,
    as_user: Annotated[
        str, typer.Option("--as", help="Tài khoản ban hành (mặc định: quản trị hệ thống).")
    ] = "",
) -> None:
    """Ban hành báo cáo của một đơn vị: cấp số, ghi người ký, lưu bản chính thức, ký số."""
    from baocao import libreoffice
    from baocao.docx_out import pdf as docx_pdf

    want_pdf = out.suffix.lower() != ".docx"
    if want_pdf and not libreoffice.available():
        _fail(docx_pdf.NOT_INSTALLED)
    try:
        campaign_obj, unit_obj = load_campaign_unit(campaign, unit)
        from baocao.apps.issuing import actions

        key = _key(sign, unit_obj.code, password_env, seal) if sign else None
        issued = actions.issue_report(
            campaign_obj,
            unit_obj,
            _operator(as_user),
            signer=actions.Signer(name=signer, position=title, on_behalf=on_behalf),
            recipients=recipient or [],
            number=number,
            include_submitted=include_submitted,
            key=key,
        )
    except InputError as exc:
        _fail(exc.message)
    what = f"Đã ban hành báo cáo số {issued.number_text} của {unit_obj.name}"
    err.print(f"{escape(what)}, ngày {issued.issued_on:%d/%m/%Y}.")
    if issued.signed:
        err.print(f"Có chữ ký số của {escape(issued.certificate)}.")
    data = bytes(issued.signed_pdf or issued.pdf or b"") if want_pdf else bytes(issued.docx)
    if not data:
        docx_out = out.with_suffix(".docx")
        docx_out.write_bytes(bytes(issued.docx))
        _fail(f"Chưa có bản PDF ({issued.pdf_missing}); đã ghi bản DOCX vào {docx_out}.", 1)
    out.write_bytes(data)
    err.print(f"Đã ghi {out} ({len(data):,} byte).")


def verify(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Tệp PDF.")],
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            exists=True,
            dir_okay=False,
            envvar="BAOCAO_SIGNING_TRUST",
            help="Chứng thư số gốc tin cậy (PEM/DER; lặp lại được; mặc định BAOCAO_SIGNING_TRUST).",
        ),
    ] = None,
) -> None:
    """Kiểm tra chữ ký số của tệp PDF: trả 0 nếu hợp lệ, 1 nếu không hợp lệ hoặc chưa ký."""
    from baocao import signing

    # An untrusted chain is this command's verdict, not a library warning with a traceback.
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    roots = []
    try:
        for path in trust or []:
            roots.extend(signing.load_certificates(path.read_bytes()))
    except InputError as exc:
        _fail(exc.message)
    verdict = signing.verify_pdf(file.read_bytes(), roots)
    for line in verdict.lines:
        style = "green" if verdict.valid else "red"
        out_console.print(f"[{style}]{escape(line)}[/{style}]")
    if not roots and verdict.signed:
        err.print(
            "Chưa chỉ ra chứng thư gốc tin cậy: dùng --trust TỆP.pem (hoặc BAOCAO_SIGNING_TRUST)."
        )
    raise typer.Exit(0 if verdict.valid else 1)


def register(app: typer.Typer) -> None:
    app.command("issue")(issue)
    app.command("verify")(verify)
