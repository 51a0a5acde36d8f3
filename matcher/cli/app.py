"""The ``matcher`` typer app: the command groups add themselves in a fixed order.

The order is the order ``matcher --help`` lists the commands in.
"""

from __future__ import annotations

import typer

from matcher.cli import (
    audit,
    bench,
    ledger,
    lending,
    propose,
    record,
    report,
    service,
    simulate,
    summary,
    whatif,
)

__all__ = ["app", "main"]

app = typer.Typer(
    name="matcher",
    help="Exact, explained staffing proposals for reserve-cadre pools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for group in (
    propose,
    service,
    record,
    ledger,
    lending,
    summary,
    report,
    audit,
    bench,
    whatif,
    simulate,
):
    group.register(app)


def main() -> None:
    """The console script ``matcher`` (pyproject's ``[project.scripts]``)."""
    app()
