"""Where a browser test finds things on a report page: its address and a section's block."""


def report_path(report) -> str:
    return f"/dot-bao-cao/{report.campaign.slug}/bao-cao/{report.unit.code}/"


def section(page, section_id: str):
    return page.locator(f'[id="muc-{section_id}"]')
