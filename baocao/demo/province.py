"""The demo province: LĐLĐ tỉnh Kon Tum under Tổng LĐLĐ Việt Nam, about as big as it was in 2018.

The district-level units are Kon Tum's real ten (the city and nine districts, as in the 2017
reports), with their real communes and wards; the sector unions are the province's; the 960 CĐCS
are made up, with names of the kinds a province really has (commune people's committees, schools,
health centres, provincial departments, and about 100 enterprises outside the state sector),
drawn with a fixed seed so every run builds the same tree. Every unit is marked synthetic and has
an example.vn e-mail.

`demo_units()` is the plan (also used by later demo steps that need to know, say, which CĐCS are
non-state); `create_demo_province()` stores it with bulk_create, adding only what is missing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction

from baocao.apps.orgs.models import PATH_SEPARATOR, Unit, UnitKind

SEED = 20_18
ROOT_CODE = "TLD"
PROVINCE_CODE = "KT"
EMAIL_DOMAIN = "example.vn"


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    kind: str
    parent_code: str | None
    non_state: bool = False  # a CĐCS in an enterprise outside the state sector

    @property
    def email(self) -> str:
        return f"donvi-{self.code.lower()}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class _District:
    code: str
    name: str  # "thành phố Kon Tum", "huyện Đăk Hà"
    cdcs: int  # how many CĐCS it has
    non_state: int  # of them in non-state enterprises
    communes: tuple[str, ...]  # "phường Quyết Thắng", "xã Đăk Cấm", "thị trấn Đăk Hà"


# Kon Tum's ten district-level units before the 2025 reorganisation, with their communes.
DISTRICTS = (
    _District(
        "KT-TP",
        "thành phố Kon Tum",
        185,
        28,
        (
            "phường Quyết Thắng",
            "phường Quang Trung",
            "phường Thắng Lợi",
            "phường Thống Nhất",
            "phường Lê Lợi",
            "phường Ngô Mây",
            "phường Duy Tân",
            "phường Trường Chinh",
            "phường Nguyễn Trãi",
            "phường Trần Hưng Đạo",
            "xã Đăk Cấm",
            "xã Đăk Blà",
            "xã Ia Chim",
            "xã Đăk Năng",
            "xã Đoàn Kết",
            "xã Chư Hreng",
            "xã Đăk Rơ Wa",
            "xã Hòa Bình",
            "xã Vinh Quang",
            "xã Kroong",
            "xã Ngọk Bay",
        ),
    ),
    _District(
        "KT-DH",
        "huyện Đăk Hà",
        88,
        6,
        (
            "thị trấn Đăk Hà",
            "xã Đăk Pxi",
            "xã Đăk Long",
            "xã Đăk HRing",
            "xã Đăk Ui",
            "xã Đăk Mar",
            "xã Ngọk Wang",
            "xã Ngọk Réo",
            "xã Hà Mòn",
            "xã Đăk La",
        ),
    ),
    _District(
        "KT-DT",
        "huyện Đăk Tô",
        77,
        5,
        (
            "thị trấn Đăk Tô",
            "xã Đăk Rơ Nga",
            "xã Ngọk Tụ",
            "xã Đăk Trăm",
            "xã Văn Lem",
            "xã Kon Đào",
            "xã Tân Cảnh",
            "xã Diên Bình",
            "xã Pô Kô",
        ),
    ),
    _District(
        "KT-NH",
        "huyện Ngọc Hồi",
        77,
        6,
        (
            "thị trấn Plei Kần",
            "xã Đăk Ang",
            "xã Đăk Dục",
            "xã Đăk Nông",
            "xã Đăk Xú",
            "xã Đăk Kan",
            "xã Bờ Y",
            "xã Sa Loong",
        ),
    ),
    _District(
        "KT-DG",
        "huyện Đăk Glei",
        67,
        2,
        (
            "thị trấn Đăk Glei",
            "xã Đăk Blô",
            "xã Đăk Man",
            "xã Đăk Nhoong",
            "xã Đăk Pék",
            "xã Đăk Choong",
            "xã Xốp",
            "xã Mường Hoong",
            "xã Ngọc Linh",
            "xã Đăk Long",
            "xã Đăk KRoong",
            "xã Đăk Môn",
        ),
    ),
    _District(
        "KT-ST",
        "huyện Sa Thầy",
        72,
        5,
        (
            "thị trấn Sa Thầy",
            "xã Rơ Kơi",
            "xã Sa Nhơn",
            "xã Hơ Moong",
            "xã Mô Rai",
            "xã Sa Sơn",
            "xã Sa Nghĩa",
            "xã Sa Bình",
            "xã Ya Xiêr",
            "xã Ya Tăng",
            "xã Ya Ly",
        ),
    ),
    _District(
        "KT-KR",
        "huyện Kon Rẫy",
        52,
        2,
        (
            "thị trấn Đăk Rve",
            "xã Đăk Kôi",
            "xã Đăk Tơ Lung",
            "xã Đăk Ruồng",
            "xã Đăk Pne",
            "xã Đăk Tờ Re",
            "xã Tân Lập",
        ),
    ),
    _District(
        "KT-KP",
        "huyện Kon Plông",
        57,
        4,
        (
            "xã Đăk Long",
            "xã Măng Cành",
            "xã Đăk Tăng",
            "xã Măng Bút",
            "xã Đăk Ring",
            "xã Đăk Nên",
            "xã Ngọk Tem",
            "xã Hiếu",
            "xã Pờ Ê",
        ),
    ),
    _District(
        "KT-TMR",
        "huyện Tu Mơ Rông",
        50,
        1,
        (
            "xã Đăk Hà",
            "xã Đăk Tờ Kan",
            "xã Đăk Rơ Ông",
            "xã Đăk Sao",
            "xã Tu Mơ Rông",
            "xã Ngọk Lây",
            "xã Đăk Na",
            "xã Măng Ri",
            "xã Văn Xuôi",
            "xã Ngọk Yêu",
            "xã Tê Xăng",
        ),
    ),
    _District(
        "KT-IHD",
        "huyện Ia H'Drai",
        28,
        3,
        ("xã Ia Dom", "xã Ia Dal", "xã Ia Tơi"),
    ),
)

# The people schools are named after, as in every Vietnamese town.
_NAMESAKES = (
    "Nguyễn Huệ", "Lê Lợi", "Trần Phú", "Phan Chu Trinh", "Lý Tự Trọng", "Nguyễn Du",
    "Kim Đồng", "Võ Thị Sáu", "Ngô Quyền", "Quang Trung", "Hoàng Văn Thụ", "Nguyễn Văn Trỗi",
    "Lê Văn Tám", "Chu Văn An", "Trần Quốc Toản", "Nguyễn Bỉnh Khiêm", "Lê Quý Đôn",
    "Hùng Vương", "Nguyễn Trãi", "Trần Hưng Đạo", "Đinh Tiên Hoàng", "Lê Hồng Phong",
    "Phan Đình Phùng", "Bế Văn Đàn", "Nguyễn Thị Minh Khai", "Tô Vĩnh Diện", "Lương Thế Vinh",
    "Nguyễn Đình Chiểu", "Huỳnh Thúc Kháng", "Phan Bội Châu", "Lê Đình Chinh", "Trần Quốc Tuấn",
    "Nguyễn Khuyến", "Hai Bà Trưng", "Bà Triệu", "Lý Thường Kiệt", "Đoàn Thị Điểm",
    "Nguyễn Văn Cừ", "Trần Văn Ơn", "Phạm Văn Đồng", "Võ Nguyên Giáp", "Lê Văn Hiến",
    "Nguyễn Sinh Sắc", "Anh hùng Núp", "A Dừa", "Đinh Núp", "U Rê", "Y Đôn",
)  # fmt: skip
_KINDERGARTENS = (
    "Hoa Hồng", "Hoa Sen", "Sơn Ca", "Họa Mi", "Vành Khuyên", "Tuổi Thơ", "Hoa Mai",
    "Bình Minh", "Rạng Đông", "Hoa Ban", "Hoa Pơ Lang", "Măng Non", "Bông Sen", "Hướng Dương",
    "Hoa Phượng", "Sao Mai", "Hoa Lan", "Ánh Dương", "Hoa Cúc", "Thỏ Ngọc", "Tuổi Hồng",
    "Ngọc Lan", "Hoa Sữa", "Đồng Xanh", "Bé Ngoan", "Hoa Trạng Nguyên", "Mai Vàng", "Hoa Đào",
    "Tuổi Ngọc", "Hoàng Oanh", "Chim Non", "Hoa Dã Quỳ", "Trúc Xinh", "Nắng Mai", "Mầm Xanh",
    "Cỏ Non", "Hoa Thủy Tiên", "Hoa Lê", "Hoa Sim", "Ánh Sao",
)  # fmt: skip
_DISTRICT_AGENCIES = (
    "Cơ quan {party}",
    "Văn phòng HĐND và UBND {d}",
    "Phòng Giáo dục và Đào tạo {d}",
    "Kho bạc Nhà nước {d}",
    "Chi cục Thuế {d}",
    "Bảo hiểm xã hội {d}",
    "Ngân hàng Chính sách xã hội {d}",
    "Trung tâm Văn hóa - Thể thao và Truyền thông {d}",
    "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên {d}",
    "Hạt Kiểm lâm {d}",
    "Tòa án nhân dân {d}",
    "Viện Kiểm sát nhân dân {d}",
    "Chi cục Thi hành án dân sự {d}",
    "Ban Quản lý dự án đầu tư xây dựng {d}",
    "Trung tâm Dịch vụ nông nghiệp {d}",
    "Bưu điện {d}",
    "Phòng Tài chính - Kế hoạch {d}",
    "Phòng Lao động - Thương binh và Xã hội {d}",
    "Ủy ban Mặt trận Tổ quốc Việt Nam {d}",
    "Chi cục Thống kê {d}",
)
_TRADES = (
    "Xây dựng", "Thương mại", "Xây dựng và Thương mại", "Vận tải", "Chế biến nông sản",
    "Cà phê", "Chế biến gỗ", "Khai thác khoáng sản", "Thủy điện", "Dịch vụ du lịch",
    "Đầu tư phát triển", "Dược liệu", "Sản xuất vật liệu xây dựng", "Môi trường đô thị",
    "Nông nghiệp công nghệ cao", "Cơ khí", "In và bao bì", "Xăng dầu", "Kinh doanh tổng hợp",
    "Sâm Ngọc Linh",
)  # fmt: skip
_BRANDS = (
    "Tân Phát", "Thành Đạt", "Phú Thịnh", "Minh Long", "Hoàng Anh", "Trường Sơn", "Tây Nguyên",
    "Hưng Thịnh", "An Phú", "Đại Lộc", "Thiên Phúc", "Bảo Long", "Hòa Phát", "Ngọc Linh",
    "Măng Đen", "Đăk Bla", "Sao Mai", "Việt Lào", "Đông Dương", "Quang Minh", "Thịnh Vượng",
    "Kon Tum Xanh", "Tín Nghĩa", "Phương Nam", "Hồng Đức", "Gia Bảo", "Nam Trung", "Thái Bình",
    "Vạn Xuân", "Lộc Phát", "Phú Cường", "Thuận Thành", "Đức Long", "Sông Pô Kô", "Plei Kần",
)  # fmt: skip
_COMPANY_FORMS = ("Công ty TNHH", "Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân")  # fmt: skip


def demo_units() -> list[DemoUnit]:
    """The whole demo tree, parents before children, the same on every call."""
    rng = random.Random(SEED)
    names = _NameBook(rng)
    units = [
        DemoUnit(ROOT_CODE, "Tổng Liên đoàn Lao động Việt Nam", UnitKind.NATIONAL, None),
        DemoUnit(PROVINCE_CODE, "Liên đoàn Lao động tỉnh Kon Tum", UnitKind.PROVINCE, ROOT_CODE),
    ]
    for district in DISTRICTS:
        units.append(
            DemoUnit(
                district.code,
                f"Liên đoàn Lao động {district.name}",
                UnitKind.DISTRICT,
                PROVINCE_CODE,
            )
        )
    sectors = [
        ("KT-GD", "Công đoàn Giáo dục tỉnh Kon Tum", UnitKind.SECTOR, 55, 0, _education_names),
        ("KT-YT", "Công đoàn Ngành Y tế tỉnh Kon Tum", UnitKind.SECTOR, 32, 2, _health_names),
        ("KT-VC", "Công đoàn Viên chức tỉnh Kon Tum", UnitKind.SECTOR, 55, 0, _civil_names),
        ("KT-KKT", "Công đoàn Khu kinh tế tỉnh Kon Tum", UnitKind.ZONE, 25, 22, _zone_names),
    ]
    for code, name, kind, *_ in sectors:
        units.append(DemoUnit(code, name, kind, PROVINCE_CODE))

    units += _grassroots(PROVINCE_CODE, _province_names(), 40, 14, names.companies("Kon Tum"))
    for district in DISTRICTS:
        place = district.name.split(" ", 1)[1] if district.code != "KT-TP" else "Kon Tum"
        units += _grassroots(
            district.code,
            _district_names(district, rng),
            district.cdcs,
            district.non_state,
            names.companies(place),
        )
    for code, _name, _kind, count, non_state, state_names in sectors:
        private = _HEALTH_PRIVATE if code == "KT-YT" else names.companies("Kon Tum")
        units += _grassroots(code, state_names(), count, non_state, iter(private))
    return units


class _NameBook:
    """Enterprise names that are never handed out twice in the province."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def companies(self, place: str) -> Iterator[str]:
        """An endless supply of new enterprise names, some of them named after `place`."""
        while True:
            form = self.rng.choice(_COMPANY_FORMS)
            trade = self.rng.choice(_TRADES)
            brand = self.rng.choice((*_BRANDS, place, place))
            name = (
                f"{form} {brand}" if form == "Doanh nghiệp tư nhân" else f"{form} {trade} {brand}"
            )
            if name not in self.used:
                self.used.add(name)
                yield name


def _grassroots(
    parent: str, state_names: list[str], count: int, non_state: int, private_names: Iterator[str]
) -> list[DemoUnit]:
    """`count` CĐCS under `parent`: the first state-sector names and `non_state` enterprises,
    interleaved the way a list sorted by founding date would be."""
    state = state_names[: count - non_state]
    if len(state) < count - non_state:
        raise RuntimeError(f"{parent}: not enough names for {count - non_state} CĐCS")
    private = [next(private_names) for _ in range(non_state)]
    ordered: list[tuple[str, bool]] = [(name, False) for name in state]
    step = max(1, len(ordered) // (non_state + 1)) if non_state else 0
    for index, name in enumerate(private):
        ordered.insert(min(len(ordered), (index + 1) * step + index), (name, True))
    return [
        DemoUnit(f"{parent}-{number:03d}", f"CĐCS {name}", UnitKind.GRASSROOTS, parent, flag)
        for number, (name, flag) in enumerate(ordered, start=1)
    ]


def _district_names(district: _District, rng: random.Random) -> list[str]:
    """A district's state-sector CĐCS, broadest first: its agencies, then for every commune its
    people's committee and schools, round after round, so any prefix covers every commune."""
    place = district.name
    party = "Thành ủy Kon Tum" if district.code == "KT-TP" else f"Huyện ủy {place.split(' ', 1)[1]}"
    names = [agency.format(d=place, party=party) for agency in _DISTRICT_AGENCIES]
    communes = list(district.communes)
    namesakes = {level: rng.sample(_NAMESAKES, len(_NAMESAKES)) for level in ("th", "thcs")}
    gardens = rng.sample(_KINDERGARTENS, len(_KINDERGARTENS))
    rounds = [
        lambda c: f"UBND {c}",
        lambda c: f"Trường Mầm non {gardens.pop() if gardens else _short(c)}",
        lambda c: f"Trường Tiểu học {namesakes['th'].pop()}",
        lambda c: (
            f"Trường THCS {namesakes['thcs'].pop()}"
            if c.startswith(("phường", "thị trấn"))
            else f"Trường PTDTBT THCS {_short(c)}"
        ),
        lambda c: f"Trường Tiểu học {namesakes['th'].pop()}",
        lambda c: f"Trường Mầm non {gardens.pop() if gardens else _short(c)}",
        lambda c: f"Trường Tiểu học và THCS {namesakes['thcs'].pop()}",
    ]
    for make in rounds:
        for commune in communes:
            try:
                name = make(commune)
            except IndexError:
                continue  # the namesakes ran out in a big city: the next round fills in
            if name not in names:
                names.append(name)
    if district.code == "KT-TP":
        # The demo's CĐCS login belongs to this school: keep it whatever the draw.
        pinned = "Trường Tiểu học Nguyễn Huệ"
        if pinned in names:
            names.remove(pinned)
        names.insert(len(_DISTRICT_AGENCIES) + 1, pinned)
    return names


def _short(commune: str) -> str:
    """ "xã Đăk Cấm" -> "Đăk Cấm": a commune's name as a school takes it."""
    for prefix in ("xã ", "phường ", "thị trấn "):
        if commune.startswith(prefix):
            return commune.removeprefix(prefix)
    return commune


def _province_names() -> list[str]:
    """Units directly under LĐLĐ tỉnh: central agencies' provincial branches, state companies."""
    return [
        "Công ty TNHH MTV Cao su Kon Tum",
        "Công ty Điện lực Kon Tum",
        "Viễn thông Kon Tum (VNPT)",
        "Viettel Kon Tum",
        "Bưu điện tỉnh Kon Tum",
        "Kho bạc Nhà nước tỉnh Kon Tum",
        "Cục Thuế tỉnh Kon Tum",
        "Bảo hiểm xã hội tỉnh Kon Tum",
        "Ngân hàng Nhà nước chi nhánh tỉnh Kon Tum",
        "Ngân hàng Chính sách xã hội chi nhánh tỉnh Kon Tum",
        "Agribank chi nhánh tỉnh Kon Tum",
        "Vietcombank chi nhánh Kon Tum",
        "BIDV chi nhánh Kon Tum",
        "VietinBank chi nhánh Kon Tum",
        "Cục Thống kê tỉnh Kon Tum",
        "Tòa án nhân dân tỉnh Kon Tum",
        "Viện Kiểm sát nhân dân tỉnh Kon Tum",
        "Cục Thi hành án dân sự tỉnh Kon Tum",
        "Công ty Cổ phần Cấp nước Kon Tum",
        "Công ty TNHH MTV Lâm nghiệp Kon Rẫy",
        "Công ty TNHH MTV Lâm nghiệp Đăk Tô",
        "Công ty TNHH MTV Lâm nghiệp Ngọc Hồi",
        "Công ty Cổ phần Môi trường đô thị Kon Tum",
        "Công ty Xổ số kiến thiết Kon Tum",
        "Cơ quan Liên đoàn Lao động tỉnh Kon Tum",
        "Công ty TNHH MTV Khai thác công trình thủy lợi Kon Tum",
    ]


def _education_names() -> list[str]:
    schools = [
        "Cơ quan Sở Giáo dục và Đào tạo tỉnh Kon Tum",
        "Trường THPT chuyên Nguyễn Tất Thành",
        "Trường Phổ thông Dân tộc nội trú tỉnh",
        "Trường Cao đẳng Kon Tum",
        "Trường Cao đẳng Cộng đồng Kon Tum",
        "Trung tâm Giáo dục thường xuyên tỉnh",
    ]
    schools += [
        f"Trường Phổ thông Dân tộc nội trú {district.name}"
        for district in DISTRICTS
        if district.code != "KT-TP"
    ]
    for district in DISTRICTS:
        for namesake in _THPT[district.code]:
            schools.append(f"Trường THPT {namesake}")
    return schools


# Upper-secondary schools per district (names as such schools carry, not a census).
_THPT = {
    "KT-TP": (
        "Kon Tum", "Phan Bội Châu", "Duy Tân", "Lê Lợi", "Nguyễn Huệ", "Trường Chinh",
        "Ngô Mây", "Quang Trung", "Lương Thế Vinh", "Chu Văn An",
    ),
    "KT-DH": ("Trần Quốc Tuấn", "Nguyễn Du", "Đăk Hà", "Lê Quý Đôn", "Phan Chu Trinh"),
    "KT-DT": ("Nguyễn Văn Cừ", "Đăk Tô", "Lý Tự Trọng", "Huỳnh Thúc Kháng"),
    "KT-NH": ("Nguyễn Trãi", "Phan Đình Phùng", "Ngọc Hồi", "Lê Hồng Phong"),
    "KT-DG": ("Lương Thế Vinh Đăk Glei", "Đăk Glei", "Đinh Núp"),
    "KT-ST": ("Quang Trung Sa Thầy", "Sa Thầy", "Trần Phú", "Võ Nguyên Giáp"),
    "KT-KR": ("Chu Văn An Kon Rẫy", "Kon Rẫy", "Nguyễn Bỉnh Khiêm"),
    "KT-KP": ("Măng Đen", "Kon Plông", "Võ Thị Sáu"),
    "KT-TMR": ("Tu Mơ Rông", "Ngọk Yêu"),
    "KT-IHD": ("Ia H'Drai", "Lê Văn Hiến"),
}  # fmt: skip


def _health_names() -> list[str]:
    names = [
        "Cơ quan Sở Y tế tỉnh Kon Tum",
        "Bệnh viện Đa khoa tỉnh Kon Tum",
        "Bệnh viện Y dược cổ truyền - Phục hồi chức năng tỉnh",
        "Bệnh viện Đa khoa khu vực Ngọc Hồi",
        "Trung tâm Kiểm soát bệnh tật tỉnh",
        "Trung tâm Pháp y tỉnh",
        "Trung tâm Giám định y khoa tỉnh",
        "Trung tâm Kiểm nghiệm thuốc, mỹ phẩm, thực phẩm",
        "Chi cục Dân số - Kế hoạch hóa gia đình",
        "Chi cục An toàn vệ sinh thực phẩm",
        "Trường Trung cấp Y tế Kon Tum",
        "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh",
        "Trung tâm Cấp cứu 115 tỉnh Kon Tum",
        "Trung tâm Y tế thành phố Kon Tum",
    ]
    names += [
        f"Trung tâm Y tế {district.name}" for district in DISTRICTS if district.code != "KT-TP"
    ]
    names += [
        f"Phòng khám Đa khoa khu vực {place}"
        for place in (
            "Đăk Rơ Nga",
            "Măng Đen",
            "Đăk Mar",
            "Plei Kần",
            "Sa Sơn",
            "Đăk Pék",
            "Ia Chim",
        )
    ]
    return names


_HEALTH_PRIVATE = (
    "Bệnh viện Đa khoa tư nhân Hòa Bình Kon Tum",
    "Công ty Cổ phần Dược - Vật tư y tế Kon Tum",
)


def _civil_names() -> list[str]:
    departments = (
        "Văn phòng UBND tỉnh", "Văn phòng Đoàn ĐBQH và HĐND tỉnh", "Sở Tài chính",
        "Sở Kế hoạch và Đầu tư", "Sở Nội vụ", "Sở Tư pháp", "Sở Công Thương",
        "Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường", "Sở Xây dựng",
        "Sở Giao thông vận tải", "Sở Lao động - Thương binh và Xã hội",
        "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ",
        "Sở Thông tin và Truyền thông", "Sở Ngoại vụ", "Thanh tra tỉnh", "Ban Dân tộc tỉnh",
        "Đài Phát thanh và Truyền hình tỉnh", "Báo Kon Tum", "Liên minh Hợp tác xã tỉnh",
        "Ban Quản lý Khu kinh tế tỉnh", "Trung tâm Dịch vụ việc làm tỉnh",
        "Trung tâm Công tác xã hội tỉnh", "Chi cục Kiểm lâm tỉnh", "Chi cục Thủy lợi",
        "Chi cục Trồng trọt và Bảo vệ thực vật", "Chi cục Chăn nuôi và Thú y",
        "Trung tâm Khuyến nông tỉnh", "Bảo tàng - Thư viện tỉnh", "Trung tâm Văn hóa - Điện ảnh tỉnh",
        "Trung tâm Xúc tiến đầu tư tỉnh", "Trung tâm Phát triển quỹ đất tỉnh",
        "Văn phòng Đăng ký đất đai tỉnh", "Trung tâm Kiểm định chất lượng công trình xây dựng",
        "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp",
        "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông",
        "Ban Quản lý dự án đầu tư xây dựng các công trình nông nghiệp và phát triển nông thôn",
        "Trung tâm Huấn luyện và Thi đấu thể dục thể thao tỉnh", "Đoàn Ca múa nhạc tỉnh",
        "Quỹ Đầu tư phát triển tỉnh", "Trung tâm Trợ giúp pháp lý nhà nước",
        "Phòng Công chứng số 1", "Trung tâm Công nghệ thông tin và Truyền thông",
        "Trung tâm Phục vụ hành chính công tỉnh", "Trung tâm Quan trắc tài nguyên và môi trường",
        "Ban Quản lý rừng phòng hộ Thạch Nham", "Ban Quản lý rừng phòng hộ Đăk Blô",
        "Vườn Quốc gia Chư Mom Ray", "Khu Bảo tồn thiên nhiên Ngọc Linh",
        "Trung tâm Nước sạch và Vệ sinh môi trường nông thôn", "Cơ quan Ủy ban MTTQ Việt Nam tỉnh",
        "Cơ quan Tỉnh đoàn Kon Tum", "Cơ quan Hội Liên hiệp Phụ nữ tỉnh",
        "Cơ quan Hội Nông dân tỉnh", "Cơ quan Hội Cựu chiến binh tỉnh",
    )  # fmt: skip
    return list(departments)


def _zone_names() -> list[str]:
    return [
        "Cơ quan Ban Quản lý Khu kinh tế cửa khẩu quốc tế Bờ Y",
        "Trung tâm Phát triển hạ tầng Khu kinh tế",
        "Công ty Phát triển hạ tầng Khu công nghiệp Hòa Bình",
    ]


# --- storing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoProvince:
    root: Unit  # Tổng LĐLĐ Việt Nam
    province: Unit  # LĐLĐ tỉnh Kon Tum
    created: int  # units added by this call (0 when the demo was already there)


@transaction.atomic
def create_demo_province() -> DemoProvince:
    """Store the demo tree; units already there (by code) are left as they are, so running
    twice changes nothing, and a unit renamed by hand keeps its new name."""
    plan = demo_units()
    codes = [unit.code for unit in plan]
    existing = dict(Unit.objects.filter(code__in=codes).values_list("code", "path"))
    paths = dict(existing)
    missing = []
    for unit in plan:
        parent_path = paths.get(unit.parent_code, "") if unit.parent_code else ""
        path = paths.get(unit.code) or f"{parent_path}{unit.code}{PATH_SEPARATOR}"
        paths[unit.code] = path
        if unit.code not in existing:
            missing.append((unit, path))
    Unit.objects.bulk_create(
        [
            Unit(
                code=unit.code,
                name=unit.name,
                kind=unit.kind,
                email=unit.email,
                path=path,
                depth=path.count(PATH_SEPARATOR) - 1,
                synthetic=True,
            )
            for unit, path in missing
        ],
        batch_size=500,
    )
    if missing:
        pk_of = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
        linked = []
        for unit, _path in missing:
            if unit.parent_code:
                linked.append(Unit(pk=pk_of[unit.code], parent_id=pk_of[unit.parent_code]))
        Unit.objects.bulk_update(linked, ["parent"], batch_size=500)
    return DemoProvince(
        root=Unit.objects.get(code=ROOT_CODE),
        province=Unit.objects.get(code=PROVINCE_CODE),
        created=len(missing),
    )
