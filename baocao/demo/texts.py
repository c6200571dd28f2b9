"""What the demo units write in their NQ20 reports: plausible Vietnamese prose, a few variants
per section, quoting the unit's own figures so the text and the tables agree.

Plain functions over a `Voice` (who writes, and their figures); `baocao.demo.campaign`
picks which sections each report has. Every text is synthetic.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from baocao.indicators.numbers import format_number

BASE, NOW = 2008, 2017


@dataclass(frozen=True)
class Voice:
    """A unit as its report speaks of itself."""

    union: str  # "Công đoàn cơ sở Trường Tiểu học Nguyễn Huệ", "LĐLĐ huyện Đăk Hà"
    org: str  # "Trường Tiểu học Nguyễn Huệ", "huyện Đăk Hà"
    party: str  # "Chi bộ Trường Tiểu học Nguyễn Huệ", "Huyện ủy Đăk Hà"
    upper: bool  # a district, sector or zone union writing over its CĐCS
    non_state: bool  # an enterprise outside the state sector
    founded: int  # year its CĐCS was founded (<= 2008 for most)
    figures: dict[tuple[str, int], Decimal]

    def n(self, code: str, year: int = NOW) -> int:
        return int(self.figures.get((code, year), 0))

    def f(self, code: str, year: int = NOW) -> str:
        """A figure as Vietnamese documents write it: 1.234 and 5,2."""
        return format_number(self.figures.get((code, year), Decimal(0)))


def _pct(part: int, whole: int) -> str:
    return format_number(Decimal(part * 100) / Decimal(whole), 1) if whole else "0"


def _change(now: int, before: int, unit: str = "người") -> str:
    if now == before:
        return "giữ ổn định"
    word = "tăng" if now > before else "giảm"
    return f"{word} {format_number(abs(now - before))} {unit}"


# --- Phần thứ nhất, I ---------------------------------------------------------------------


def direction(v: Voice, rng: random.Random) -> list[str]:
    """I.1: how the Party committee and the authorities led the resolution's work."""
    if v.upper:
        return [
            f"Ngay sau khi Nghị quyết số 20-NQ/TW được ban hành, {v.party} đã ban hành kế hoạch "
            "thực hiện, chỉ đạo các tổ chức cơ sở đảng tổ chức học tập, quán triệt đến cán bộ, "
            f"đảng viên. Đến nay, 100% tổ chức cơ sở đảng thuộc {v.org} đã tổ chức quán triệt "
            "Nghị quyết.",
            "- Chính quyền đã cụ thể hóa Nghị quyết vào chương trình phát triển kinh tế - xã hội "
            "hằng năm, quan tâm giải quyết việc làm, thu nhập và điều kiện làm việc cho người "
            "lao động.",
            f"- Năm 2014, thực hiện Kết luận số 79-KL/TW của Bộ Chính trị, {v.party} tổ chức sơ "
            "kết 5 năm thực hiện Nghị quyết, chỉ ra hạn chế và đề ra giải pháp cho giai đoạn "
            "tiếp theo.",
            "- Công tác kiểm tra, giám sát việc thực hiện Nghị quyết được đưa vào chương trình "
            f"kiểm tra hằng năm của {v.party}.",
        ]
    if v.non_state:
        return [
            f"Ban Giám đốc {v.org} phối hợp với Ban Chấp hành công đoàn phổ biến Nghị quyết số "
            "20-NQ/TW đến cán bộ quản lý và người lao động qua các buổi sinh hoạt tổ, ca sản "
            "xuất. Doanh nghiệp chưa có tổ chức đảng nên việc thực hiện Nghị quyết do Công đoàn "
            "cấp trên trực tiếp hướng dẫn, kiểm tra.",
            "- Doanh nghiệp đã đưa một số nội dung của Nghị quyết vào nội quy lao động và thỏa "
            "ước lao động tập thể (tiền lương, thời giờ làm việc, an toàn, vệ sinh lao động).",
        ]
    year = rng.choice((2008, 2008, 2009))
    return [
        f"Năm {year}, {v.party} đã tổ chức quán triệt Nghị quyết số 20-NQ/TW đến toàn thể đảng "
        f"viên và chỉ đạo Ban Chấp hành công đoàn xây dựng kế hoạch thực hiện phù hợp với nhiệm "
        f"vụ chính trị của {v.org}.",
        f"- Hằng năm, {v.party} đưa nội dung xây dựng đội ngũ cán bộ, viên chức, người lao động "
        "vào nghị quyết lãnh đạo thực hiện nhiệm vụ của đơn vị.",
        "- Thủ trưởng đơn vị phối hợp với Ban Chấp hành công đoàn tổ chức Hội nghị cán bộ, công "
        "chức, viên chức hằng năm, cụ thể hóa Nghị quyết vào quy chế làm việc và quy chế chi "
        "tiêu nội bộ.",
        rng.choice(
            (
                "- Việc kiểm tra, đôn đốc thực hiện Nghị quyết được lồng ghép trong các kỳ sơ kết "
                "6 tháng, tổng kết năm.",
                "- Chưa tổ chức kiểm tra chuyên đề về Nghị quyết; việc kiểm tra chủ yếu lồng ghép "
                "với kiểm tra thực hiện nhiệm vụ chính trị của đơn vị.",
            )
        ),
    ]


def union_work(v: Voice, rng: random.Random) -> list[str]:
    """I.2: what the union itself did."""
    if v.upper:
        documents = 6 + rng.randrange(9)
        return [
            f"Thực hiện Kế hoạch số 14/KH-LĐLĐ ngày 13/6/2008 của LĐLĐ tỉnh, {v.union} đã ban "
            "hành kế hoạch và hướng dẫn các CĐCS trực thuộc tổ chức nghiên cứu, học tập, quán "
            f"triệt Nghị quyết đến đoàn viên. Giai đoạn 2008-2017, {v.union} ban hành "
            f"{documents} văn bản chỉ đạo, hướng dẫn về thực hiện Nghị quyết.",
            "- Tham mưu cho cấp ủy ban hành chỉ thị về tăng cường sự lãnh đạo của Đảng đối với "
            "công tác công đoàn trong tình hình mới.",
            "- Phối hợp với chính quyền cùng cấp ký kết và thực hiện quy chế phối hợp hoạt động.",
            f"- Hằng năm tổ chức kiểm tra việc thực hiện Nghị quyết tại {rng.randrange(5, 16)} "
            "CĐCS.",
        ]
    members = v.n("members", BASE) or v.n("members")
    since = "năm 2008" if v.founded <= BASE else f"khi thành lập (năm {v.founded})"
    return [
        "Ban Chấp hành Công đoàn cơ sở đã xây dựng kế hoạch thực hiện Nghị quyết, tổ chức quán "
        f"triệt đến 100% đoàn viên ({format_number(members)} đoàn viên {since}). Nội dung Nghị "
        "quyết được lồng ghép trong sinh hoạt công đoàn định kỳ và các hoạt động kỷ niệm ngày "
        "thành lập Công đoàn Việt Nam 28/7.",
        f"- Tham mưu cho {v.party} và phối hợp với thủ trưởng đơn vị ban hành quy chế phối hợp "
        "hoạt động giữa chính quyền và công đoàn.",
        "- Hằng năm xây dựng chương trình hoạt động, trong đó có nội dung thực hiện Nghị quyết "
        "số 20-NQ/TW.",
    ]


def awareness(v: Voice, rng: random.Random) -> list[str]:
    """I.3: how minds and deeds changed."""
    return [
        rng.choice(
            (
                "Qua 10 năm thực hiện Nghị quyết, nhận thức của cấp ủy, chính quyền và đoàn viên, "
                "người lao động về vị trí, vai trò của giai cấp công nhân có chuyển biến rõ nét. "
                "Cấp ủy quan tâm hơn đến công tác công đoàn, tạo điều kiện để công đoàn tham gia "
                "quản lý, giám sát việc thực hiện chế độ, chính sách đối với người lao động.",
                "Nhận thức về Nghị quyết từng bước được nâng lên, song chưa đồng đều; một bộ phận "
                "đoàn viên, người lao động còn xem việc thực hiện Nghị quyết là nhiệm vụ riêng "
                "của tổ chức công đoàn.",
            )
        ),
        rng.choice(
            (
                "Người lao động chủ động hơn trong học tập nâng cao trình độ, chấp hành tốt nội "
                "quy, quy chế của cơ quan, đơn vị.",
                "Chính quyền và công đoàn phối hợp chặt chẽ hơn trong việc chăm lo đời sống, bảo "
                "vệ quyền, lợi ích hợp pháp, chính đáng của đoàn viên.",
            )
        ),
    ]


# --- Phần thứ nhất, II -------------------------------------------------------------------


def membership(v: Voice, rng: random.Random) -> list[str]:
    """II.1: members, workers and unions, 2008 against 2017 (the figures of the table)."""
    workers, members, women = v.n("workers"), v.n("members"), v.n("members_women")
    income = (
        f" Thu nhập bình quân của người lao động năm 2017 đạt {v.f('average_income')} triệu "
        f"đồng/người/tháng"
        + (
            f" (năm 2008: {v.f('average_income', BASE)} triệu đồng)."
            if (("average_income", BASE) in v.figures)
            else "."
        )
    )
    if v.upper:
        unions, unions_then = v.n("grassroots_unions"), v.n("grassroots_unions", BASE)
        growth = members - v.n("members", BASE)
        base = v.n("members", BASE)
        return [
            f"Đến ngày 31/12/2017, {v.union} có {format_number(unions)} CĐCS trực thuộc "
            f"({_change(unions, unions_then, 'CĐCS')} so với năm 2008), trong đó "
            f"{v.f('grassroots_unions_non_state')} CĐCS trong doanh nghiệp ngoài nhà nước; tổng "
            f"số {format_number(members)} đoàn viên trên {format_number(workers)} CNVCLĐ trong "
            f"các đơn vị có tổ chức công đoàn (đạt {_pct(members, workers)}%), nữ "
            f"{format_number(women)} đoàn viên.",
            f"So với năm 2008 ({format_number(base)} đoàn viên), số đoàn viên "
            f"{_change(members, base)}"
            + (f" ({_pct(growth, base)}%)." if base and growth > 0 else ".")
            + f" Khu vực ngoài nhà nước có {v.f('members_non_state')} đoàn viên trên "
            f"{v.f('workers_non_state')} người lao động." + income,
        ]
    if v.founded > BASE:
        return [
            f"Công đoàn cơ sở {v.org} được thành lập năm {v.founded}. Đến ngày 31/12/2017, đơn "
            f"vị có {format_number(workers)} CNVCLĐ, {format_number(members)} đoàn viên (đạt "
            f"{_pct(members, workers)}%), trong đó nữ {format_number(women)} người." + income,
        ]
    base_w, base_m = v.n("workers", BASE), v.n("members", BASE)
    return [
        f"Đến ngày 31/12/2017, {v.org} có {format_number(workers)} CNVCLĐ, trong đó "
        f"{format_number(members)} đoàn viên công đoàn (đạt {_pct(members, workers)}%), nữ "
        f"{format_number(women)} người. So với năm 2008 ({format_number(base_m)} đoàn viên trên "
        f"{format_number(base_w)} CNVCLĐ), số đoàn viên {_change(members, base_m)}." + income,
        rng.choice(
            (
                "Công đoàn cơ sở được xếp loại vững mạnh nhiều năm liền.",
                "Đoàn viên cơ bản ổn định; số tăng chủ yếu do tuyển dụng mới và tiếp nhận viên "
                "chức từ đơn vị khác chuyển đến.",
                "Tỷ lệ đoàn viên trên tổng số người lao động luôn được duy trì ở mức cao.",
            )
        ),
    ]


def grievances(v: Voice, rng: random.Random) -> list[str]:
    """II.2: disputes, strikes, letters (Kết luận 79-KL/TW)."""
    letters, handled = v.n("complaint_letters_received"), v.n("complaint_letters_handled")
    disputes, strikes = v.n("labour_disputes"), v.n("strikes")
    lines = []
    if not (letters or disputes or strikes or v.n("complaint_letters_received", BASE)):
        lines.append(
            "Giai đoạn 2008-2017, tại đơn vị không xảy ra tranh chấp lao động, đình công, ngừng "
            "việc tập thể; không có đơn thư khiếu nại, tố cáo liên quan đến quyền lợi của người "
            "lao động."
        )
    else:
        lines.append(
            f"Năm 2017, công đoàn tiếp nhận {format_number(letters)} đơn thư khiếu nại, kiến nghị "
            f"của người lao động (năm 2008: {v.f('complaint_letters_received', BASE)} đơn), chủ "
            "yếu về tiền lương, bảo hiểm xã hội, chế độ nghỉ ngơi; đã giải quyết, tham gia giải "
            f"quyết {format_number(handled)} đơn."
        )
        if disputes or strikes:
            lines.append(
                f"Trong năm xảy ra {format_number(disputes)} vụ tranh chấp lao động và "
                f"{format_number(strikes)} cuộc ngừng việc tập thể; công đoàn đã kịp thời phối "
                "hợp với cơ quan chức năng đối thoại với người sử dụng lao động, vụ việc được "
                "giải quyết ổn định."
            )
    lines.append(
        rng.choice(
            (
                "- Duy trì đối thoại định kỳ giữa người sử dụng lao động và tập thể người lao "
                "động ít nhất mỗi năm một lần.",
                "- Phối hợp với Bảo hiểm xã hội kiểm tra việc đóng bảo hiểm cho người lao động.",
            )
        )
    )
    return lines


def class_goals(v: Voice, rng: random.Random) -> list[str]:
    """II.3: the resolution's goals for the working class."""
    uni_now, uni_then = v.n("members_university"), v.n("members_university", BASE)
    return [
        "Đội ngũ CNVCLĐ tăng về số lượng, trình độ chuyên môn được nâng lên: số đoàn viên có "
        f"trình độ đại học trở lên tăng từ {format_number(uni_then)} người năm 2008 lên "
        f"{format_number(uni_now)} người năm 2017.",
        rng.choice(
            (
                "Ý thức tổ chức kỷ luật, tác phong công nghiệp của người lao động có chuyển biến "
                "tích cực; đời sống vật chất, tinh thần từng bước được cải thiện.",
                "Tuy vậy, trình độ ngoại ngữ, tin học của một bộ phận người lao động còn hạn chế, "
                "chưa đáp ứng yêu cầu hội nhập.",
            )
        ),
    ]


def education(v: Voice, rng: random.Random) -> list[str]:
    """4.1: propaganda, training, qualification."""
    lines = [
        f"Năm 2017, công đoàn chủ trì, phối hợp tổ chức {v.f('propaganda_sessions')} buổi tuyên "
        f"truyền, phổ biến Nghị quyết, chính sách, pháp luật với {v.f('propaganda_attendees')} "
        f"lượt CNVCLĐ tham dự (năm 2008: {v.f('propaganda_sessions', BASE)} buổi, "
        f"{v.f('propaganda_attendees', BASE)} lượt)."
    ]
    if v.n("training_courses"):
        lines.append(
            f"- Phối hợp mở {v.f('training_courses')} lớp đào tạo, bồi dưỡng với "
            f"{v.f('training_attendees')} lượt người tham gia, trong đó "
            f"{v.f('training_attendees_political')} lượt bồi dưỡng lý luận chính trị."
        )
    else:
        lines.append(
            "- Trong năm 2017, đơn vị cử đoàn viên tham gia các lớp bồi dưỡng do cấp trên tổ chức."
        )
    lines.append(
        f"- Trình độ đoàn viên năm 2017: {v.f('members_university')} đại học trở lên, "
        f"{v.f('members_college')} cao đẳng, {v.f('members_vocational')} trung cấp, sơ cấp và "
        f"công nhân kỹ thuật, {v.f('members_untrained')} chưa qua đào tạo."
    )
    lines.append(
        rng.choice(
            (
                "- Vận động đoàn viên thực hiện Chỉ thị 05-CT/TW về học tập và làm theo tư tưởng, "
                "đạo đức, phong cách Hồ Chí Minh gắn với nhiệm vụ chuyên môn.",
                "- Tổ chức các hoạt động văn hóa, thể thao nhân các ngày lễ lớn, thu hút đông đảo "
                "đoàn viên tham gia.",
            )
        )
    )
    return lines


def organising(v: Voice, rng: random.Random) -> list[str]:
    """4.2: new members and unions, strong unions, the Party."""
    if v.n("new_members"):
        recruited = (
            f"Năm 2017 kết nạp {v.f('new_members')} đoàn viên mới (năm 2008: "
            f"{v.f('new_members', BASE)})"
        )
    else:
        recruited = "Năm 2017 đơn vị không tuyển dụng mới nên không có đoàn viên kết nạp mới"
    if v.n("members_introduced_to_party"):
        party = (
            f"giới thiệu {v.f('members_introduced_to_party')} đoàn viên ưu tú cho Đảng bồi "
            f"dưỡng, {v.f('members_admitted_to_party')} đồng chí được kết nạp vào Đảng."
        )
    else:
        party = "trong năm chưa giới thiệu đoàn viên ưu tú cho Đảng bồi dưỡng."
    lines = [f"{recruited}; {party}"]
    if v.upper:
        lines.append(
            f"- Thành lập mới {v.f('new_grassroots_unions')} CĐCS trong năm 2017; "
            f"{v.f('grassroots_unions_strong')}/{v.f('grassroots_unions')} CĐCS được đánh giá "
            f"đạt vững mạnh ({_pct(v.n('grassroots_unions_strong'), v.n('grassroots_unions'))}%)."
        )
    else:
        strong = v.n("grassroots_unions_strong")
        lines.append(
            "- Công đoàn cơ sở được xếp loại "
            + ("vững mạnh." if strong else "hoàn thành nhiệm vụ, chưa đạt vững mạnh.")
        )
    lines.append(
        f"- {v.f('officers_trained')} lượt cán bộ công đoàn được tập huấn nghiệp vụ công tác công "
        "đoàn trong năm."
    )
    return lines


def welfare(v: Voice, rng: random.Random) -> list[str]:
    """4.3: rights, welfare, inspections, collective agreements."""
    lines = []
    if v.n("union_houses"):
        lines.append(
            f"Năm 2017, hỗ trợ xây mới, sửa chữa {v.f('union_houses')} nhà “Mái ấm Công đoàn” "
            f"với tổng giá trị {v.f('union_houses_value')} triệu đồng cho đoàn viên có hoàn cảnh "
            "khó khăn về nhà ở."
        )
    else:
        lines.append(
            "Hằng năm, công đoàn thăm hỏi, hỗ trợ đoàn viên ốm đau, gia đình có hoàn cảnh khó "
            "khăn nhân dịp Tết Nguyên đán và Tháng Công nhân."
        )
    lines.append(
        f"- Chủ trì, tham gia {v.f('inspections')} cuộc thanh tra, kiểm tra, giám sát việc thực "
        "hiện chính sách, pháp luật liên quan đến người lao động."
    )
    if v.n("collective_agreements_signed"):
        lines.append(
            f"- Đã ký kết {v.f('collective_agreements_signed')} bản thỏa ước lao động tập thể, "
            f"{v.f('collective_agreements_in_force')} bản còn hiệu lực đến 31/12/2017, nhiều nội "
            "dung có lợi hơn cho người lao động so với quy định của pháp luật."
        )
    else:
        lines.append(
            "- Thực hiện tốt quy chế dân chủ ở cơ sở; tổ chức Hội nghị cán bộ, công chức, viên "
            "chức đúng quy định."
        )
    return lines


def emulation(v: Voice, rng: random.Random) -> list[str]:
    """4.4: emulation movements and initiatives."""
    initiatives = v.n("initiatives")
    lines = [
        rng.choice(
            (
                "Phong trào thi đua “Lao động giỏi, lao động sáng tạo” được duy trì thường xuyên, "
                "gắn với nhiệm vụ chuyên môn của đơn vị.",
                "Các phong trào thi đua yêu nước được triển khai sâu rộng; phong trào “Giỏi việc "
                "nước, đảm việc nhà” thu hút đông đảo nữ đoàn viên tham gia.",
            )
        )
    ]
    if initiatives and v.n("initiatives_value"):
        lines.append(
            f"- Năm 2017 có {format_number(initiatives)} sáng kiến, cải tiến kỹ thuật được công "
            f"nhận, giá trị làm lợi ước tính {v.f('initiatives_value')} triệu đồng."
        )
    elif initiatives:
        lines.append(
            f"- Năm 2017 có {format_number(initiatives)} sáng kiến được công nhận, chủ yếu cải "
            "tiến phương pháp làm việc, chưa tính được giá trị làm lợi."
        )
    return lines


# --- Phần thứ nhất, III, and Phần thứ hai ----------------------------------------------------


def strengths(v: Voice, rng: random.Random) -> list[str]:
    return [
        rng.choice(
            (
                "Nghị quyết được quán triệt sâu rộng; cấp ủy, chính quyền quan tâm lãnh đạo, tạo "
                "điều kiện cho công đoàn hoạt động.",
                "Công tác phát triển đoàn viên, chăm lo đời sống người lao động đạt nhiều kết quả; "
                "quan hệ lao động tại đơn vị hài hòa, ổn định.",
            )
        ),
        "- Vai trò đại diện, bảo vệ quyền lợi hợp pháp của đoàn viên từng bước được khẳng định.",
    ]


def limits(v: Voice, rng: random.Random) -> list[str]:
    return [
        rng.choice(
            (
                "Việc sơ kết, đánh giá thực hiện Nghị quyết chưa thường xuyên; một số chỉ tiêu "
                "chưa được theo dõi, thống kê đầy đủ qua các năm.",
                "Hình thức tuyên truyền chưa phong phú, chưa thu hút người lao động trẻ; hoạt "
                "động văn hóa tinh thần còn ít.",
                "Thu nhập của một bộ phận người lao động còn thấp so với mặt bằng chung; điều kiện "
                "làm việc ở một số nơi còn khó khăn.",
            )
        ),
    ]


def causes(v: Voice, rng: random.Random) -> list[str]:
    return [
        "Nguyên nhân khách quan: kinh tế của địa phương còn nhiều khó khăn, địa bàn rộng, giao "
        "thông đi lại trắc trở về mùa mưa.",
        rng.choice(
            (
                "Nguyên nhân chủ quan: cán bộ công đoàn chủ yếu kiêm nhiệm, thời gian dành cho "
                "công tác công đoàn còn hạn chế.",
                "Nguyên nhân chủ quan: sự phối hợp giữa chính quyền và công đoàn có lúc chưa chặt "
                "chẽ; kinh phí hoạt động còn hạn hẹp.",
            )
        ),
    ]


def lessons(v: Voice, rng: random.Random) -> list[str]:
    return [
        "- Phải có sự lãnh đạo thường xuyên của cấp ủy và sự phối hợp chặt chẽ của chính quyền.",
        "- Hoạt động công đoàn phải hướng về cơ sở, lấy đoàn viên, người lao động làm trung tâm.",
        rng.choice(
            (
                "- Chú trọng bồi dưỡng, nâng cao năng lực cho đội ngũ cán bộ công đoàn cơ sở.",
                "- Kịp thời biểu dương, nhân rộng điển hình tiên tiến trong các phong trào thi đua.",
            )
        ),
    ]


def outlook(v: Voice, rng: random.Random) -> list[str]:
    return [
        "Những năm tới, kinh tế - xã hội của tỉnh tiếp tục phát triển; số lao động trong khu vực "
        "ngoài nhà nước và các khu kinh tế dự báo tăng, đặt ra yêu cầu mới cho công tác tập hợp, "
        "phát triển đoàn viên.",
    ]


def goals(v: Voice, rng: random.Random) -> list[str]:
    target = max(1, round(v.n("members") * (1.03 + rng.random() * 0.05)))
    return [
        f"Phấn đấu đến năm 2020 có {format_number(target)} đoàn viên; 100% đoàn viên được học tập, "
        "quán triệt các nghị quyết của Đảng, của Công đoàn.",
        "- Tiếp tục thực hiện có hiệu quả các phong trào thi đua, chăm lo đời sống, bảo vệ quyền "
        "lợi của đoàn viên, người lao động.",
    ]


def proposals(v: Voice, rng: random.Random) -> list[str]:
    return [
        rng.choice(
            (
                "Đề nghị Công đoàn cấp trên tăng cường tập huấn nghiệp vụ cho cán bộ công đoàn cơ "
                "sở, nhất là cán bộ mới.",
                "Đề nghị các cấp có thẩm quyền sớm có chính sách hỗ trợ nhà ở, nhà trẻ cho công "
                "nhân lao động trên địa bàn.",
                "Đề nghị LĐLĐ tỉnh tăng mức hỗ trợ xây dựng nhà “Mái ấm Công đoàn” cho đoàn viên "
                "vùng sâu, vùng xa.",
            )
        ),
    ]


# The sections a unit writes, in the outline's order; figures-only sections come too, since
# a report explains its tables.
WRITERS: dict[str, Callable[[Voice, random.Random], list[str]]] = {
    "P1/I/1": direction,
    "P1/I/2": union_work,
    "P1/I/3": awareness,
    "P1/II/1": membership,
    "P1/II/2": grievances,
    "P1/II/3": class_goals,
    "P1/II/4/4.1": education,
    "P1/II/4/4.2": organising,
    "P1/II/4/4.3": welfare,
    "P1/II/4/4.4": emulation,
    "P1/III/1": strengths,
    "P1/III/2": limits,
    "P1/III/3": causes,
    "P1/III/4": lessons,
    "P2/1": outlook,
    "P2/2": goals,
    "P2/3": proposals,
}

# What a reviewer writes when sending a report back: {section: remark}.
REMARKS = {
    "P1/II/1": "Số đoàn viên nữ năm 2008 chưa khớp với báo cáo thống kê năm 2008 của đơn vị; "
    "đề nghị kiểm tra lại.",
    "P1/I/2": "Cần nêu rõ các văn bản chỉ đạo đã ban hành (kế hoạch, hướng dẫn) và thời gian "
    "ban hành.",
    "P1/III/2": "Phần hạn chế còn chung chung; đề nghị nêu hạn chế cụ thể của đơn vị và "
    "nguyên nhân.",
    "P1/II/4/4.2": "Đề nghị bổ sung số đoàn viên ưu tú được giới thiệu cho Đảng trong cả giai "
    "đoạn 2008-2017.",
    "P2/3": "Đề nghị bổ sung kiến nghị, đề xuất cụ thể với Công đoàn cấp trên.",
}
RETURN_REASONS = (
    "Báo cáo còn thiếu nội dung; đề nghị bổ sung theo nhận xét từng mục và gửi lại.",
    "Số liệu một số chỉ tiêu chưa thống nhất với báo cáo thống kê hằng năm; đề nghị rà soát.",
)

# What a writer adds to a section after the reviewer's remark on it, before sending it again.
FIXES = {
    "P1/II/1": "Số liệu năm 2008 đã được đối chiếu lại với báo cáo thống kê năm 2008 của đơn vị.",
    "P1/I/2": "Bổ sung: Kế hoạch thực hiện Nghị quyết ban hành tháng 8/2008; hướng dẫn sơ kết 5 "
    "năm ban hành tháng 3/2014.",
    "P1/III/2": "Hạn chế cụ thể: chưa tổ chức được lớp bồi dưỡng chuyên đề về Nghị quyết cho "
    "đoàn viên mới tuyển dụng.",
    "P1/II/4/4.2": "Giai đoạn 2008-2017, năm nào công đoàn cũng giới thiệu đoàn viên ưu tú cho "
    "Đảng bồi dưỡng, xem xét kết nạp; số liệu từng năm được tổng hợp tại phụ lục kèm theo.",
    "P2/3": "Đề nghị Công đoàn cấp trên hỗ trợ kinh phí tổ chức các hoạt động văn hóa, thể thao "
    "cho đoàn viên vùng sâu, vùng xa.",
}
