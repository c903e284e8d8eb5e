"""The audit log and the project change log read in Chinese: labels, values, record names; no keys or JSON."""

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portfolio.audit.display import field_changes, format_value
from portfolio.audit.models import AuditEntry
from portfolio.audit.services import record
from portfolio.db import session
from portfolio.evaluation.models import EvaluationRound, ProjectAssessment, ProjectClass
from portfolio.projects.models import Milestone, MilestoneKind
from portfolio.projects.services import ProjectEdit, update_project
from portfolio.reporting.models import ReportStatus
from tests.factories import make_period, make_project, make_report
from tests.reporting.conftest import first_plan

# What must never reach the page: snake_case keys, English enum values, JSON punctuation, 4-place amounts.
RAW = re.compile(
    r"[a-z]+_[a-z_]+|\b(lagging|on_schedule|submitted|approved|draft|returned)\b|[{}\[\]\"]|\.0000"
)


def _visible(html: str) -> str:
    body = html.split('id="audit-list">', 1)[1].split("</table>", 1)[0]
    return re.sub(r"<[^>]+>", " ", body)


def _world(users):
    planner = users["planner"]
    plan = first_plan()
    project = make_project(name="沁河生态修复工程")
    period = make_period(plan, f"{plan.start_year}Q2")
    report = make_report(project, period, ReportStatus.SUBMITTED, invested="1500", pct="40")
    milestone = Milestone(kind=MilestoneKind.GROUNDBREAKING, title="主体开工")
    project.milestones.append(milestone)
    round_ = EvaluationRound(plan_id=plan.id, name="中期评估", as_of=date(plan.start_year + 2, 12, 31))
    session.add(round_)
    session.flush()
    assessment = ProjectAssessment(
        round_id=round_.id,
        project_id=project.id,
        computed_class=ProjectClass.LAGGING,
        final_class=ProjectClass.ON_SCHEDULE,
    )
    session.add(assessment)
    session.flush()
    record(
        planner,
        "evaluation.assess",
        assessment,
        before={"final_class": "lagging", "override_reason": None, "score": None, "comment": None},
        after={"final_class": "on_schedule", "override_reason": "现场核实", "score": "85.00", "comment": ""},
    )
    record(planner, "report.approve", report, after={"status": ReportStatus.APPROVED.value})
    record(
        users["officer"],
        "report.update",
        report,
        before={"invested_wan": "1500.0000", "next_steps": None, "milestone_updates": {}},
        after={
            "invested_wan": "1623.5000",
            "next_steps": "完成设备安装",
            "milestone_updates": {str(milestone.id): {"actual_date": "2024-05-01", "status": "done"}},
        },
    )
    record(
        planner,
        "category.update",
        plan,
        before={"aliases": ["水环境"]},
        after={"aliases": ["水环境", "水生态"]},
    )
    record(planner, "evaluation.finalize", round_, after={"class_counts": {"lagging": 3, "on_schedule": 9}})
    session.commit()
    return project, report


def test_audit_page_names_records_and_shows_values_in_chinese(app, users, role_client):
    _project, report = _world(users)
    html = role_client("admin").get("/audit").get_data(as_text=True)
    text = _visible(html)
    assert RAW.search(text) is None, RAW.search(text).group(0)
    assert "#" not in text  # records are named, not numbered
    assert "项目评估：沁河生态修复工程（中期评估）" in text
    assert f"进度报告：沁河生态修复工程（{report.period.code}）" in text
    assert "评估分类： 滞后 → 符合序时进度" in re.sub(r"\s+", " ", text)
    assert "各类项目数： 滞后 3，符合序时进度 9" in re.sub(r"\s+", " ", text)
    for shown in (
        "1,500",
        "1,623.5",
        "完成设备安装",
        "主体开工 2024-05-01",
        "已通过",
        "水环境、水生态",
        "现场核实",
    ):
        assert shown in text, shown
    assert "得分" in text and "85" in text and "评语" not in text  # None → "" is no change


def test_an_empty_note_saved_again_logs_nothing(app, users):
    project = make_project(name="空备注项目", note=None)
    session.commit()
    edit = ProjectEdit(
        name=project.name,
        nature=project.nature,
        content=project.content,
        start_year=project.start_year,
        end_year=project.end_year,
        total_investment_wan=project.total_investment_wan,
        span_investment_wan=project.span_investment_wan,
        planned_start=project.planned_start,
        planned_end=project.planned_end,
        status=project.status,
        project_code=project.project_code,
        note="  ",
    )
    update_project(users["planner"], project, edit, project.version)
    session.commit()
    count = select(func.count(AuditEntry.id)).where(AuditEntry.entity_type == "Project")
    assert session.scalar(count) == 0


def test_no_change_pairs_are_left_out_and_values_follow_the_rules():
    assert field_changes({"note": None}, {"note": ""}, "Project") == []
    assert field_changes({"total_investment_wan": "1500"}, {"total_investment_wan": "1500.0000"}) == []
    assert field_changes({"status": "draft"}, {"status": "submitted"}, "StatusReport") == [
        ("状态", "草稿", "待审核")
    ]
    assert format_value("total_investment_wan", "1234567.8900") == "1,234,567.89"
    assert format_value("size_bytes", 2_500_000) == "2.4 MB"
    assert format_value("snapshot", {"projects": [1, 2]}) == "（定稿时的评估报告，已存档）"
    assert format_value("deadline", "2025-01-10") == "2025-01-10"
    assert format_value("finalized_at", "2025-01-10T02:00:00") == "2025-01-10 10:00"  # Beijing time
    assert format_value("percent_complete", Decimal("60.00")) == "60"
    assert format_value("year", 2023) == "2023" and format_value("failures", 12000) == "12,000"
