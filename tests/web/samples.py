"""Small domain objects the web tests share: an outline shaped like the seed, a password."""

from baocao.indicators.catalogue import Indicator
from baocao.outline.model import Footnote, Outline, Section

PASSWORD = "mat-khau-thu-nghiem"


def sample_outline() -> Outline:
    """Shaped like the seed: parts, a Roman level, 4.1 with footnotes on its title and a bullet."""
    training = Section(
        id="P1.II.4.1",
        number="4.1",
        title="Kết quả công tác tuyên truyền giáo dục",
        guidance=["Nội dung: có so sánh kết quả từ 2008 đến nay."],
        prompts=[
            "Việc tổ chức quán triệt, học tập Nghị quyết",
            "+ trong CNVCLĐ khu vực ngoài Nhà nước",
            "Tham gia với các ngành chức năng về các hình thức đào tạo",
        ],
        footnotes=[
            Footnote("Yêu cầu bám sát Kế hoạch số 14/KH-LĐLĐ, ngày 13/6/2008.", "title"),
            Footnote("Phân tích các loại hình được đào tạo, bồi dưỡng.", "prompt:2"),
        ],
        indicators=["members", "members_women"],
    )
    return Outline(
        title="Đề cương mẫu tổng kết Nghị quyết",
        preamble=["(kèm theo Hướng dẫn số 22/HD-LĐLĐ)"],
        years={"baseline": 2008, "current": 2017},
        indicators=[
            Indicator("members", "Số đoàn viên công đoàn", "người"),
            Indicator(
                "members_women", "Số đoàn viên nữ", "người", part_of="members", label="Trong đó: nữ"
            ),
        ],
        sections=[
            Section(
                id="P1",
                number="Phần thứ nhất",
                title="Đánh giá tình hình triển khai",
                children=[
                    Section(
                        id="P1.II",
                        number="II",
                        title="Kết quả đạt được",
                        children=[training],
                    )
                ],
            ),
            Section(id="P2", number="Phần thứ hai", title="Phương hướng, nhiệm vụ"),
        ],
        footnotes=[Footnote("Các văn bản triển khai liên quan: ………..?..........", "unanchored")],
        warnings=["Không tìm thấy chỗ đánh dấu của chú thích 5."],
    )
