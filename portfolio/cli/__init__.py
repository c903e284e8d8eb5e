"""Command-line entry points, all in this package: the same services as the web pages.

Each command that changes data runs under unit_of_work.command: one commit when it succeeds. Short
commands live here; a long body gets a module beside this one (annex.py, exports.py, plans.py).
"""

import click
from flask import current_app
from flask.cli import AppGroup

from portfolio import schema
from portfolio.cli.click_messages import install
from portfolio.db import engine
from portfolio.unit_of_work import command

install()  # click's usage errors and help in Chinese; before any option below is built

db_cli = AppGroup("db", help="数据库结构迁移（Alembic）。")


@db_cli.command("upgrade", help="把数据库结构迁移到 REVISION（默认：最新）。")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Bring the database to REVISION (default: the newest)."""
    schema.upgrade(engine(), revision)
    click.echo(f"数据库已迁移至 {revision}。")


@db_cli.command("downgrade", help="把数据库结构回退到 REVISION（如 base）。")
@click.argument("revision")
def db_downgrade(revision):
    """Step the database back to REVISION (for example base)."""
    schema.downgrade(engine(), revision)
    click.echo(f"数据库已回退至 {revision}。")


@db_cli.command("current", help="检查数据库结构是否为最新。")
def db_current():
    """Say whether the database is at the newest revision."""
    click.echo(
        "数据库结构为最新。" if schema.is_current(engine()) else "数据库结构不是最新，请运行 db upgrade。"
    )


@click.command("seed-demo", help="迁移数据库，载入参考数据、随附的附件（空库时）和演示数据。")
@command
def seed_demo_command():
    """Migrate, then load reference data, the shipped annex into an empty register, and demo data."""
    from portfolio.demo import seed_demo

    if current_app.config.get("ENV_PRODUCTION"):
        # Demo accounts have passwords printed in the README: never on a production database.
        raise click.ClickException(
            "生产环境（FLASK_ENV_PRODUCTION=1）不能加载演示数据，未做任何修改。"
            "正式安装请按 README“正式安装”一节：db upgrade → plans load → load-indicators → "
            "create-user → import-annex。"
        )
    schema.upgrade(engine())
    for line in seed_demo(current_app.config):
        click.echo(line)


@click.command("create-user", help="创建账号。")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="显示名称")
@click.option("--role", type=click.Choice(["admin", "planner", "county_officer", "reviewer"]), required=True)
@click.option("--county", default=None, help="县区填报账号所属县区，如 温县")
@click.option("--unit", default=None, help="县区填报账号所属责任单位")
@click.password_option(help="至少 8 位，含字母和数字")
@command
def create_user_command(username, display_name, role, county, unit, password):
    """Create an account."""
    from portfolio.auth.models import Role
    from portfolio.auth.services import AccountData, create_user

    create_user(None, AccountData(username, display_name, Role(role), county, unit), password)
    click.echo(f"已创建账号 {username}。")


@click.command(
    "import-annex", help="导入重大工程项目附件（.xlsx）。退出码 0：已导入；1：有校验错误；2：无法读取。"
)
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--plan", "plan_key", default=None, help="规划的编号、名称或简称（仅有一个规划时可省略）")
@click.option("--dry-run", is_flag=True, help="只检查并预览变化，不写入")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出完整报告")
@click.option("--reason", default="", help="调整原因（再次导入调整了规划项目时必填）")
@click.option("--doc-number", default="", help="调整文号（再次导入调整了规划项目时必填）")
@command
def import_annex_command(path, plan_key, dry_run, as_json, reason, doc_number):
    """Import a major-project annex (.xlsx). Exit 0: imported; 1: validation errors; 2: unreadable."""
    from portfolio.adjustments.services import AdjustmentNote
    from portfolio.cli.annex import run_import

    return run_import(path, plan_key, dry_run, as_json, AdjustmentNote(reason, doc_number))


@click.command("export-progress", help="导出一期的调度表、分县区调度表或督办清单。")
@click.option("--period", "period_code", required=True, help="期间编号，如 2023Q4")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="输出的 .xlsx 文件")
@click.option("--county", default=None, help="只导出一个县区，如 温县")
@click.option("--plan", "plan_key", default=None, help="规划的编号、名称或简称（多个规划有同一期间时必填）")
@click.option("--sheet", type=click.Choice(["progress", "counties", "supervision"]), default="progress",
              help="progress 调度表；counties 分县区调度表；supervision 督办清单")  # fmt: skip
@click.option("--funding", "measures", multiple=True, type=click.Choice(["planned", "period", "cumulative"]),
              help="加资金列（调度表、分县区调度表），可重复：planned 计划资金（按来源）；"
                   "period 本期到位资金；cumulative 累计到位资金")  # fmt: skip
@click.option("--source", "sources", multiple=True,
              help="资金列只列这些来源（名称或别名，可重复；默认全部来源）")  # fmt: skip
@command
def export_progress_command(period_code, output, county, plan_key, sheet, measures, sources):
    """Export a period's progress sheet (调度表), per-county workbook or supervision list."""
    from portfolio.cli.exports import run_export

    run_export(period_code, output, county, plan_key, sheet, (measures, sources))


@click.command("export-layout", help="按报表版式导出一期的表格，或把全部版式打包成一个 zip。")
@click.option("--layout", "name", default=None, help="报表版式名称；不填则把全部版式打包成 zip")
@click.option("--period", "period_code", required=True, help="期间编号，如 2025Q1")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="输出的 .xlsx（或 .zip）文件")
@click.option("--county", default=None, help="只导出一个县区，如 温县")
@click.option("--plan", "plan_key", default=None, help="规划的编号、名称或简称（多个规划有同一期间时必填）")
@command
def export_layout_command(name, period_code, output, county, plan_key):
    """Export a sheet layout (版式) for a period, or every layout in one zip."""
    from portfolio.cli.layouts import run_export_layout

    run_export_layout(name, period_code, output, county, plan_key)


@click.command("import-progress", help="导入填好的进度填报模板。退出码 0：已导入；1：有行级问题；2：被拒绝。")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只校验并预览，不写入")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出完整结果")
@click.option("--user", "username", default=None, help="以该账号名义报送（默认：下载模板的账号）")
@click.option("--period", "period_code", default=None, help="要求模板属于该期间，如 2023Q4")
@command
def import_progress_command(path, dry_run, as_json, username, period_code):
    """Import a filled-in progress template. Exit 0: imported; 1: row-level issues; 2: refused."""
    from portfolio.cli.exports import run_import

    return run_import(path, dry_run, as_json, username, period_code)


@click.command(
    "load-indicators", help="从 CSV 载入规划的主要目标指标（专栏1），默认为随附的“十四五”指标表；可重复运行。"
)
@click.option("--plan", "plan_key", default=None, help="规划 id、名称或简称（仅有一个规划时可省略）")
@click.option("--file", "path", default=None, type=click.Path(exists=True, dir_okay=False), help="指标 CSV")
@command
def load_indicators_command(plan_key, path):
    """Load the plan's indicators (专栏1) from a CSV; the shipped 14th-plan table by default. Idempotent."""
    from pathlib import Path

    from portfolio.evaluation.indicators import SEED_CSV, load_indicators
    from portfolio.projects.services import get_plan

    counts = load_indicators(get_plan(plan_key), Path(path) if path else SEED_CSV)
    click.echo(f"指标：新增 {counts['created']}，更新 {counts['updated']}，未变 {counts['unchanged']}。")


@click.command("rebuild-progress", help="按已通过的报告重建进度汇总表（口径调整后，或用于核对）。")
@command
def rebuild_progress_command():
    """Rebuild the progress read model from the approved reports (after a rule change, or to check it)."""
    from portfolio.reporting.progress_model import count_stale_rows, refresh_progress

    stale = count_stale_rows()
    written = refresh_progress()
    click.echo(f"进度汇总表已重建：{written} 行，其中 {stale} 行与重建前不一致。")


def _verbose(ctx, _param, value) -> None:
    """--verbose: show library logging (Alembic's INFO lines) that commands otherwise keep quiet."""
    if value:
        import logging

        logging.getLogger().setLevel(logging.INFO)


def _with_verbose(command: click.Command) -> None:
    if any(p.name == "verbose" for p in command.params):
        return  # the commands are module objects: every create_app sees them again
    command.params.append(
        click.Option(["--verbose", "-v"], is_flag=True, expose_value=False, is_eager=True,
                     callback=_verbose, help="显示详细日志（调试用）")
    )  # fmt: skip
    for sub in getattr(command, "commands", {}).values():
        _with_verbose(sub)


@click.command("create-token", help="为账号创建接口令牌，只显示这一次；系统只保存其哈希。")
@click.option("--user", "username", required=True, help="令牌所属账号；接口所见范围与该账号相同")
@click.option("--days", type=int, default=None, help="有效天数（缺省：长期有效，直至吊销）")
@click.option("--label", default=None, help="用途说明，如 省级平台对接")
@command
def create_token_command(username, days, label):
    """Make an API token for an account and print it once; only its hash is stored."""
    from portfolio.tokens.services import create_token

    made = create_token(None, username, days, label)
    until = f"有效期 {days} 天" if days else "长期有效，直至吊销"
    click.echo(f"已为 {username} 创建接口令牌（{until}）。令牌只显示这一次，请妥善保存：")
    click.echo(made.plaintext)


@click.command("export-oc4ids", help="把规划的项目导出为 OC4IDS 0.9 项目包（只含已通过的进度）。")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="输出的 .json 文件")
@click.option("--plan", "plan_key", default=None,
              help="规划的编号、名称或简称（不填：同接口 oc4ids.json，取有项目的最新规划）")  # fmt: skip
@command
def export_oc4ids_command(output, plan_key):
    """Write the plan's projects as an OC4IDS 0.9 project package (only approved progress)."""
    import json

    from portfolio.opendata.oc4ids import export_package
    from portfolio.projects.queries import get_selected_plan
    from portfolio.projects.services import get_plan

    # Without --plan, the plan the API's package shows: both publish the same data.
    plan = get_plan(plan_key) if plan_key else get_selected_plan(None)
    config = current_app.config
    package = export_package(plan, config, config.get("PUBLIC_URL") or "http://localhost")
    try:
        with open(output, "w", encoding="utf-8") as f:
            json.dump(package, f, ensure_ascii=False, indent=2)
    except OSError as e:
        raise click.ClickException(f"无法写入 {output}：{e.strerror}") from e
    count = len(package["projects"])
    click.echo(f"已导出 OC4IDS 项目包（规划 {plan.short_name}）：{count} 个项目 → {output}")


attachments_cli = AppGroup("attachments", help="附件文件检查。")


@attachments_cli.command("check", help="列出上传目录中没有记录引用的文件，以及文件缺失的记录。")
@click.option("--remove-orphans", is_flag=True, help="删除没有任何记录引用的孤立文件")
def attachments_check(remove_orphans):
    """Report files in the upload folder that no row names, and rows whose file is missing."""
    from pathlib import Path

    from portfolio.storage import check_files
    from portfolio.storage import remove_orphans as remove

    found = check_files(Path(current_app.config["UPLOAD_DIR"]))
    click.echo(
        f"记录引用的文件 {found.known} 个；孤立文件 {len(found.orphans)} 个"
        f"（{found.orphan_bytes / 1024 / 1024:.1f} MB）；缺失文件 {len(found.missing)} 个。"
    )
    for path in found.orphans:
        click.echo(f"孤立文件：{path.name}")
    for table, name in found.missing:
        click.echo(f"缺失文件：{name}（{TABLE_LABELS.get(table, table)}）")
    if remove_orphans and found.orphans:
        click.echo(f"已删除孤立文件 {remove(found)} 个。")
    elif found.orphans:
        click.echo("如需删除孤立文件，请加 --remove-orphans 重新运行。")


TABLE_LABELS = {"attachments": "进度报告附件", "supervision_files": "督办答复附件"}


def register_cli(app) -> None:
    app.cli.add_command(export_oc4ids_command)
    app.cli.add_command(create_token_command)
    from portfolio.cli.backup import backup_command, restore_command
    from portfolio.cli.plans import plans_cli

    app.cli.add_command(plans_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(rebuild_progress_command)
    app.cli.add_command(load_indicators_command)
    app.cli.add_command(db_cli)
    app.cli.add_command(attachments_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(import_annex_command)
    app.cli.add_command(export_progress_command)
    app.cli.add_command(export_layout_command)
    app.cli.add_command(import_progress_command)
    for cli_command in app.cli.commands.values():
        _with_verbose(cli_command)
