"""What the core said, in the language of the page: `shown(error)`.

The core's messages are Vietnamese, made from templates marked with `gettext_noop` and their
values (`baocao.errors`); the templates are in the web's catalogue. A view or a template tag
that shows an InputError (an ActionError included) or a note shows `shown(...)`, never
`error.message`: with EN chosen the person reads the English, with the values as they were
(a figure as typed, an indicator's name: data, not interface), a value that is itself a
marked word in the language too. What is not a marked template, or a translation that does
not fit its values, is shown in Vietnamese as it was said.
"""

from __future__ import annotations

from django.utils.translation import gettext

from baocao.errors import InputError, Said


def shown(said: InputError | str | None) -> str:
    """`said` (an InputError, a `Said` note or a plain message) in the active language."""
    if said is None:
        return ""
    message = said.message if isinstance(said, InputError) else said
    if not isinstance(message, Said) or not message.template:
        return str(message)
    translated = gettext(message.template)
    if not message.params:
        return translated
    # A value that is itself a marked word ("dấu phẩy") is said in the language too.
    params = {
        name: shown(value) if isinstance(value, Said) else value
        for name, value in message.params.items()
    }
    try:
        return translated.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError):
        return str(message)
