"""`baocao outline import|show`: the outline engine from the command line, without a database."""

import typer

app = typer.Typer(no_args_is_help=True)
