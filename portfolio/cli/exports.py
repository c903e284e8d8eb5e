"""The export-progress and import-progress commands: the same services as the web pages."""

import errno
import json
from dataclasses import asdict, replace
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from portfolio.auth.models import User
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.exports.queries import get_location
from portfolio.exports.services import (
    Operator,
    import_template,
)
from portfolio.exports.template_upload import TemplateFile, read_owner
from portfolio.funding.columns import FundingChoice
from portfolio.layouts.progress_sheets import export_county_sheets, export_progress, export_supervision
from portfolio.permissions import can
from portfolio.projects.queries import ProjectFilters
from portfolio.reporting.selection import find_period
from portfolio.unit_of_work import discard

SHEETS = ("progress", "counties", "supervision")


def run_export(
    period_code: str, output: str, county: str | None, plan_key: str | None, sheet: str, funding=((), ())
) -> None:
    """Write one of the period's sheets for every project (or one county's) to a file.

    `funding` is (measure keys, source names) for the funding columns of the 调度表 and per-county workbook.
    """
    try:
        period = find_period(period_code, plan_key)
        filters = replace(ProjectFilters(), plan_id=period.plan_id)
        location = get_location(county) if county else None
        choice = FundingChoice.from_names(period.plan_id, *funding)
        if choice.measures and sheet == "supervision":
            raise DomainError("督办清单没有资金列；--funding 用于调度表和分县区调度表。")
        if sheet == "counties":
            file = export_county_sheets(Operator(), period, filters, funding=choice)
        elif sheet == "supervision":
            file = export_supervision(
                Operator(), period, replace(filters, county_id=location and location.id)
            )
        else:
            file = export_progress(Operator(), period, filters, location, funding=choice)
    except DomainError as e:
        raise click.ClickException(e.message) from e
    write_output(output, file.content)
    click.echo(f"已导出 {file.filename} → {output}（{len(file.content)} 字节）")


_WHY = {errno.ENOENT: "所在目录不存在", errno.EACCES: "没有写入权限", errno.EISDIR: "这是一个目录"}


def write_output(output: str, content: bytes) -> None:
    """Write an export to the named file, or stop with a Chinese message saying why it cannot be."""
    try:
        Path(output).write_bytes(content)
    except OSError as e:
        raise click.ClickException(f"无法写入 {output}：{_WHY.get(e.errno, e.strerror)}。") from e


def _actor(data: bytes, username: str | None) -> User:
    name = username or read_owner(data)
    user = session.scalar(select(User).where(User.username == name)) if name else None
    if user is None or not user.is_active:
        raise DomainError(f"找不到可用的账号“{name or ''}”，请用 --user 指定以谁的名义报送。")
    if not can(user, "template.use"):  # the caller checks permissions, never the service
        raise DomainError(f"账号“{name}”无权填报进度，请用 --user 指定县区填报或市级牵头部门的账号。")
    return user


def summary(result: TemplateFile, dry_run: bool) -> dict:
    return {
        "period": result.period.code,
        "dry_run": dry_run,
        "imported": not dry_run and not result.issues,
        "counts": {k: result.count(k) for k in ("submit", "unchanged", "blank")},
        "issues": [asdict(i) for i in result.issues],
        "rows": [
            {
                "row": r.row,
                "project_id": r.project.id,
                "project": r.project.name,
                "outcome": r.outcome,
                "percent_falling": r.falling,
                "funds": {name: str(amount) for name, amount in r.funds_named()},
            }
            for r in result.rows
        ],
    }


def run_import(path: str, dry_run: bool, as_json: bool, username: str | None, period_code: str | None) -> int:
    """Exit 0: imported (or a clean dry run); 1: row-level issues; 2: the file was refused."""
    try:
        data = Path(path).read_bytes()
        actor = _actor(data, username)
        expected = find_period(period_code) if period_code else None
        result = import_template(actor, data, current_app.config["SECRET_KEY"], expected, dry_run)
    except (DomainError, OSError) as e:
        discard()
        message = e.message if isinstance(e, DomainError) else f"无法读取文件：{e}"
        click.echo(
            json.dumps({"error": message}, ensure_ascii=False) if as_json else message, err=not as_json
        )
        return 2
    if dry_run or result.issues:
        discard()  # the command's runner commits only a real, clean import
    report = summary(result, dry_run)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for issue in result.issues:
            click.echo(f"第 {issue.row} 行 {issue.column} {issue.header}：{issue.message}")
        for row in result.falling:
            click.echo(f"[提示] 第 {row.row} 行 {row.project.name}：{row.falling_message()}")
        counts = report["counts"]
        verb = "将报送" if dry_run else "已报送"
        state = "发现问题，未导入" if result.issues else verb
        click.echo(
            f"{result.period.code}：{state} {counts['submit']} 份，"
            f"未改动 {counts['unchanged']} 行，未填写 {counts['blank']} 行。"
        )
    return 1 if result.issues else 0
