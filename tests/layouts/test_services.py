"""Saving layouts: refused with Chinese messages, versioned, audited, shared as JSON."""

import json

import pytest
from sqlalchemy import select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.layouts.models import SheetLayoutVersion
from portfolio.layouts.services import (
    LayoutRefused,
    delete_layout,
    import_layout,
    layout_json,
    save_layout,
)
from portfolio.layouts.spec import LayoutColumn, LayoutSpec
from tests.funding.helpers import sources
from tests.layouts.data import BONDS, finance_spec


def _refused(users, name, spec) -> list[str]:
    with pytest.raises(LayoutRefused) as caught:
        save_layout(users["planner"], None, name, spec)
    return caught.value.problems


def test_unknown_field_empty_layout_and_duplicate_headers_are_refused(app, users):
    spec = finance_spec()
    spec.columns.append(LayoutColumn("secret_column", "秘密"))
    assert _refused(users, "表", spec) == ["第 7 列：未知的字段“secret_column”，请从列表中选择。"]
    assert _refused(users, "表", LayoutSpec(title="标题", columns=[])) == ["版式至少要有一列。"]
    spec = finance_spec()
    spec.columns[1].header = "项目名称"
    assert _refused(users, "表", spec) == ["第 2 列的表头“项目名称”与第 1 列重复。"]
    spec = finance_spec()
    spec.columns[0].header, spec.title, spec.grouping = "=SUM(A1)", "", "sideways"
    problems = _refused(users, " ", spec)
    assert "请填写版式名称。" in problems and "请填写表格标题。" in problems
    assert "第 1 列的表头“=SUM(A1)”不能以 = + - @ 开头（会被表格软件当作公式）。" in problems
    assert "未知的分组方式“sideways”。" in problems
    assert session.scalars(select(SheetLayoutVersion)).all() == []


def test_same_header_under_different_groups_is_allowed(app, users):
    spec = finance_spec()
    spec.columns[5] = LayoutColumn("fund:planned:all", "中央预算内投资", 12, "money", "计划合计")
    assert save_layout(users["planner"], None, "表", spec).version == 1


def test_each_save_is_a_version_and_audited(app, users):
    planner = users["planner"]
    layout = save_layout(planner, None, "财政局资金情况表", finance_spec())
    spec = finance_spec()
    spec.columns[0].header = "项目"
    save_layout(planner, layout, "财政局资金情况表", spec, expected_version=1)
    save_layout(planner, layout, "财政局资金情况表", spec, expected_version=2)  # unchanged: no new version
    session.commit()
    assert layout.version == 2 and [v.version for v in layout.versions] == [2, 1]
    assert layout.versions[1].spec["columns"][0]["header"] == "项目名称"
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "layout.save")).all()
    assert [e.summary for e in entries] == [
        "新建报表版式“财政局资金情况表”（第 1 版）",
        "修改报表版式“财政局资金情况表”（第 2 版）",
    ]
    with pytest.raises(DomainError, match="已被他人修改"):
        save_layout(planner, layout, "财政局资金情况表", finance_spec(), expected_version=1)


def test_names_are_unique_and_builtins_stay(app, users):
    planner = users["planner"]
    first = save_layout(planner, None, "甲表", finance_spec())
    assert _refused(users, "甲表", finance_spec()) == ["已有名为“甲表”的版式，请换一个名称。"]
    first.builtin = True
    with pytest.raises(DomainError, match="内置版式，不能删除"):
        delete_layout(planner, first)
    first.builtin = False
    delete_layout(planner, first)
    session.commit()
    assert session.scalars(select(SheetLayoutVersion)).all() == []


def test_json_round_trip_names_sources_and_refuses_garbage(app, users):
    planner = users["planner"]
    layout = save_layout(planner, None, "财政局资金情况表", finance_spec())
    data = layout_json(layout)
    document = json.loads(data)
    assert document["format"] == "portfolio-sheet-layout"
    assert document["spec"]["columns"][4]["key"] == f"fund:planned:@{BONDS}"
    copy = import_layout(planner, data, "财政局资金情况表（副本）")
    assert copy.spec == layout.spec
    with pytest.raises(DomainError, match="已有名为"):
        import_layout(planner, data)
    for garbage in (b"not json", b"[]", b'{"format": "x"}', b"{}" * 200_000):
        with pytest.raises(DomainError, match="版式文件"):
            import_layout(planner, garbage, "新表")
    foreign = data.replace(BONDS.encode(), "外星基金".encode())
    with pytest.raises(LayoutRefused, match="资金来源“外星基金”在本系统中不存在"):
        import_layout(planner, foreign, "新表")
    assert sources()[BONDS].id


def test_the_builtin_progress_spec_passes_the_editors_checks(app, users):
    from portfolio.layouts.builtin import progress_spec

    layout = save_layout(users["planner"], None, "推进情况表（副本）", progress_spec())
    assert layout.spec["columns"][6]["header"] == "“{规划}”投资" and layout.spec["grouping"] == "category"
