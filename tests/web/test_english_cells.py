"""A figure cell's messages in English: the core (baocao.indicators) refuses a figure or says
how it read one in Vietnamese; with EN chosen the cell says it in English (baocao.web.said),
the values in it (what was typed, the indicator's name and unit) left as they are."""

import re

import pytest

from baocao.apps.campaigns.models import IndicatorValue

from .campaign_scenario import as_user, url
from .test_english import VIETNAMESE, switch_to_english

pytestmark = pytest.mark.django_db

TABLE_SECTION = "P1/II/1"
HTMX = {"HTTP_HX_REQUEST": "true"}
MEMBERS = ("Số đoàn viên công đoàn", "người")  # the indicator's name and unit: data
CELL_MESSAGE = re.compile(r'<span class="cell-msg[^"]*"[^>]*>(.*?)</span>(?:</td>|$)', re.S)


def save_cell(client, report, text, code="members", year=2017):
    path = url("indicator_save", report, code, year) + f"?muc={TABLE_SECTION}"
    return client.post(path, {f"v-{code}-{year}": text}, **HTMX)


def cell_message(html: str) -> str:
    found = CELL_MESSAGE.search(html)
    assert found, html
    return re.sub(r"<[^>]+>", " ", found[1]).replace("&quot;", '"').replace("&#x27;", "'")


def vietnamese_in(message: str, *data: str) -> list[str]:
    """The words of `message` with Vietnamese letters once the values in it are taken out."""
    for value in sorted(data, key=len, reverse=True):
        message = message.replace(value, " ")
    return [word for word in message.split() if VIETNAMESE.search(word)]


@pytest.mark.parametrize(
    "typed, english",
    [
        ("abc", 'Cannot read the number "abc"'),
        ("1e999", 'Cannot read the number "1e999"'),
        ("99.999.999.999.999.999", 'The number "99.999.999.999.999.999" is too large'),
        ("-5", "takes no negative number"),
        ("1,5", "is a count, with no decimals"),
        ("300 lượt", 'The unit "lượt" is not the unit of "Số đoàn viên công đoàn"'),
        ("1.2.3,4,5", "more than one decimal mark"),
        ("12.34.567", "every group of thousands must have 3 digits"),
    ],
)
def test_a_bad_figure_is_refused_in_english(client, school, people, typed, english):
    as_user(client, people["school_writer"])
    switch_to_english(client)
    response = save_cell(client, school, typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and f'value="{typed}"' in html
    message = cell_message(html)
    assert english in message
    assert not vietnamese_in(message, typed, *typed.split(), *MEMBERS), message
    assert not IndicatorValue.objects.filter(report=school).exists()


def test_how_a_figure_was_read_is_said_in_english(client, school, people):
    as_user(client, people["school_writer"])
    switch_to_english(client)
    message = cell_message(save_cell(client, school, "1,234").content.decode())
    assert 'Read "1,234" as 1.234 because "Số đoàn viên công đoàn" is a count' in message
    assert not vietnamese_in(message, *MEMBERS), message


def test_the_whole_table_marks_each_bad_cell_in_english(client, school, people):
    as_user(client, people["school_writer"])
    switch_to_english(client)
    path = url("indicators_save", school, TABLE_SECTION)
    response = client.post(path, {"v-members-2017": "abc", "v-workers-2017": "1.234"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cannot read the number &quot;abc&quot;" in html
    assert "Không đọc được số" not in html


def test_a_closed_campaign_refuses_a_figure_in_english(client, school, people):
    from baocao.apps.campaigns.models import CampaignStatus

    as_user(client, people["school_writer"])
    switch_to_english(client)
    school.campaign.status = CampaignStatus.CLOSED
    school.campaign.save(update_fields=["status"])
    message = cell_message(save_cell(client, school, "1.234").content.decode())
    assert message == "The reporting campaign has closed; nothing can be changed."


def test_without_the_switch_the_cell_stays_vietnamese(client, school, people):
    as_user(client, people["school_writer"])
    message = cell_message(save_cell(client, school, "abc").content.decode())
    assert message.strip() == (
        'Không đọc được số "abc". Hãy nhập một số, ví dụ 1.234 hoặc 1.234,5.'
    )


@pytest.mark.parametrize(
    "typed, indicator, english",
    [
        ("2.5", "money", 'Read "2.5" as 2,5: the dot was taken as the decimal mark, unlike the'),
        ("1,234", "money", "it was read as a decimal, 1,234, in the Vietnamese style"),
        ("1.234", "money", "it was read as thousands, 1.234, in the Vietnamese style"),
        ("1,23456", "money", 'The number "1,23456" has more than 4 decimal places'),
        ("150", "percent", "is a percentage and takes only numbers from 0 to 100"),
        ("5%", "money", "remove the % sign"),
        (True, "money", "The cell holds a true/false value"),
        (float("inf"), "money", "The cell does not hold a valid number"),
    ],
)
def test_every_figure_message_has_its_english(typed, indicator, english):
    """Notes and refusals the reader gives for other indicators than the page's counts, said
    as the web says them (the words inside them, "dấu chấm", in English too)."""
    from django.utils import translation

    from baocao.errors import InputError
    from baocao.indicators.catalogue import Indicator
    from baocao.indicators.reading import read_figure
    from baocao.web.said import shown

    name = "Kinh phí công đoàn"
    figure = Indicator(
        code="fee", name=name, unit="triệu đồng" if indicator == "money" else "%", type=indicator
    )
    try:
        said = read_figure(figure, typed).note
    except InputError as error:
        said = error
    with translation.override("en"):
        message = shown(said)
    assert english in message
    assert not vietnamese_in(message, name, "triệu đồng"), message
    with translation.override("vi"):
        assert shown(said) == (said.message if isinstance(said, InputError) else said)


@pytest.mark.parametrize(
    ("name", "data", "english"),
    [
        ("trong.txt", b"  \n\n", "The outline file is empty"),
        ("rac.txt", bytes(range(256)) * 40, "rac.txt is not a text file"),
        ("sau.yaml", b"a: " + b"[" * 60, "nests too deeply (more than 40 levels) on line 1"),
    ],
)
def test_an_outline_that_cannot_be_imported_says_why_in_english(
    client, django_user_model, name, data, english
):
    from baocao.apps.orgs.models import Membership, Unit, UnitKind

    from .outline_upload import import_outline

    unit = Unit.objects.create(code="KT", name="LĐLĐ tỉnh Kon Tum", kind=UnitKind.PROVINCE)
    user = django_user_model.objects.create_user("tonghop")
    Membership.objects.create(user=user, unit=unit, roles=["consolidator"])
    client.force_login(user)
    switch_to_english(client)
    response = import_outline(client, name, data)
    assert response.status_code == 400
    html = response.content.decode().replace("&quot;", '"')
    assert english in html
    assert "Hãy" not in html and "Tệp" not in html
