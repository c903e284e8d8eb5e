"""Plans as data: `plans load` (idempotent, refuses renaming or dropping used categories) and `plans list`."""

import json

from sqlalchemy import func, select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.plans.definition import SHIPPED_PLAN
from portfolio.projects.models import Category, Plan, Subcategory
from tests.factories import make_project


def _edited(tmp_path, change) -> str:
    data = json.loads(SHIPPED_PLAN.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _snapshot():
    session.expire_all()
    return [
        (c.number, c.name, tuple(c.aliases), tuple(s.name for s in c.subcategories))
        for c in session.scalars(select(Category).order_by(Category.plan_id, Category.number))
    ]


def test_loading_the_shipped_plan_again_changes_nothing(app, runner):
    before = _snapshot()
    result = runner.invoke(args=["plans", "load"])
    assert result.exit_code == 0 and "与文件一致，未做修改" in result.output
    assert _snapshot() == before and len(before) == 10


def test_list_shows_short_name_years_and_project_count(app, runner):
    make_project(name="甲项目")
    make_project(name="乙项目")
    session.commit()
    result = runner.invoke(args=["plans", "list"])
    assert result.exit_code == 0
    assert "十四五\t2021–2025\t执行中\t2 个项目" in result.output


def test_a_new_plan_file_creates_the_plan_beside_the_14th(app, runner, tmp_path):
    def fifteenth(d):
        d.update(name="焦作市“十五五”生态环境保护规划", short_name="十五五", start_year=2026, end_year=2030)
        d["categories"] = [{"number": 1, "name": "减污降碳协同增效工程", "subcategories": ["工业降碳"]}]

    result = runner.invoke(args=["plans", "load", _edited(tmp_path, fifteenth)])
    assert result.exit_code == 0, result.output
    assert "已新建规划 十五五（2026–2030），1 个类别，8 个资金来源" in result.output
    assert session.scalar(select(func.count(Plan.id))) == 2
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "plan.load")) is not None


def test_unused_categories_may_change_and_the_changes_are_listed(app, runner, tmp_path):
    def edit(d):
        d["categories"][1]["name"] = "应对气候变化与低碳发展重大工程"
        d["categories"][0]["subcategories"].append("绿色低碳园区工程")
        d["categories"].pop()  # category 10, no projects

    result = runner.invoke(args=["plans", "load", _edited(tmp_path, edit)])
    assert result.exit_code == 0, result.output
    assert "类别 2 改名" in result.output and "新增子类" in result.output and "删除类别 10" in result.output
    names = [c[1] for c in _snapshot()]
    assert "应对气候变化与低碳发展重大工程" in names and len(names) == 9


def test_renaming_or_dropping_a_used_category_is_refused_with_the_difference(app, runner, tmp_path):
    plan = session.scalar(select(Plan))
    blue_sky = plan.categories[2]
    sub = blue_sky.subcategories[0]
    make_project(name="某电厂脱硝", category=3, subcategory=sub)
    session.commit()
    before = _snapshot()

    def edit(d):
        d["categories"][2]["name"] = "大气污染防治重大工程"
        d["categories"][2]["subcategories"] = []
        d["categories"][1]["name"] = "改了一个没有项目的类别"

    result = runner.invoke(args=["plans", "load", _edited(tmp_path, edit)])
    assert result.exit_code != 0
    assert "已拒绝加载，未做任何修改" in result.output
    assert "类别 3“蓝天保卫战重大工程”（1 个项目）会改名为“大气污染防治重大工程”" in result.output
    assert f"子类“蓝天保卫战重大工程 / {sub.name}”（1 个项目）在文件中不存在" in result.output
    assert _snapshot() == before  # the allowed rename of category 2 was not written either


def test_bad_files_get_a_chinese_message(app, runner, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert "不是有效的 UTF-8 JSON" in runner.invoke(args=["plans", "load", str(broken)]).output
    missing = runner.invoke(args=["plans", "load", str(tmp_path / "nope.json")])
    assert missing.exit_code != 0 and "找不到规划文件" in missing.output
    backwards = _edited(tmp_path, lambda d: d.update(start_year=2030, end_year=2026))
    assert "起始年 2030 晚于结束年 2026" in runner.invoke(args=["plans", "load", backwards]).output
    twice = _edited(tmp_path, lambda d: d["categories"][1].update(number=1))
    assert "类别序号“1”重复" in runner.invoke(args=["plans", "load", twice]).output
    assert session.scalar(select(func.count(Subcategory.id))) == 30
