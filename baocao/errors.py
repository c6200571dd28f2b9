"""The one error type that the core raises for bad input, and how its messages are translated.

Its message is written for the union officer who caused it (Vietnamese, saying what to do),
so the web and the CLI can show it as it is instead of a traceback.

The core has no Django, yet the web shows the same message in English when EN is chosen. A
message is therefore made from a template marked with `gettext_noop` (a name Django's
`makemessages` hands to xgettext, so the templates land in the web's catalogue) and the values
it names:

    raise InputError(gettext_noop('Số "{shown}" quá lớn; hãy kiểm tra lại.'), shown=shown)

The message is `template.format(**params)`, in Vietnamese as before (the CLI, the logs and the
tests read it); the error keeps `template` and `params`, and `baocao.web.said.shown(error)`
says it in the active language. A message that is not a marked template (an f-string) stays
Vietnamese everywhere. `Said` is such a message on its own (a note rather than an error).
"""

from __future__ import annotations

from typing import Any


def gettext_noop(template: str) -> str:
    """Mark `template` for translation and return it unchanged (Django's name, so that
    `makemessages` extracts it; the core itself never translates)."""
    return template


class Said(str):
    """A Vietnamese message made from a marked template and its values. It is the message (a
    str, compared and shown as one) and keeps `template` and `params` for the web's
    translation; without params the template is the message as it is (no formatting)."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Said:
        said = super().__new__(cls, template.format(**params) if params else template)
        said.template = template
        said.params = params
        return said

    def __reduce__(self):  # pickled (a cache, a session) with its template and values
        return (_said, (self.template, self.params))


def _said(template: str, params: dict[str, Any]) -> Said:
    return Said(template, **params)


class InputError(ValueError):
    """Input that the user can fix: a bad file, a malformed outline, an unreadable number.

    `message` is a template marked with `gettext_noop` and `params` the values it names (or a
    finished message, a `Said` included); see the module's docstring."""

    def __init__(self, message: str, *, detail: str = "", **params: Any):
        if params or not isinstance(message, Said):
            message = Said(message, **params)
        super().__init__(str(message))
        self.message: Said = message
        self.detail = detail

    @property
    def template(self) -> str:
        return self.message.template

    @property
    def params(self) -> dict[str, Any]:
        return self.message.params

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else str(self.message)
