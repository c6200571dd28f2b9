"""The national demo (`baocao demo --scale national`): Tổng LĐLĐ Việt Nam with its 63 provincial
federations and 20 national sector unions, about 700 district-level unions and about 130,000
CĐCS with about 11 million members, and the NQ20 campaign over all of them, every unit with a
report (figures for 2008 and 2017, a few short section texts).

Kon Tum is the demo province itself (`baocao.demo.province`, its real ten districts and 960
CĐCS, the figures of `baocao.demo.campaign`); the other 62 provinces and the national
sector unions are drawn here, with the provinces' real names and district counts (before the
2025 reorganisation) but numbered districts and made-up CĐCS. Everything is marked synthetic.

Nothing of that size is held in Python: the tree is walked depth first, each CĐCS's figures
are drawn from a seed of its own when its rows are written, and a union keeps only the running
sums of its direct units. Rows go to the database in bulk (`baocao.demo.bulkload`: COPY on
PostgreSQL, executemany on SQLite) in three walks: units, reports, then figures (section texts
are spooled to a temporary file on the way and loaded last).

`fraction` shrinks the tree for tests (every province keeps at least one district, every
district one CĐCS), `provinces` keeps only the first so many of the 62 drawn provinces.
"""

from __future__ import annotations

import datetime
import math
import random
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from baocao.apps.campaigns import live_rollup
from baocao.apps.campaigns.models import (
    Campaign,
    IndicatorValue,
    LiveCount,
    LiveFigure,
    Report,
    SectionText,
    SectionVersion,
)
from baocao.apps.orgs.models import PATH_SEPARATOR, Membership, Role, Unit, UnitKind
from baocao.demo import bulkload
from baocao.demo.campaign import NAME
from baocao.demo.figures import BASE, COUNTS, NOW, Odds, year_counts
from baocao.demo.province import EMAIL_DOMAIN, PROVINCE_CODE, ROOT_CODE
from baocao.indicators.numbers import format_number
from baocao.text import fold

SLUG = "nq20-toan-quoc-2017"
OWNER_USERNAME = "tongld"  # the national consolidator's login (password: the demo's)
SEED = "nq20-national"
TARGET_CDCS = 134_000  # drawn sizes round down a little: about 130,000 come out
SECTOR_SHARE = 0.06  # of the CĐCS, under the national sector unions
DIRECT_SHARE = 0.12  # of a province's CĐCS, directly under the provincial federation

# (code, name, district-level units in 2017, weight: the province's share of CĐCS)
PROVINCES = (
    ("HN", "thành phố Hà Nội", 30, 120), ("HCM", "Thành phố Hồ Chí Minh", 24, 150),
    ("HP", "thành phố Hải Phòng", 15, 28), ("DNG", "thành phố Đà Nẵng", 8, 16),
    ("CT", "thành phố Cần Thơ", 9, 11), ("HG", "tỉnh Hà Giang", 11, 7),
    ("CB", "tỉnh Cao Bằng", 13, 6), ("BK", "tỉnh Bắc Kạn", 8, 4),
    ("TQ", "tỉnh Tuyên Quang", 7, 7), ("LCA", "tỉnh Lào Cai", 9, 8),
    ("DB", "tỉnh Điện Biên", 10, 6), ("LCH", "tỉnh Lai Châu", 8, 5),
    ("SL", "tỉnh Sơn La", 12, 9), ("YB", "tỉnh Yên Bái", 9, 7),
    ("HB", "tỉnh Hòa Bình", 11, 8), ("TN", "tỉnh Thái Nguyên", 9, 15),
    ("LS", "tỉnh Lạng Sơn", 11, 8), ("QNI", "tỉnh Quảng Ninh", 14, 20),
    ("BG", "tỉnh Bắc Giang", 10, 18), ("PT", "tỉnh Phú Thọ", 13, 14),
    ("VP", "tỉnh Vĩnh Phúc", 9, 14), ("BN", "tỉnh Bắc Ninh", 8, 22),
    ("HD", "tỉnh Hải Dương", 12, 19), ("HY", "tỉnh Hưng Yên", 10, 14),
    ("TB", "tỉnh Thái Bình", 8, 13), ("HNA", "tỉnh Hà Nam", 6, 9),
    ("ND", "tỉnh Nam Định", 10, 14), ("NB", "tỉnh Ninh Bình", 8, 10),
    ("TH", "tỉnh Thanh Hóa", 27, 26), ("NA", "tỉnh Nghệ An", 21, 24),
    ("HT", "tỉnh Hà Tĩnh", 13, 12), ("QB", "tỉnh Quảng Bình", 8, 9),
    ("QT", "tỉnh Quảng Trị", 10, 7), ("TTH", "tỉnh Thừa Thiên Huế", 9, 11),
    ("QNA", "tỉnh Quảng Nam", 18, 15), ("QNG", "tỉnh Quảng Ngãi", 14, 11),
    ("BDI", "tỉnh Bình Định", 11, 13), ("PY", "tỉnh Phú Yên", 9, 8),
    ("KH", "tỉnh Khánh Hòa", 9, 13), ("NT", "tỉnh Ninh Thuận", 7, 5),
    ("BTH", "tỉnh Bình Thuận", 10, 10), ("GL", "tỉnh Gia Lai", 17, 12),
    ("DL", "tỉnh Đắk Lắk", 15, 14), ("DNO", "tỉnh Đắk Nông", 8, 6),
    ("LD", "tỉnh Lâm Đồng", 12, 12), ("BP", "tỉnh Bình Phước", 11, 11),
    ("TNI", "tỉnh Tây Ninh", 9, 12), ("BD", "tỉnh Bình Dương", 9, 45),
    ("DNA", "tỉnh Đồng Nai", 11, 45), ("BRVT", "tỉnh Bà Rịa - Vũng Tàu", 8, 17),
    ("LA", "tỉnh Long An", 15, 20), ("TG", "tỉnh Tiền Giang", 11, 14),
    ("BTR", "tỉnh Bến Tre", 9, 11), ("TV", "tỉnh Trà Vinh", 9, 8),
    ("VL", "tỉnh Vĩnh Long", 8, 9), ("DT", "tỉnh Đồng Tháp", 12, 12),
    ("AG", "tỉnh An Giang", 11, 14), ("KG", "tỉnh Kiên Giang", 15, 13),
    ("HGI", "tỉnh Hậu Giang", 8, 7), ("ST", "tỉnh Sóc Trăng", 11, 9),
    ("BL", "tỉnh Bạc Liêu", 7, 6), ("CM", "tỉnh Cà Mau", 9, 9),
)  # fmt: skip
# (code, name, weight): the national sector unions and the unions of the big corporations.
NATIONAL_SECTORS = (
    ("N-GD", "Công đoàn Giáo dục Việt Nam", 3), ("N-YT", "Công đoàn Y tế Việt Nam", 4),
    ("N-VC", "Công đoàn Viên chức Việt Nam", 6), ("N-CT", "Công đoàn Công Thương Việt Nam", 9),
    ("N-NH", "Công đoàn Ngân hàng Việt Nam", 8), ("N-GT", "Công đoàn Giao thông vận tải Việt Nam", 9),
    ("N-XD", "Công đoàn Xây dựng Việt Nam", 9), ("N-NN", "Công đoàn Nông nghiệp và Phát triển nông thôn Việt Nam", 6),
    ("N-TC", "Công đoàn Tài chính Việt Nam", 4), ("N-TT", "Công đoàn Thông tin và Truyền thông Việt Nam", 4),
    ("N-QP", "Công đoàn Quốc phòng", 8), ("N-CA", "Công đoàn Công an nhân dân", 3),
    ("N-DK", "Công đoàn Dầu khí Việt Nam", 6), ("N-DL", "Công đoàn Điện lực Việt Nam", 5),
    ("N-TKV", "Công đoàn Than - Khoáng sản Việt Nam", 4), ("N-CS", "Công đoàn Cao su Việt Nam", 3),
    ("N-DM", "Công đoàn Dệt May Việt Nam", 5), ("N-BD", "Công đoàn Bưu điện Việt Nam", 2),
    ("N-HK", "Công đoàn Hàng không Việt Nam", 1), ("N-DS", "Công đoàn Đường sắt Việt Nam", 1),
)  # fmt: skip

# What kind of workplace a CĐCS is in: (share, fewest/median workers, spread, non-state).
_PUBLIC, _STATE_COMPANY, _PRIVATE, _FDI = "public", "state_company", "private", "fdi"
_WORKPLACES = ((_PUBLIC, 0.55), (_STATE_COMPANY, 0.07), (_PRIVATE, 0.30), (_FDI, 0.08))
_INCOME = {  # triệu đồng/người/tháng, in tenths: (2008 low, high, 2017 low, high)
    _PUBLIC: (19, 30, 46, 72),
    _STATE_COMPANY: (24, 38, 55, 85),
    _PRIVATE: (16, 26, 38, 60),
    _FDI: (22, 34, 52, 80),
}
_NAMES = {
    _PUBLIC: (
        "UBND xã {n}", "Trường Tiểu học số {n}", "Trường Mầm non số {n}", "Trường THCS số {n}",
        "Trạm Y tế xã {n}", "Trường THPT số {n}", "Phòng Giáo dục và Đào tạo {n}",
        "Chi cục Thuế khu vực {n}", "Kho bạc Nhà nước khu vực {n}",
    ),
    _STATE_COMPANY: ("Công ty TNHH MTV {trade} số {n}", "Công ty Cổ phần {trade} {n}"),
    _PRIVATE: ("Công ty TNHH {trade} {brand} {n}", "Công ty Cổ phần {trade} {brand} {n}"),
    _FDI: ("Công ty TNHH {brand} Việt Nam {n}", "Công ty TNHH {trade} {brand} Vina {n}"),
}  # fmt: skip
_TRADES = ("May mặc", "Da giày", "Điện tử", "Chế biến thủy sản", "Xây dựng", "Cơ khí", "Thương mại", "Vận tải", "Chế biến gỗ", "Thực phẩm")  # fmt: skip
_BRANDS = ("Hòa Bình", "Thành Công", "Phú Thịnh", "Sao Vàng", "Tân Tiến", "Hưng Phát", "Đại Việt", "Hoàng Long", "An Khang", "Minh Phát", "Pou", "Sam", "Hyo", "Taeyang", "Nitori")  # fmt: skip

# The short texts every report has (section id -> a sentence built from the unit's figures).
_SECTIONS = ("P1/I/1", "P1/II/1", "P1/II/4/4.1", "P2/1")
STATUS_WEIGHTS = (("accepted", 90), ("submitted", 6), ("draft", 4))

_CODE_INDEX = {code: index for index, code in enumerate(COUNTS)}
_W = _CODE_INDEX["workers"]
INCOME_CODE = "average_income"


@dataclass(frozen=True)
class Shape:
    """How big: `fraction` of the real counts (tests use a thousandth), `provinces` drawn."""

    fraction: float = 1.0
    provinces: int | None = None

    def scaled(self, count: float) -> int:
        return max(1, round(count * self.fraction))


@dataclass
class _Node:
    """A unit of the tree as the walks see it (only one branch is alive at a time)."""

    id: int
    code: str
    name: str
    kind: str
    path: str
    parent_id: int | None
    children: Callable[[], Iterator[_Node]] = field(repr=False, default=lambda: iter(()))
    workplace: str = ""  # a drawn CĐCS: its kind of workplace
    figures: Figures | None = None  # a Kon Tum unit: its figures from the province demo


# (counts 2008, counts 2017, income 2008 in tenths or None, income 2017 or None)
Figures = tuple[list[int], list[int], int | None, int | None]


def _rng(*parts: object) -> random.Random:
    return random.Random("/".join([SEED, *map(str, parts)]))


# --- the tree ---------------------------------------------------------------------------------


class _Tree:
    """The national tree, walked as often as needed: ids are given in walk order from `first`,
    so every walk gives every unit the same id."""

    def __init__(self, shape: Shape, first_id: int, root: Unit, kon_tum: list[Unit]):
        self.shape = shape
        self.first_id = first_id
        self.root = root
        self.kon_tum = kon_tum  # Kon Tum's units as stored, in path order
        drawn = PROVINCES if shape.provinces is None else PROVINCES[: shape.provinces]
        self.provinces = [p for p in drawn if p[0] != PROVINCE_CODE]
        weights = sum(p[3] for p in PROVINCES if p[0] != PROVINCE_CODE)
        provincial = TARGET_CDCS * (1 - SECTOR_SHARE) - 960
        self.cdcs = {code: provincial * weight / weights for code, _, _, weight in self.provinces}
        sector_weights = sum(s[2] for s in NATIONAL_SECTORS)
        self.sector_cdcs = {
            code: TARGET_CDCS * SECTOR_SHARE * weight / sector_weights
            for code, _, weight in NATIONAL_SECTORS
        }
        self._plans = None

    def count(self) -> int:
        return sum(1 for _ in self.walk())

    def walk(self) -> Iterator[_Node]:
        """Every unit, parents before children (depth first)."""
        stack = [self._root()]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(list(node.children())))

    def walk_up(self) -> Iterator[tuple[_Node, list[_Node]]]:
        """Every unit after its children, with them: (unit, its direct units)."""

        def visit(node: _Node) -> Iterator[tuple[_Node, list[_Node]]]:
            kids = list(node.children())  # made when entered, as `walk` does: the same ids
            for child in kids:
                yield from visit(child)
            yield node, kids

        yield from visit(self._root())

    def _root(self) -> _Node:
        counter = iter(range(self.first_id, 1 << 62))

        def children() -> Iterator[_Node]:
            yield self._kon_tum_node()
            for code, name, districts, _weight in self.provinces:
                yield self._province(next(counter), code, name, districts, counter)
            for code, name, _weight in NATIONAL_SECTORS:
                yield self._sector(next(counter), code, name, counter)

        root = self.root
        return _Node(root.id, root.code, root.name, root.kind, root.path, None, children)

    def _province(self, pk, code, name, districts, counter) -> _Node:
        path = f"{self.root.path}{code}{PATH_SEPARATOR}"
        total = self.cdcs[code]
        count = self.shape.scaled(districts)

        def children() -> Iterator[_Node]:
            rng = _rng("province", code)
            yield from self._grassroots(
                pk, path, code, self.shape.scaled(total * DIRECT_SHARE), counter
            )
            # The province's CĐCS spread over the districts kept (a fraction keeps fewer).
            per = total * (1 - DIRECT_SHARE) * self.shape.fraction / count
            for number in range(1, count + 1):
                district_code = f"{code}-H{number:02d}"
                place = (
                    f"quận, huyện số {number}" if code in ("HN", "HCM") else f"huyện số {number}"
                )
                size = max(1, round(per * rng.uniform(0.6, 1.4)))
                yield self._district(
                    next(counter), district_code, f"Liên đoàn Lao động {place}, {name}",
                    path, pk, size, counter,
                )  # fmt: skip

        return _Node(
            pk,
            code,
            f"Liên đoàn Lao động {name}",
            UnitKind.PROVINCE.value,
            path,
            self.root.id,
            children,
        )

    def _district(self, pk, code, name, parent_path, parent_id, size, counter) -> _Node:
        path = f"{parent_path}{code}{PATH_SEPARATOR}"

        def children() -> Iterator[_Node]:
            yield from self._grassroots(pk, path, code, size, counter)

        return _Node(pk, code, name, UnitKind.DISTRICT.value, path, parent_id, children)

    def _sector(self, pk, code, name, counter) -> _Node:
        path = f"{self.root.path}{code}{PATH_SEPARATOR}"
        size = self.shape.scaled(self.sector_cdcs[code])

        def children() -> Iterator[_Node]:
            yield from self._grassroots(pk, path, code, size, counter, sector=True)

        return _Node(pk, code, name, UnitKind.NATIONAL_SECTOR.value, path, self.root.id, children)

    def _grassroots(self, parent_id, parent_path, parent_code, count, counter, sector=False):
        rng = _rng("names", parent_code)
        kinds = [kind for kind, _ in _WORKPLACES]
        shares = [share for _, share in _WORKPLACES]
        if sector:  # the national sectors' CĐCS are in state bodies and state companies
            shares = [0.45, 0.45, 0.08, 0.02]
        for number in range(1, count + 1):
            code = f"{parent_code}-{number:04d}"
            workplace = rng.choices(kinds, shares)[0]
            template = rng.choice(_NAMES[workplace])
            name = template.format(
                n=number, trade=rng.choice(_TRADES), brand=rng.choice(_BRANDS)
            )  # fmt: skip
            yield _Node(
                next(counter), code, f"CĐCS {name}", UnitKind.GRASSROOTS.value,
                f"{parent_path}{code}{PATH_SEPARATOR}", parent_id, workplace=workplace,
            )  # fmt: skip

    def _kon_tum_node(self) -> _Node:
        """The demo province as stored, with its figures from the province demo's plan."""
        from baocao.demo.campaign import demo_plan

        if self._plans is None:
            self._plans = {plan.unit.code: plan for plan in demo_plan()}
        plans = self._plans
        children_of: dict[int | None, list[Unit]] = {}
        for unit in self.kon_tum:
            children_of.setdefault(unit.parent_id, []).append(unit)

        def node(unit: Unit) -> _Node:
            plan = plans.get(unit.code)
            return _Node(
                unit.id, unit.code, unit.name, unit.kind, unit.path, unit.parent_id,
                lambda: (node(child) for child in children_of.get(unit.id, [])),
                figures=_from_decimals(plan.figures) if plan else None,
            )  # fmt: skip

        return node(self.kon_tum[0])


def _from_decimals(figures) -> Figures:
    base = [int(figures.get((code, BASE), 0)) for code in COUNTS]
    now = [int(figures.get((code, NOW), 0)) for code in COUNTS]
    incomes = []
    for year in (BASE, NOW):
        value = figures.get((INCOME_CODE, year))
        incomes.append(None if value is None else int(value * 10))
    return base, now, incomes[0], incomes[1]


# --- figures ----------------------------------------------------------------------------------


def grassroots_figures(code: str, workplace: str) -> Figures:
    """A drawn CĐCS's counts for 2008 and 2017, in `COUNTS` order, within the outline's hard
    rules (members ≤ workers, women ≤ members, non-state ≤ all, a CĐCS counts one CĐCS, ...)."""
    rng = _rng("figures", code)
    odds = _ODDS[workplace]
    if workplace == _PUBLIC:
        workers_now = rng.randint(12, 60)
    elif workplace == _STATE_COMPANY:
        workers_now = rng.randint(60, 600)
    elif workplace == _PRIVATE:
        workers_now = max(10, min(8000, round(rng.lognormvariate(math.log(40), 1.1))))
    else:
        workers_now = max(30, min(30000, round(rng.lognormvariate(math.log(290), 0.9))))
    if odds.non_state:
        founded = rng.randint(1995, 2008) if rng.random() < 0.45 else rng.randint(2009, 2017)
    else:
        founded = rng.randint(2009, 2017) if rng.random() < 0.04 else rng.randint(1960, 2008)
    result: list[list[int]] = []
    incomes: list[int | None] = []
    for year in (BASE, NOW):
        if founded > year:
            result.append([0] * len(COUNTS))
            incomes.append(None)
            continue
        result.append(year_counts(rng, odds, year, founded, workers_now))
        low, high = _INCOME[workplace][:2] if year == BASE else _INCOME[workplace][2:]
        incomes.append(rng.randint(low, high))
    return result[0], result[1], incomes[0], incomes[1]


def _odds(workplace: str) -> Odds:
    """How a kind of workplace's CĐCS are drawn: a non-state one signs agreements and values
    its initiatives, a state one has nearly every worker a member."""
    non_state = workplace in (_PRIVATE, _FDI)
    return Odds(
        non_state=non_state,
        enterprise=non_state,
        workers_then=(0.5, 1.1) if non_state else (0.75, 1.05),
        members=((0.5, 0.85), (0.5, 0.92)) if non_state else None,
        women=(0.3, 0.85 if workplace == _FDI else 0.75),
        university=(0.05, 0.2) if non_state else (0.4, 0.9),
        letters=0.25 if non_state else 0.12,
        late_letters=False,
        houses=0.05,
        agreements=(0.4, 0.8),
        initiatives=6,
        strikes=0.01,
        strong=(0.6, 0.6) if non_state else (0.82, 0.82),
    )


_ODDS = {workplace: _odds(workplace) for workplace, _ in _WORKPLACES}


def summed(children: list[Figures]) -> Figures:
    """A union's figures from its units': sums, and the income weighted by workers (in tenths,
    rounded half to even as `summed_figures` does)."""
    size = len(COUNTS)
    out: list[list[int]] = []
    incomes: list[int | None] = []
    for year in (0, 1):
        totals = [0] * size
        weighted = weight = 0
        for child in children:
            counts = child[year]
            for index in range(size):
                totals[index] += counts[index]
            income = child[2 + year]
            if income is not None and counts[_W]:
                weighted += counts[_W] * income
                weight += counts[_W]
        out.append(totals)
        incomes.append(
            int((Decimal(weighted) / Decimal(weight)).quantize(Decimal(1), ROUND_HALF_EVEN))
            if weight
            else None
        )
    return out[0], out[1], incomes[0], incomes[1]


_RAW: dict[int, str] = {}


def _raw(value: int) -> str:
    text = _RAW.get(value)
    if text is None:
        text = format_number(value)
        if len(_RAW) < 100_000:
            _RAW[value] = text
    return text


def _tenths(value: int) -> Decimal:
    return Decimal(value).scaleb(-1)


# --- texts -----------------------------------------------------------------------------------


def _texts(node: _Node, figures: Figures) -> dict[str, str]:
    base, now, _, _ = figures
    members, members_then = now[_CODE_INDEX["members"]], base[_CODE_INDEX["members"]]
    workers = now[_W]
    upper = node.kind != UnitKind.GRASSROOTS
    who = node.name.replace("Liên đoàn Lao động", "LĐLĐ")
    rate = format_number(Decimal(members * 100) / Decimal(workers), 1) if workers else "0"
    change = members - members_then
    trained = now[_CODE_INDEX["training_attendees"]]
    texts = {
        "P1/I/1": (
            f"{who} đã tổ chức quán triệt Nghị quyết số 20-NQ/TW đến toàn thể cán bộ, đoàn viên"
            + (
                " và chỉ đạo các công đoàn trực thuộc xây dựng kế hoạch thực hiện."
                if upper
                else "."
            )
        ),
        "P1/II/1": (
            f"Đến năm {NOW}, {who} có {_raw(members)} đoàn viên trên {_raw(workers)} CNVCLĐ "
            f"(tỷ lệ {rate}%), {'tăng' if change >= 0 else 'giảm'} {_raw(abs(change))} đoàn viên "
            f"so với năm {BASE}."
        ),
        "P1/II/4/4.1": (
            f"Năm {NOW} đã tổ chức {_raw(now[_CODE_INDEX['training_courses']])} lớp bồi dưỡng "
            f"cho {_raw(trained)} lượt cán bộ, đoàn viên."
        ),
        "P2/1": "Tiếp tục đẩy mạnh công tác tuyên truyền, phát triển đoàn viên, nâng cao chất "
        "lượng hoạt động của tổ chức công đoàn.",
    }
    return {section: f"<p>{text}</p>" for section, text in texts.items()}


# --- loading ----------------------------------------------------------------------------------


@dataclass
class NationalDemo:
    campaign: Campaign
    created: bool
    units: int = 0
    reports: int = 0
    values: int = 0
    texts: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB: Linux's VmHWM (ru_maxrss would carry
    a parent's peak across exec), else ru_maxrss."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def create_national_demo(
    shape: Shape = Shape(),
    *,
    now: datetime.datetime | None = None,
    progress: Callable[[str, int | None], Callable[[int], None]] | None = None,
) -> NationalDemo:
    """Load the national tree and campaign, unless the campaign is there already.

    Needs the demo province (`create_demo_province`) and the built-in outline; makes them if
    missing. `progress(description, total)` returns a function told how many rows went in.
    """
    started = time.perf_counter()
    progress = progress or (lambda description, total: lambda count: None)
    existing = Campaign.objects.filter(slug=SLUG).first()
    if existing is not None:
        if not live_rollup.is_built(existing):  # loaded before the live roll-up was read
            _rebuild_live(existing, progress)
        return NationalDemo(existing, False)
    _prerequisites()
    now = now or timezone.now()
    with transaction.atomic():
        result = _load(shape, now, progress)
    _analyze(Unit, Report, IndicatorValue, SectionText, SectionVersion)
    # Written straight into the tables: the live roll-up is rebuilt from them (in SQL), so
    # the pages read it.
    _rebuild_live(result.campaign, progress)
    result.seconds = time.perf_counter() - started
    result.peak_rss_mb = peak_rss_mb()
    return result


def _analyze(*models_analyzed) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models_analyzed:
                cursor.execute(f"ANALYZE {bulkload.quote(model._meta.db_table)}")


def _rebuild_live(campaign: Campaign, progress) -> None:
    step = progress("tổng hợp", None)
    live_rollup.rebuild(campaign, progress=lambda done, total: step(1))
    _analyze(LiveFigure, LiveCount)


def _prerequisites() -> None:
    from baocao.apps.outlines.models import OutlineDocument
    from baocao.apps.outlines.services import install_builtin_outlines
    from baocao.demo.province import create_demo_province
    from baocao.outline.builtin import DEFAULT_SLUG

    if not OutlineDocument.objects.filter(slug=DEFAULT_SLUG).exists():
        install_builtin_outlines()
    create_demo_province()


def _owner(root: Unit):
    """The national consolidator's account (password: the demo's), made when missing."""
    from baocao.demo.accounts import DEMO_PASSWORD

    user_model = get_user_model()
    user = user_model.objects.filter(username=OWNER_USERNAME).first()
    if user is None:
        user = user_model.objects.create(
            username=OWNER_USERNAME,
            first_name="Tổng hợp",
            last_name="Tổng LĐLĐ",
            email=f"{OWNER_USERNAME}@{EMAIL_DOMAIN}",
            password=make_password(DEMO_PASSWORD),
        )
    if not Membership.objects.filter(user=user).exists():
        Membership.objects.create(
            user=user, unit=root, roles=[Role.CONSOLIDATOR, Role.REVIEWER, Role.VIEWER]
        )
    return user


def _load(shape: Shape, now: datetime.datetime, progress) -> NationalDemo:
    from baocao.apps.outlines.models import OutlineDocument
    from baocao.outline.builtin import DEFAULT_SLUG

    root = Unit.objects.get(code=ROOT_CODE)
    kon_tum = list(Unit.objects.subtree(Unit.objects.get(code=PROVINCE_CODE)).order_by("path"))
    tree = _Tree(shape, bulkload.next_id(Unit._meta.db_table), root, kon_tum)
    known = {root.id} | {unit.id for unit in kon_tum}
    total = tree.count()

    # 1. units (those not stored yet: the root and Kon Tum are)
    def unit_rows() -> Iterator[tuple]:
        for node in tree.walk():
            if node.id in known:
                continue
            yield (
                node.id, node.code, node.name, fold(node.name), node.kind, node.parent_id,
                f"donvi-{node.code.lower()}@{EMAIL_DOMAIN}", node.path,
                node.path.count(PATH_SEPARATOR) - 1, True,
            )  # fmt: skip

    units = bulkload.copy_rows(
        Unit._meta.db_table,
        ("id", "code", "name", "name_folded", "kind", "parent_id", "email", "path", "depth")
        + ("synthetic",),
        unit_rows(),
        progress=progress("Đơn vị", total - len(known)),
    )
    bulkload.reset_sequence(Unit._meta.db_table)

    # 2. the campaign and one report per unit
    outline = OutlineDocument.objects.get(slug=DEFAULT_SLUG)
    deadline = timezone.localdate(now) - datetime.timedelta(days=5)
    opened = now - datetime.timedelta(days=45)
    campaign = Campaign.objects.create(
        slug=SLUG,
        name=NAME,
        outline=outline,
        outline_yaml=outline.yaml_text,
        root_unit=root,
        reporting_kinds=list(UnitKind.values),
        baseline_year=BASE,
        current_year=NOW,
        deadline=deadline,
        created_by=_owner(root),
    )
    Campaign.objects.filter(pk=campaign.pk).update(created_at=opened)
    first_report = bulkload.next_id(Report._meta.db_table)
    statuses = [status for status, _ in STATUS_WEIGHTS]
    weights = [weight for _, weight in STATUS_WEIGHTS]

    def report_of(index: int, node: _Node) -> tuple:
        rng = _rng("state", node.code)
        status = rng.choices(statuses, weights)[0]
        sent = accepted = None
        if status != "draft":
            sent = opened + datetime.timedelta(days=rng.uniform(10, 44))
        if status == "accepted":
            accepted = sent + datetime.timedelta(days=rng.uniform(0.2, 0.9))
        version = {"draft": 1, "submitted": 2}.get(status, 3)
        return (first_report + index, campaign.pk, node.id, status, sent, accepted, version)

    reports = bulkload.copy_rows(
        Report._meta.db_table,
        ("id", "campaign_id", "unit_id", "status", "submitted_at", "accepted_at", "version"),
        (report_of(index, node) for index, node in enumerate(tree.walk())),
        progress=progress("Báo cáo", total),
    )
    bulkload.reset_sequence(Report._meta.db_table)
    report_ids = {}  # filled by the figures' walk: unit id -> report id, in walk order
    for index, node in enumerate(tree.walk()):
        report_ids[node.id] = first_report + index

    # 3. figures (children before parents, so a union sums what it has just seen), texts spooled
    texts, versions = bulkload.Spool(), bulkload.Spool()
    typed_at = opened + datetime.timedelta(days=20)
    codes = list(COUNTS)

    def value_rows() -> Iterator[tuple]:
        figures_of: dict[int, Figures] = {}
        moment = bulkload.adapt(typed_at)
        for node, kids in tree.walk_up():
            if node.figures is not None:
                figures = node.figures
            elif node.workplace:
                figures = grassroots_figures(node.code, node.workplace)
            else:
                figures = summed([figures_of.pop(kid.id) for kid in kids])
            figures_of[node.id] = figures
            report_id = report_ids[node.id]
            for year, counts, income in (
                (BASE, figures[0], figures[2]),
                (NOW, figures[1], figures[3]),
            ):
                for code, value in zip(codes, counts, strict=True):
                    yield (report_id, code, year, value, _raw(value), moment)
                if income is not None:
                    exact = _tenths(income)
                    yield (
                        report_id,
                        INCOME_CODE,
                        year,
                        bulkload.adapt(exact),
                        format_number(exact),
                        moment,
                    )
            for section_id, text in _texts(node, figures).items():
                texts.add((report_id, section_id, text, 1, moment))
                versions.add((report_id, section_id, 1, text, moment, ""))

    values = bulkload.copy_rows(
        IndicatorValue._meta.db_table,
        ("report_id", "code", "year", "value", "raw", "updated_at"),
        value_rows(),
        progress=progress("Số liệu", total * (2 * len(codes) + 2)),
    )
    report_ids.clear()

    # 4. the spooled texts, and each as its first version
    for model, spool, columns in (
        (SectionText, texts, ("report_id", "section_id", "text", "version", "updated_at")),
        (
            SectionVersion,
            versions,
            ("report_id", "section_id", "version", "text", "saved_at", "note"),
        ),
    ):
        bulkload.load_spool(
            model._meta.db_table,
            columns,
            spool,
            progress=progress("Nội dung" if model is SectionText else "Phiên bản", spool.count),
        )
    count = texts.count
    texts.close()
    versions.close()
    return NationalDemo(campaign, True, units, reports, values, count)
