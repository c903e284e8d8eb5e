"""The `plans` commands: load a plan file (the shipped 14th plan by default) and list the plans."""

from pathlib import Path

import click
from flask.cli import AppGroup

from portfolio.unit_of_work import command

plans_cli = AppGroup("plans", help="规划：从规划文件加载、列出现有规划。")


@plans_cli.command("load", help="加载规划文件（JSON）；不指定 PATH 时加载随附的“十四五”规划。可重复运行。")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@command
def plans_load(path):
    """Load a plan file (JSON); without FILE, the shipped 14th plan. Idempotent."""
    from portfolio.plans.definition import SHIPPED_PLAN, read_plan_file
    from portfolio.plans.sync import load_plan_definition
    from portfolio.projects.services import ensure_locations

    ensure_locations()
    result = load_plan_definition(None, read_plan_file(Path(path) if path else SHIPPED_PLAN))
    plan = result.plan
    if result.created:
        from portfolio.funding.services import ensure_default_sources

        # As seed-demo does: a plan loaded from a file starts with the standard 资金来源 list.
        sources = ensure_default_sources(plan)
        span = f"{plan.start_year}–{plan.end_year}"
        counts = f"{len(plan.categories)} 个类别，{len(sources)} 个资金来源"
        click.echo(f"已新建规划 {plan.short_name}（{span}），{counts}。")
    elif result.changes:
        click.echo(f"已更新规划 {plan.short_name}：")
        for line in result.changes:
            click.echo(f"  - {line}")
    else:
        click.echo(f"规划 {plan.short_name} 与文件一致，未做修改。")


@plans_cli.command("list", help="列出每个规划的简称、年份、状态和项目数。")
def plans_list():
    """Each plan's short name, years, state and project count."""
    from portfolio.plans.queries import list_plans_with_counts

    rows = list_plans_with_counts()
    if not rows:
        click.echo("系统中还没有规划。请运行 flask --app app plans load 加载“十四五”规划。")
        return
    for plan, count in rows:
        state = "已关闭" if plan.closed_at else "执行中"
        click.echo(
            f"{plan.short_name}\t{plan.start_year}–{plan.end_year}\t{state}\t{count} 个项目\t{plan.name}"
        )
