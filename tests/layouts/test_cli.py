"""export-layout: the same sheet as the export page, from the shell; every layout in a zip."""

import io
import zipfile

from portfolio.db import session
from portfolio.layouts.services import save_layout
from tests.exports.sheets import open_xlsx
from tests.layouts.data import finance_spec, funded_portfolio


def test_export_layout_command_writes_the_sheet_and_the_zip(app, runner, users, tmp_path):
    funded_portfolio()
    save_layout(users["planner"], None, "财政局资金情况表", finance_spec())
    session.commit()
    out = tmp_path / "finance.xlsx"
    args = ["export-layout", "--layout", "财政局资金情况表", "--period", "2025Q1", "--output", str(out)]
    result = runner.invoke(args=[*args, "--county", "孟州市"])
    assert result.exit_code == 0, result.output
    assert "已导出 财政局资金情况表_孟州市_2025年第1季度.xlsx" in result.output
    rows = [r for r in open_xlsx(out.read_bytes()).worksheets[0].iter_rows(values_only=True)]
    assert rows[0][0] == "焦作市“十四五”重大项目资金情况表（孟州市，2025年第1季度）"
    assert [r[0] for r in rows[4:7]] == ["合计（1个项目）", "孟州市小计（1个）", "孟州市VOCs治理"]
    zipped = tmp_path / "all.zip"
    assert runner.invoke(args=["export-layout", "--period", "2025Q1", "--output", str(zipped)]).exit_code == 0
    names = zipfile.ZipFile(io.BytesIO(zipped.read_bytes())).namelist()
    assert names == ["财政局资金情况表_2025年第1季度.xlsx"]
    missing = runner.invoke(
        args=["export-layout", "--layout", "无此版式", "--period", "2025Q1", "--output", str(out)]
    )
    assert missing.exit_code != 0 and "没有名为“无此版式”的报表版式" in missing.output


def test_export_layout_command_fails_in_chinese(app, runner, users, tmp_path):
    funded_portfolio()
    session.commit()  # a refused command rolls back what is not committed
    out = tmp_path / "all.zip"
    empty = runner.invoke(args=["export-layout", "--period", "2025Q1", "--output", str(out)])
    assert empty.exit_code == 1 and "还没有报表版式可打包" in empty.output and not out.exists()
    save_layout(users["planner"], None, "财政局资金情况表", finance_spec())
    session.commit()
    cases = {
        ("--plan", "十五五"): "规划“十五五”没有编号为“2025Q1”的填报期间",
        ("--county", "火星县"): "没有名为“火星县”的县区",
        ("--output", str(tmp_path / "无此目录" / "a.zip")): "所在目录不存在",
    }
    for extra, message in cases.items():
        args = ["export-layout", "--period", "2025Q1", "--output", str(out), *extra]
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and message in result.output, result.output
        assert "Traceback" not in result.output
