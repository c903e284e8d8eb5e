"""The `backup` and `restore` commands."""

from pathlib import Path

import click
from flask import current_app

from portfolio.db import engine
from portfolio.errors import DomainError


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1024 / 1024:.1f} MB"


@click.command("backup", help="写出一个备份包：全部数据表、上传的附件和带校验和的清单。")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="备份文件（.zip）")
def backup_command(output):
    """Write one archive: every table, the uploaded attachments and a manifest with checksums."""
    from portfolio.backup.dump import create_backup
    from portfolio.backup.status import write_backup_status

    path = Path(output)
    try:
        manifest = create_backup(engine(), Path(current_app.config["UPLOAD_DIR"]), path)
    except DomainError as e:
        raise click.ClickException(e.message) from e
    write_backup_status(current_app.config["UPLOAD_DIR"], path, manifest)  # for the admin's home page
    rows = sum(manifest.tables.values())
    attachments = sum(1 for name in manifest.files if name.startswith("files/"))
    click.echo(
        f"已备份到 {path}（{_size(path)}）：{len(manifest.tables)} 张表 {rows} 行，附件 {attachments} 个。"
    )


@click.command("restore", help="把备份包恢复到空数据库（先校验，恢复后执行迁移）。")
@click.argument("path", type=click.Path(dir_okay=False))
def restore_command(path):
    """Restore an archive into an empty database (checked first; migrations run after)."""
    from portfolio.backup.restore import restore_backup

    try:
        manifest = restore_backup(engine(), Path(current_app.config["UPLOAD_DIR"]), Path(path))
    except DomainError as e:
        raise click.ClickException(e.message) from e
    from portfolio.localtime import format_local

    rows = sum(manifest.tables.values())
    click.echo(f"已恢复 {format_local(manifest.created_at)} 的备份：{rows} 行、附件与校验值均已核对。")
