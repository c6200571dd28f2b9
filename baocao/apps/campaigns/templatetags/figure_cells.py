"""The cells of a report's indicator tables, written in Python.

A report page holds about a hundred of them, and an `{% include %}` per cell cost more than
the rest of the page (the page took 40 ms to render, 25 ms without them). The table and the
answer to one cell's autosave (`_cell_response.html`) both use these tags, so the markup has
one source. The core's messages in a cell (an error, how a figure was read) are said in the
page's language (`baocao.web.said`).
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from baocao.web.said import shown as translated

register = template.Library()

_OOB = mark_safe(' hx-swap-oob="true"')


@register.simple_tag
def figure_cell(cell, row, writable: bool = False, oob: bool = False) -> SafeString:
    """One year's figure: read-only, derived (computed), or an input that saves on change."""
    if row.derived:
        body = format_html('<span class="derived-value">{}</span>', cell.shown or "—")
    elif writable:
        body = _input(cell, row)
    elif cell.error:
        body = format_html(
            '<span class="cell-raw">{}</span> '
            '<span class="cell-msg cell-msg--error" role="alert">{}</span>',
            cell.raw,
            translated(cell.error),
        )
    else:
        body = format_html("{}", cell.shown or cell.raw or "—")
    return format_html(
        '<td id="c-{}" class="num{}" data-label="{} {}"{}>{}</td>',
        cell.dom,
        " has-error" if cell.error else "",
        _("Năm"),
        str(cell.year),
        _OOB if oob else "",
        body,
    )


def _input(cell, row) -> SafeString:
    explained = bool(cell.error or cell.note or cell.shown or cell.saved)
    field = format_html(
        '<input type="text" id="i-{dom}" name="{name}" value="{raw}" aria-label="{label}"'
        '{decimal} autocomplete="off" maxlength="200"{described}{invalid}'
        ' hx-post="{url}" hx-trigger="change" hx-target="#c-{dom}" hx-swap="outerHTML"'
        ' hx-params="{name},o-{name}" hx-sync="closest form:queue all">'
        '<input type="hidden" name="o-{name}" value="{stored}">',
        dom=cell.dom,
        name=cell.name,
        raw=cell.raw,
        label=cell.label,
        decimal=mark_safe(' inputmode="decimal"') if row.numeric else "",
        described=format_html(' aria-describedby="msg-{}"', cell.dom) if explained else "",
        invalid=mark_safe(' aria-invalid="true"') if cell.error else "",
        url=cell.url,
        stored=cell.stored,
    )
    if cell.error:
        message = format_html(
            '<span class="cell-msg cell-msg--error" id="msg-{}" role="alert">{}</span>',
            cell.dom,
            translated(cell.error),
        )
    elif explained:
        if cell.saved:
            said = _("Đã lưu")
            shown = cell.shown or cell.raw
            text = format_html("{}: {}", said, shown) if shown else said
        else:
            text = format_html("= {}", cell.shown)
        note = cell.note and format_html(
            ' <span class="cell-note">{}</span>', translated(cell.note)
        )
        message = format_html(
            '<span class="cell-msg" id="msg-{}"{}>{}{}</span>',
            cell.dom,
            mark_safe(' role="status"') if cell.saved else "",
            text,
            note,
        )
    else:
        message = ""
    return format_html("{}{}", field, message)


@register.simple_tag
def figure_growth(row, oob: bool = False) -> SafeString:
    """The row's change between the two years, and as a percentage."""
    extra = _OOB if oob else ""
    return format_html(
        '<td id="chg-{dom}" class="num calc" data-label="{label}"{oob}>{change}</td>'
        '<td id="pct-{dom}" class="num calc" data-label="%"{oob}>{percent}</td>',
        dom=row.dom,
        label=_("Tăng/giảm"),
        oob=extra,
        change=row.change or "—",
        percent=row.percent or "—",
    )
