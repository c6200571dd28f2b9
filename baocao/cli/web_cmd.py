"""Commands that run the Django side: demo data and the web server."""

import typer


def register(app: typer.Typer) -> None:
    """Attach the web commands (demo, serve) to the main app."""
