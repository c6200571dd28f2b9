"""The core's messages are made from marked templates (baocao.errors) and still read, in
Vietnamese, exactly as they did: the CLI, the logs and the other tests see no change. The
templates are literal `gettext_noop` calls, so that makemessages extracts each of them."""

import ast
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from baocao.errors import InputError, Said, gettext_noop
from baocao.indicators.catalogue import Indicator
from baocao.indicators.numbers import parse_number
from baocao.indicators.reading import read_figure

MEMBERS = Indicator(code="members", name="Số đoàn viên", unit="người", type="count")
RATE = Indicator(code="rate", name="Tỷ lệ", unit="%", type="percent")
PACKAGE = Path(__file__).resolve().parents[2] / "baocao"


@pytest.mark.parametrize(
    "indicator, typed, message",
    [
        (MEMBERS, "abc", 'Không đọc được số "abc". Hãy nhập một số, ví dụ 1.234 hoặc 1.234,5.'),
        (MEMBERS, "", "Ô số liệu đang trống. Hãy nhập một số, ví dụ 1.234 hoặc 1.234,5."),
        (MEMBERS, 10**17, 'Số "100.000.000.000.000.000" quá lớn; hãy kiểm tra lại.'),
        (MEMBERS, float("inf"), "Ô không chứa một số hợp lệ; hãy nhập một số."),
        (MEMBERS, True, "Ô chứa giá trị đúng/sai, không phải số; hãy nhập một số."),
        (
            MEMBERS,
            "300 lượt",
            'Đơn vị "lượt" khác đơn vị của "Số đoàn viên" (người); '
            "hãy ghi số theo đúng đơn vị người.",
        ),
        (
            MEMBERS,
            "-5",
            '"Số đoàn viên" không nhận số âm ("-5"): hãy nhập số liệu của năm '
            "(từ 0 trở lên), không phải mức tăng/giảm.",
        ),
        (MEMBERS, "1,5", '"Số đoàn viên" là số đếm, không có phần thập phân; hãy nhập lại "1,5".'),
        (
            RATE,
            "150",
            '"Tỷ lệ" là tỷ lệ phần trăm, chỉ nhận số từ 0 đến 100; hãy kiểm tra lại "150".',
        ),
        (RATE, "1,23456", 'Số "1,23456" có quá 4 chữ số thập phân; hãy làm tròn.'),
    ],
)
def test_the_vietnamese_message_is_unchanged(indicator, typed, message):
    with pytest.raises(InputError) as raised:
        read_figure(indicator, typed)
    error = raised.value
    assert error.message == message and str(error) == message and error.args == (message,)
    assert error.template.format(**error.params) == message
    assert "{" in error.template or not error.params


def test_notes_read_as_before_and_keep_their_template():
    note = read_figure(MEMBERS, "1,234").note
    assert note == (
        'Đã hiểu "1,234" là 1.234 vì "Số đoàn viên" là số đếm, không có phần thập phân. '
        "Nếu không đúng, hãy nhập lại."
    )
    assert isinstance(note, Said) and note.params["name"] == "Số đoàn viên"
    assert parse_number("1,234").note == (
        '"1,234" có thể là 1.234 (số hàng nghìn) hoặc 1,234 (số thập phân); đã hiểu là số thập '
        "phân 1,234 theo cách viết Việt Nam. Nếu không đúng, hãy nhập lại cho rõ, ví dụ 1234 "
        "hoặc 1,5."
    )
    assert parse_number("1.234").note.endswith(
        "đã hiểu là số hàng nghìn 1.234 theo cách viết Việt Nam. Nếu không đúng, hãy nhập lại "
        "cho rõ, ví dụ 1234 hoặc 1,5."
    )
    assert parse_number("2.5").note == (
        'Đã hiểu "2.5" là 2,5: dấu chấm được coi là dấu thập phân, khác cách viết Việt Nam. '
        "Nếu không đúng, hãy nhập lại."
    )
    assert parse_number("1.234").value == Decimal(1234) and not parse_number("12").note


def test_a_message_without_values_is_not_formatted_and_survives_pickling():
    plain = InputError("Tệp {không} có bảng.")  # an f-string's result may hold braces
    assert plain.message == "Tệp {không} có bảng." and plain.params == {}
    error = InputError(gettext_noop('Số "{shown}" quá lớn.'), detail="x", shown="9")
    assert str(error) == 'Số "9" quá lớn. (x)'
    again = pickle.loads(pickle.dumps(error))
    assert again.message == 'Số "9" quá lớn.' and again.params == {"shown": "9"}
    said = pickle.loads(pickle.dumps(Said(gettext_noop("{a} và {b}"), a="1", b="2")))
    assert said == "1 và 2" and said.template == "{a} và {b}"


def test_every_marked_template_is_a_literal_makemessages_can_extract():
    """xgettext extracts `gettext_noop("...")` with string literals only (adjacent literals
    are joined); a template built at run time would never reach the catalogue."""
    built = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "gettext_noop"
                and not (
                    len(node.args) == 1
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                )
            ):
                built.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not built, built
