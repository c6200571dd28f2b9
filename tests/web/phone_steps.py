"""The report page on a phone shows one section at a time (report.js, below 60rem): a browser
test at phone width goes to a section as a person does, through the sections' menu."""


def open_section(page, section_id: str) -> None:
    """Open the menu ("Các mục") and choose the section: it becomes the one shown."""
    page.locator(".report-nav summary").click()
    page.locator(".report-nav").locator(f'a[href="#muc-{section_id}"]').click()
    page.locator(f'[id="muc-{section_id}"]').wait_for(state="visible")
