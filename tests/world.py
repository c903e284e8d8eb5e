"""A small world holding one object of every kind a URL can name, built directly from the models.

Route walkers (the permission table test, the GET-is-safe and CSRF tests) fill each URL argument
from it by name. Scoped objects come twice: one the county officer answers for (温县) and one of
another county (孟州市).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from portfolio.annex.models import ImportBatch
from portfolio.audit.services import record
from portfolio.db import session
from portfolio.evaluation.models import (
    EvaluationRound,
    Indicator,
    ProjectAssessment,
    ProjectClass,
    TargetKind,
)
from portfolio.layouts.models import SheetLayout
from portfolio.localtime import local_today
from portfolio.projects.models import Plan
from portfolio.reporting.models import Attachment, PeriodKind, ReportingPeriod, StatusReport
from portfolio.supervision.models import (
    EventKind,
    ItemState,
    SupervisionEvent,
    SupervisionFile,
    SupervisionItem,
)
from tests.factories import make_project, make_user

# A one-pixel PNG: real magic bytes, so a download view may serve it as an image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8ffff3f0005fe02fea7d6a4ae0000000049454e44ae426082"
)

# The URL arguments whose object belongs to a county: an officer of another county must get 404.
SCOPED_ARGS = frozenset({"project_id", "report_id", "attachment_id", "item_id", "file_id"})


@dataclass
class World:
    own: dict[str, int | str]  # URL argument name -> id of the object in the officer's county (温县)
    other: dict[str, int | str]  # the same names -> ids of objects of another county (孟州市)

    def args(self, names, variant: str) -> dict[str, int | str]:
        """Values for these URL argument names, from the given variant ("own" or "other")."""
        source = self.own if variant == "own" else self.other
        return {name: source[name] for name in names if name in source}


def _report_with_attachment(project, period, author) -> tuple[StatusReport, Attachment]:
    report = StatusReport(
        project=project,
        period=period,
        progress_text="主体工程施工中",
        percent_complete=Decimal("40"),
        invested_wan=Decimal("50"),
        created_by_id=author.id,
    )
    stored = secrets.token_hex(16) + ".png"
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(PNG)
    attachment = Attachment(
        original_name="现场照片.png",
        stored_name=stored,
        content_type="image/png",
        size_bytes=len(PNG),
        sha256=hashlib.sha256(PNG).hexdigest(),
        uploaded_by_id=author.id,
    )
    report.attachments.append(attachment)
    session.add(report)
    return report, attachment


def _supervision_item(project, planner) -> tuple[SupervisionItem, SupervisionFile]:
    """An answered 督办 item of the project, its answer carrying one stored file."""
    stored = secrets.token_hex(16) + ".png"
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(PNG)
    file = SupervisionFile(
        original_name="整改照片.png",
        stored_name=stored,
        content_type="image/png",
        size_bytes=len(PNG),
        sha256=hashlib.sha256(PNG).hexdigest(),
    )
    item = SupervisionItem(
        project=project,
        year=local_today().year,
        number=project.id,
        county=project.locations[0],
        problem="征地拆迁滞后",
        measures_required="月底前完成征地",
        deadline=local_today() + timedelta(days=10),
        state=ItemState.ANSWERED,
        issued_by_id=planner.id,
        events=[
            SupervisionEvent(kind=EventKind.ISSUED, user_id=planner.id),
            SupervisionEvent(
                kind=EventKind.ANSWERED, measures_taken="已约谈", progress="完成一半", files=[file]
            ),
        ],
    )
    session.add(item)
    return item, file


def _period(plan: Plan) -> ReportingPeriod:
    """The plan's last quarter, open, its deadline a month away."""
    period = ReportingPeriod(
        plan=plan,
        code=f"{plan.end_year}Q4",
        kind=PeriodKind.QUARTER,
        year=plan.end_year,
        number=4,
        starts_on=date(plan.end_year, 10, 1),
        ends_on=date(plan.end_year, 12, 31),
        deadline=local_today() + timedelta(days=30),
    )
    session.add(period)
    return period


def build_world(users: dict) -> World:
    """Projects in 温县 and 孟州市, a period, a draft report with an attachment per project, an
    evaluation round with an assessment, an indicator, a spare user, an import batch, an audit entry."""
    plan = session.scalar(select(Plan).order_by(Plan.id))
    own_project = make_project(name="温县黄河湿地保护修复", counties=["温县"])
    other_project = make_project(name="孟州市污水处理厂提标", counties=["孟州市"])
    period = _period(plan)
    own_report, own_file = _report_with_attachment(own_project, period, users["officer"])
    other_report, other_file = _report_with_attachment(other_project, period, users["other_officer"])
    round_ = EvaluationRound(plan=plan, name="中期评估（测试）", as_of=local_today())
    assessment = ProjectAssessment(
        round=round_,
        project=own_project,
        computed_class=ProjectClass.ON_SCHEDULE,
        final_class=ProjectClass.ON_SCHEDULE,
    )
    indicator = Indicator(
        plan=plan,
        seq=1,
        category="环境质量",
        name="细颗粒物（PM2.5）平均浓度",
        unit="微克/立方米",
        target_kind=TargetKind.AT_MOST,
        target_value=Decimal("45"),
        binding=True,
    )
    batch = ImportBatch(plan_id=plan.id, file_name="annex.xlsx", sha256="0" * 64, user_id=users["planner"].id)
    own_item, own_item_file = _supervision_item(own_project, users["planner"])
    other_item, other_item_file = _supervision_item(other_project, users["planner"])
    spare = make_user("spare", "reviewer")
    layout = SheetLayout(
        name="测试版式",
        spec={"title": "{规划}项目表（{期间}）", "columns": [{"key": "name", "header": "项目名称"}]},
        version=1,
        builtin=False,
    )
    session.add_all([round_, assessment, indicator, batch, layout])
    session.flush()
    # The 温县 project came from that import: its page names the file, as a user knows it.
    own_project.import_batch_id, own_project.source_sheet, own_project.source_row = batch.id, "附件", 7
    record(users["admin"], "user.create", spare, after={"username": "spare"})
    session.commit()
    shared = {
        "period_id": period.id,
        "round_id": round_.id,
        "assessment_id": assessment.id,
        "indicator_id": indicator.id,
        "user_id": spare.id,
        "batch_id": batch.id,
        "plan_id": plan.id,
        "layout_id": layout.id,
        "category_id": plan.categories[-1].id,  # a category without projects: deleting it is allowed
        "key": "days_behind",  # a 口径 (definition) by its key: /api/v1/definitions/<key>
    }
    return World(
        own=shared
        | {"project_id": own_project.id, "report_id": own_report.id, "attachment_id": own_file.id}
        | {"item_id": own_item.id, "file_id": own_item_file.id},
        other=shared
        | {"project_id": other_project.id, "report_id": other_report.id, "attachment_id": other_file.id}
        | {"item_id": other_item.id, "file_id": other_item_file.id},
    )
