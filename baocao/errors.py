"""The one error type that the core raises for bad input.

Its message is written for the union officer who caused it (Vietnamese, saying what to do),
so the web and the CLI can show it as it is instead of a traceback.
"""


class InputError(ValueError):
    """Input that the user can fix: a bad file, a malformed outline, an unreadable number."""

    def __init__(self, message: str, *, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message
