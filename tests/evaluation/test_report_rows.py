"""The report's project rows, gathered as plain rows: what each row shows of its project and assessment,
and a fixed number of statements however many projects the round holds."""

from decimal import Decimal

from sqlalchemy import select

from portfolio.db import session
from portfolio.evaluation.models import ProjectAssessment, ProjectClass
from portfolio.evaluation.services import AssessmentData, create_round, default_rounds, save_assessment
from portfolio.evaluation.snapshot import assessment_detail, build_report
from portfolio.projects.models import Plan
from tests.evaluation.fixtures import EXPECTED, build_portfolio
from tests.factories import make_project
from tests.querycount import count_statements


def _plan() -> Plan:
    return session.scalar(select(Plan).order_by(Plan.id))


def _statements(round_) -> int:
    session.expire_all()
    with count_statements() as counter:
        build_report(round_)
    return counter["n"]


def test_rows_show_each_project_and_its_assessment(app, users):
    plan = _plan()
    p = build_portfolio(plan)
    y = plan.mid_term_date.year
    extra = make_project(
        name="寅卯",
        counties=["孟州市"],
        units=["孟州市发改委", "孟州市住建局"],
        annual={y - 1: Decimal("100.5"), y: Decimal("200"), y + 1: Decimal("999")},
    )
    round_ = create_round(users["planner"], plan, *default_rounds(plan)[0])
    mine = session.scalar(select(ProjectAssessment).where(ProjectAssessment.project_id == extra.id))
    data = AssessmentData(ProjectClass.LAGGING, "现场核查滞后", Decimal("60"), "请加快", None)
    save_assessment(users["reviewer"], mine, data)
    session.commit()
    rows = {r["project_id"]: r for r in build_report(round_)["projects"]}
    assert {rows[q.id]["computed_class"] for q in p.values()} == set(EXPECTED.values())
    assert all(rows[q.id]["live_class"] == EXPECTED[k] for k, q in p.items())
    assert rows[p["E"].id]["county"] == "跨县区" and rows[p["B"].id]["county"] == "孟州市"
    row = rows[extra.id]
    assert row["lead_unit"] == "孟州市发改委" and row["category"] == extra.category.name
    assert row["planned_to_date_wan"] == "300.5000"  # years up to the round's, not after it
    assert row["final_class"] == "lagging" and row["override_reason"] == "现场核查滞后"
    assert row["score"] == "60.0" and row["comment"] == "请加快"
    assert row["reviewer"] == users["reviewer"].display_name
    marks = ("adjustment", "baseline_span_investment_wan")  # build_report adds the plan's adjustments
    assert assessment_detail(mine) == {k: v for k, v in row.items() if k not in marks}


def test_report_reads_a_fixed_number_of_statements(app, users):
    plan = _plan()
    build_portfolio(plan)
    first = create_round(users["planner"], plan, *default_rounds(plan)[0])
    session.commit()
    few = _statements(first)
    for n in range(12):  # more assessed projects, each in two counties with two units
        project = make_project(
            name=f"新增{n}", counties=["温县", "孟州市"], units=["温县发改委", "温县住建局"]
        )
        klass = ProjectClass.NOT_STARTED
        session.add(ProjectAssessment(round=first, project=project, computed_class=klass, final_class=klass))
    session.commit()
    assert _statements(first) == few
