"""Campaign commands: list, open, close and archive campaigns, add the units added to the tree
later, and remind late units by e-mail.

They call the same functions as the web pages (`actions.open_campaign`, `close_campaign`,
`reminders.remind`), run as the operator of the machine: no login, every unit in reach.
"""

from __future__ import annotations

import datetime

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from baocao.cli.django_setup import setup_django

app = typer.Typer(no_args_is_help=True, add_completion=False)
console = Console()


def _fail(message: str) -> None:
    console.print(f"[red]{escape(message)}[/red]")
    raise typer.Exit(1)


def _campaign(slug: str):
    from baocao.apps.campaigns.models import Campaign

    campaign = Campaign.objects.select_related("root_unit").filter(slug=slug).first()
    if campaign is None:
        _fail(f'Không có đợt báo cáo "{slug}". Xem danh sách: baocao campaign list')
    return campaign


def _operator():
    """The operator acts as the system: an active superuser account, if there is one."""
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
    if operator is None:
        _fail("Cần một tài khoản quản trị (superuser): baocao manage createsuperuser")
    return operator


@app.command("list")
def list_campaigns() -> None:
    """Liệt kê các đợt báo cáo với tiến độ (list campaigns)."""
    setup_django()
    from django.db.models import Count, Q

    from baocao.apps.campaigns.models import Campaign, ReportStatus

    campaigns = Campaign.objects.select_related("root_unit").annotate(
        total=Count("reports"),
        sent=Count(
            "reports",
            filter=Q(reports__status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]),
        ),
    )
    if not campaigns:
        console.print("Chưa có đợt báo cáo nào.")
        return
    table = Table(title="Đợt báo cáo")
    table.add_column("Mã", no_wrap=True)
    for column in ("Tên", "Đơn vị chủ trì", "Hạn nộp", "Đã gửi", "Trạng thái"):
        table.add_column(column)
    for campaign in campaigns:
        table.add_row(
            campaign.slug,
            escape(campaign.name),
            campaign.root_unit.code,
            f"{campaign.deadline:%d/%m/%Y}",
            f"{campaign.sent}/{campaign.total}",
            str(campaign.get_status_display()),
        )
    console.print(table)


@app.command("open")
def open_campaign(
    outline: str = typer.Option(..., "--outline", help="Mã đề cương, ví dụ nq20-10-nam."),
    root: str = typer.Option(..., "--root", help="Mã đơn vị chủ trì, ví dụ KT."),
    kinds: str = typer.Option(
        "",
        "--kinds",
        help="Loại đơn vị phải báo cáo, cách nhau bởi dấu phẩy (mặc định: loại của đơn vị "
        "chủ trì, để nó có báo cáo tổng hợp, và district,sector,zone,grassroots).",
    ),
    deadline: str = typer.Option(..., "--deadline", help="Hạn nộp: 2017-12-15 hoặc 15/12/2017."),
    name: str = typer.Option("", "--name", help="Tên đợt báo cáo (mặc định: tên đề cương)."),
    slug: str = typer.Option("", "--slug", help="Mã đợt báo cáo (mặc định: tạo từ tên)."),
    baseline: int | None = typer.Option(None, "--baseline-year", help="Năm gốc."),
    current: int | None = typer.Option(None, "--current-year", help="Năm hiện tại."),
) -> None:
    """Mở đợt báo cáo: gửi đề cương xuống các đơn vị (open a campaign)."""
    setup_django()
    from baocao.apps.campaigns import actions
    from baocao.apps.campaigns.forms import DEFAULT_KINDS
    from baocao.apps.orgs.models import Unit
    from baocao.apps.outlines.models import OutlineDocument
    from baocao.errors import InputError

    document = OutlineDocument.objects.filter(slug=outline).first()
    if document is None:
        _fail(f'Không có đề cương "{outline}".')
    unit = Unit.objects.filter(code=root).first()
    if unit is None:
        _fail(f'Không có đơn vị mã "{root}".')
    day = _date(deadline)
    operator = _operator()
    try:
        campaign = actions.open_campaign(
            document,
            unit,
            kinds=[kind.strip() for kind in kinds.split(",") if kind.strip()]
            or [unit.kind, *DEFAULT_KINDS],
            deadline=day,
            actor=operator,
            name=name,
            slug=slug,
            baseline_year=baseline,
            current_year=current,
        )
    except InputError as exc:
        _fail(exc.message)
    console.print(
        f"Đã mở đợt báo cáo [bold]{campaign.slug}[/bold] “{escape(campaign.name)}”: "
        f"{campaign.reports.count()} đơn vị, hạn nộp {campaign.deadline:%d/%m/%Y}."
    )


def _date(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    _fail(f'Không hiểu ngày "{text}"; hãy viết 2017-12-15 hoặc 15/12/2017.')
    raise AssertionError  # unreachable: _fail exits


@app.command("close")
def close_campaign(slug: str = typer.Argument(..., help="Mã đợt báo cáo.")) -> None:
    """Kết thúc đợt báo cáo: không sửa, gửi hay duyệt được nữa (close a campaign)."""
    setup_django()
    from baocao.apps.campaigns import actions
    from baocao.apps.campaigns.queries import unsent_reports

    campaign = _campaign(slug)
    operator = _operator()
    if not campaign.is_open:
        console.print(f"Đợt báo cáo [bold]{campaign.slug}[/bold] đã kết thúc từ trước.")
        return
    _listed, unsent = unsent_reports(campaign, limit=1)  # only the count is said
    actions.close_campaign(campaign, operator)
    console.print(
        f"Đã kết thúc đợt báo cáo [bold]{campaign.slug}[/bold]; "
        f"{unsent}/{campaign.reports.count()} đơn vị chưa gửi báo cáo."
    )


@app.command("archive")
def archive_campaign(slug: str = typer.Argument(..., help="Mã đợt báo cáo.")) -> None:
    """Lưu trữ đợt báo cáo đã kết thúc: ẩn khỏi danh sách thường, vẫn xem được (archive)."""
    setup_django()
    from baocao.apps.campaigns import actions
    from baocao.errors import InputError

    campaign = _campaign(slug)
    operator = _operator()
    try:
        actions.archive_campaign(campaign, operator)
    except InputError as exc:
        _fail(exc.message)
    console.print(f"Đã lưu trữ đợt báo cáo [bold]{campaign.slug}[/bold].")


@app.command("add-units")
def add_units(
    campaign: str = typer.Option(..., "--campaign", help="Mã đợt báo cáo."),
    root: str = typer.Option(..., "--root", help="Mã đơn vị: thêm các đơn vị mới dưới nó."),
) -> None:
    """Thêm vào đợt báo cáo các đơn vị mới nhập sau khi mở đợt (add units added later)."""
    setup_django()
    from baocao.apps.campaigns import actions
    from baocao.apps.orgs.models import Unit
    from baocao.errors import InputError

    found = _campaign(campaign)
    unit = Unit.objects.filter(code=root).first()
    if unit is None:
        _fail(f'Không có đơn vị mã "{root}".')
    operator = _operator()
    try:
        added = actions.add_units(found, unit, operator)
    except InputError as exc:
        _fail(exc.message)
    console.print(f"Đã thêm {added} đơn vị vào đợt báo cáo [bold]{found.slug}[/bold].")


DRY_RUN_HELP = "Chỉ liệt kê thư sẽ gửi (đơn vị, địa chỉ, lý do) và đơn vị bị bỏ qua; không gửi."


@app.command("remind")
def remind_command(
    slug: str = typer.Argument(..., help="Mã đợt báo cáo."),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN_HELP),
) -> None:
    """Gửi thư nhắc các đơn vị quá hạn hoặc bị trả lại (remind late units)."""
    _remind(slug, dry_run)


def remind(
    campaign: str = typer.Option(..., "--campaign", help="Mã đợt báo cáo."),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN_HELP),
) -> None:
    """Gửi thư nhắc các đơn vị quá hạn hoặc bị trả lại (remind late units by e-mail)."""
    _remind(campaign, dry_run)


REASONS = {"late": "quá hạn", "returned": "bị trả lại"}


def _remind(slug: str, dry_run: bool = False) -> None:
    """Send, then list what was sent and what was not; exit 1 when a unit's e-mail failed, so
    cron says so (running it again sends only what is still due)."""
    setup_django()
    from baocao.apps.campaigns.reminders import remind as send_reminders
    from baocao.apps.campaigns.reminders import window_hours
    from baocao.errors import InputError

    campaign = _campaign(slug)
    if dry_run:
        _preview(campaign)
        return
    try:
        sent = send_reminders(campaign)
    except InputError as exc:
        _fail(exc.message)
    if not sent and not sent.without_address and not sent.failed and not sent.already:
        console.print("Không có đơn vị nào cần nhắc nhở.")
        return
    # Names are the units' own text: shown as typed, never read as rich markup ("[/]").
    if sent:
        table = Table(title=f"Thư nhắc nhở: {escape(campaign.name)}")
        for column in ("Mã", "Đơn vị", "Lý do", "Gửi đến"):
            table.add_column(column)
        for item in sent:
            table.add_row(
                escape(item.unit_code),
                escape(item.unit_name),
                REASONS[item.reason],
                escape(", ".join(item.recipients)),
            )
        console.print(table)
    console.print(f"Đã gửi {len(sent)} thư nhắc nhở.")
    if sent.already:
        console.print(
            f"{len(sent.already)} đơn vị đã được nhắc trong {window_hours()} giờ qua nên không "
            "nhắc lại: " + escape(", ".join(code for code, _ in sent.already))
        )
    if sent.without_address:
        console.print(
            f"[yellow]Chưa gửi được cho {len(sent.without_address)} đơn vị chưa có địa chỉ thư: "
            + escape(", ".join(code for code, _ in sent.without_address))
            + "[/yellow]"
        )
    if sent.failed:
        failed = Table(title="Không gửi được", title_style="bold red")
        for column in ("Mã", "Đơn vị", "Vì sao"):
            failed.add_column(column)
        for item in sent.failed:
            failed.add_row(escape(item.unit_code), escape(item.unit_name), escape(item.reason))
        console.print(failed)
        _fail(
            f"Không gửi được thư nhắc cho {len(sent.failed)} đơn vị. Hãy sửa rồi chạy lại lệnh: "
            "thư đã gửi không bị gửi lại."
        )


def _preview(campaign) -> None:
    """`--dry-run`: the reminders that would go now, and the units left out and why."""
    from django.utils import timezone

    from baocao.apps.campaigns.reminders import Planned, preview, window_hours
    from baocao.errors import InputError

    try:
        planned = preview(campaign)
    except InputError as exc:
        _fail(exc.message)
    if not planned:
        console.print("Không có đơn vị nào cần nhắc nhở.")
        return
    why = {
        Planned.NO_ADDRESS: "chưa có địa chỉ thư",
        Planned.INVALID: "địa chỉ thư không hợp lệ",
    }
    table = Table(title=f"Chạy thử, chưa gửi gì: {escape(campaign.name)}")
    for column in ("Mã", "Đơn vị", "Lý do", "Gửi đến", "Ghi chú"):
        table.add_column(column)
    for item in planned:
        if item.state == Planned.RECENT:
            at = timezone.localtime(item.reminded_at)
            note = f"bỏ qua: đã nhắc lúc {at:%H:%M %d/%m/%Y} (trong {window_hours()} giờ qua)"
        else:
            note = f"bỏ qua: {why[item.state]}" if item.state in why else "sẽ gửi"
        table.add_row(
            escape(item.unit.code),
            escape(item.unit.name),
            REASONS[item.reason],
            escape(", ".join(item.addresses)),
            note,
        )
    console.print(table)
    count = sum(1 for item in planned if item.sends)
    console.print(f"Sẽ gửi {count} thư nhắc nhở; bỏ qua {len(planned) - count} đơn vị.")


def register(app_: typer.Typer) -> None:
    """The top-level `baocao remind --campaign SLUG`."""
    app_.command("remind")(remind)
