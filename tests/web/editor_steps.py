"""Steps for a section's text in the browser, whichever editor the page shows: the rich-text
editor (report-editor.js, the default) or the plain-lines textarea under it (its form field).
The tests write and read the text as lines ("- " before a bullet), as a person sees it."""

from playwright.sync_api import expect

FIELD = "textarea[name=text]"
RICH = ".editor__rich"


def text_box(where):
    """The box a person types a section's text into: the rich editor's editable area."""
    return where.locator(RICH)


def write(where, text: str) -> None:
    """Replace the section's text by `text`, typed line by line ("- " starts a bullet list)."""
    box = text_box(where)
    box.click()
    box.press("ControlOrMeta+a")
    box.press("Delete")
    if text:
        box.page.keyboard.type(text)


def append(where, text: str) -> None:
    """Type `text` at the end of the section's text ("\\n" is a new paragraph or item)."""
    box = text_box(where)
    box.click()
    box.press("ControlOrMeta+End")
    box.page.keyboard.type(text)


def lines(where) -> str:
    """The section's text as lines (richtext.editable_lines' way)."""
    return where.locator(FIELD).evaluate("field => window.BaocaoRich.lines(field.value)")


def expect_lines(where, text: str, timeout: int = 10_000) -> None:
    """Wait until the section's text reads `text` as lines."""
    field = where.locator(FIELD)
    expect(field).to_have_count(1)
    where.page.wait_for_function(
        "([field, want]) => window.BaocaoRich && window.BaocaoRich.lines(field.value) === want",
        arg=[field.element_handle(), text],
        timeout=timeout,
    )
