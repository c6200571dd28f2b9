"""`python -m baocao.cli`: the same as the `baocao` command (used to start child processes)."""

from baocao.cli import app

app()
