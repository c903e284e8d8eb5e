"""Command-line entry points. They call the same services as the web pages; one commit per command."""

import click
from flask import current_app
from flask.cli import AppGroup

from portfolio import schema
from portfolio.db import engine, session
from portfolio.errors import DomainError

db_cli = AppGroup("db", help="数据库结构迁移（Alembic）。")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Bring the database to REVISION (default: the newest)."""
    schema.upgrade(engine(), revision)
    click.echo(f"数据库已迁移至 {revision}。")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision):
    """Step the database back to REVISION (for example base)."""
    schema.downgrade(engine(), revision)
    click.echo(f"数据库已回退至 {revision}。")


@db_cli.command("current")
def db_current():
    """Say whether the database is at the newest revision."""
    click.echo(
        "数据库结构为最新。" if schema.is_current(engine()) else "数据库结构不是最新，请运行 db upgrade。"
    )


@click.command("seed-demo")
def seed_demo_command():
    """Migrate, then load reference data, the shipped annex into an empty register, and demo data."""
    from portfolio.demo import seed_demo

    schema.upgrade(engine())
    for line in seed_demo(current_app.config):
        click.echo(line)
    session.commit()


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="显示名称")
@click.option("--role", type=click.Choice(["admin", "planner", "county_officer", "reviewer"]), required=True)
@click.option("--county", default=None, help="县区填报账号所属县区，如 温县")
@click.option("--unit", default=None, help="县区填报账号所属责任单位")
@click.password_option(help="至少 8 位，含字母和数字")
def create_user_command(username, display_name, role, county, unit, password):
    """Create an account."""
    from portfolio.auth.models import Role
    from portfolio.auth.services import AccountData, create_user

    try:
        create_user(None, AccountData(username, display_name, Role(role), county, unit), password)
    except DomainError as e:
        session.rollback()
        raise click.ClickException(e.message) from e
    session.commit()
    click.echo(f"已创建账号 {username}。")


def register_cli(app) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
