"""The body of `flask import-annex`: read the file, call import_annex, print the report."""

import json
from pathlib import Path

import click

from portfolio.annex.report import ImportReport
from portfolio.annex.services import import_annex
from portfolio.errors import DomainError
from portfolio.projects.services import get_plan
from portfolio.unit_of_work import discard

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def run_import(path: str, plan_key: str | None, dry_run: bool, as_json: bool, note=None) -> int:
    """Returns the exit status: 0 imported (or a clean dry run), 1 validation errors, 2 unreadable."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        click.echo(f"无法读取文件 {path}：{e.strerror}", err=True)
        return EXIT_UNREADABLE
    try:
        plan = get_plan(plan_key)
        report = import_annex(None, data, Path(path).name, plan, dry_run=dry_run, note=note)
    except DomainError as e:  # UnreadableAnnex, an unknown / ambiguous plan, an adjustment without its note
        discard()
        _fail(e.message, as_json)
        return EXIT_UNREADABLE
    if dry_run or not report.ok:
        discard()  # the command's runner commits only what a real, clean import wrote
    if as_json:
        click.echo(report.to_json())
    else:
        _print(report)
    return EXIT_OK if report.ok else EXIT_INVALID


def _fail(message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
    click.echo(message, err=True)


def _print(report: ImportReport) -> None:
    c = report.counts
    for issue in sorted(report.issues, key=lambda i: (i.severity != "error", i.sheet or "", i.row or 0)):
        where = f"{issue.sheet or ''} 第{issue.row}行" if issue.row else (issue.sheet or "")
        cell = f" {issue.column}列（{issue.header}）" if issue.column else ""
        label = "错误" if issue.severity == "error" else "提示"
        click.echo(f"[{label}] {where}{cell} {issue.code}：{issue.message}")
    click.echo(
        f"新增 {c['created']}，更新 {c['updated']}，未变 {c['unchanged']}，"
        f"仅序号变动 {c['renumbered']}，调出 {c['withdrawn']}；错误 {c['errors']}，提示 {c['warnings']}。"
    )
    for name in report.withdrawn:
        click.echo(f"  调出：{name}")
    if not report.ok:
        click.echo("存在错误，未写入任何数据。")
    elif report.dry_run:
        click.echo("试运行：未写入任何数据。")
    else:
        click.echo(f"已导入（批次 {report.batch_id}）。")
