"""What a downloaded template says about itself, so that the file uploaded back finds its report.

The DOCX template stores these as custom document properties, the XLSX template in a hidden
sheet; the ingest reads them back into a `TemplateMark`. The outline is named by a key over its
shape (section ids, indicator codes, years): a template made from an outline whose sections or
indicators have since changed is told apart from one that still fits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from baocao.outline.model import Outline

PREFIX = "baocao."
UNIT = "baocao.unit"
UNIT_NAME = "baocao.unit_name"
OUTLINE = "baocao.outline"
OUTLINE_TITLE = "baocao.outline_title"
CAMPAIGN = "baocao.campaign"
KIND = "baocao.kind"
REPORT_TEMPLATE = "report-template"
INDICATORS_TEMPLATE = "indicators-template"
# Instructions a template prints besides the outline's own guidance; never the unit's text.
TABLE_INSTRUCTION = "Ghi số liệu vào các ô trắng; để trống nếu không có số liệu."
TEXT_INSTRUCTION = (
    "Ghi nội dung báo cáo của đơn vị vào dưới mỗi đề mục, thay cho các dòng hướng dẫn in nghiêng."
)


def outline_key(outline: Outline) -> str:
    """A short key for the outline's shape: equal for outlines with the same section ids,
    indicator codes and years, whatever their wording."""
    parts = [f"{role}={year}" for role, year in sorted(outline.years.items())]
    parts += [section.id for section, _ in outline.walk()]
    parts += sorted(indicator.code for indicator in outline.indicators)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class TemplateMark:
    kind: str
    unit_code: str = ""
    unit_name: str = ""
    outline_key: str = ""
    outline_title: str = ""
    campaign: str = ""

    def to_properties(self) -> dict[str, str]:
        values = {
            KIND: self.kind,
            UNIT: self.unit_code,
            UNIT_NAME: self.unit_name,
            OUTLINE: self.outline_key,
            OUTLINE_TITLE: self.outline_title,
            CAMPAIGN: self.campaign,
        }
        return {name: value for name, value in values.items() if value}

    @classmethod
    def from_properties(cls, properties: dict[str, str]) -> TemplateMark | None:
        if not properties.get(KIND, "").strip():
            return None
        return cls(
            kind=properties.get(KIND, "").strip(),
            unit_code=properties.get(UNIT, "").strip(),
            unit_name=properties.get(UNIT_NAME, "").strip(),
            outline_key=properties.get(OUTLINE, "").strip(),
            outline_title=properties.get(OUTLINE_TITLE, "").strip(),
            campaign=properties.get(CAMPAIGN, "").strip(),
        )

    def fits(self, outline: Outline) -> bool:
        return not self.outline_key or self.outline_key == outline_key(outline)
