"""The export-layout command: any layout's sheet (or a zip of every layout) for a period, from the shell."""

import click

from portfolio.cli.exports import write_output
from portfolio.errors import DomainError
from portfolio.exports.queries import get_location
from portfolio.exports.services import Operator
from portfolio.layouts.queries import find_layout
from portfolio.layouts.sheets import export_all_layouts, export_layout
from portfolio.reporting.selection import find_period


def run_export_layout(name: str | None, period_code: str, output: str, county: str | None, plan_key) -> None:
    """Write one layout's sheet, or every layout's in a zip when no name is given, for every project."""
    try:
        period = find_period(period_code, plan_key)
        location = get_location(county) if county else None
        if name:
            file = export_layout(Operator(), find_layout(name), period, location)
        else:
            file = export_all_layouts(Operator(), period, location)
    except DomainError as e:
        raise click.ClickException(e.message) from e
    write_output(output, file.content)
    click.echo(f"已导出 {file.filename} → {output}（{len(file.content)} 字节）")
