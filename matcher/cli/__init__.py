"""The ``matcher`` command line: one module per command group.

``app`` builds the typer app; ``common`` holds what every command shares (options,
language, the error helper, atomic output); ``propose`` (propose, validate),
``whatif`` (whatif, shortage, sweep), ``service`` (serve, import, export, token) and
``bench`` hold the commands; ``render`` draws proposals as a table, JSON or CSV.
"""

from matcher.cli.app import app, main

__all__ = ["app", "main"]
