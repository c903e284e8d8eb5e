"""Indicators with yearly values, and evaluation rounds with their per-project assessments."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.db import Base, GuardedNumeric, LabelledEnum, PercentNumeric, enum_column, utcnow
from portfolio.projects.models import Plan, Project


class TargetKind(LabelledEnum):
    AT_MOST = "at_most", "不高于"
    AT_LEAST = "at_least", "不低于"
    CUMULATIVE = "cumulative", "五年累计"
    QUALITATIVE = "qualitative", "定性"
    PROVINCIAL = "provincial", "按省下达目标"


class RoundStatus(LabelledEnum):
    DRAFT = "draft", "评估中"
    FINALIZED = "finalized", "已定稿"


class ProjectClass(LabelledEnum):
    COMPLETED_EARLY = "completed_early", "提前完成"
    COMPLETED = "completed", "已完成"
    ON_SCHEDULE = "on_schedule", "符合序时进度"
    LAGGING = "lagging", "滞后"
    NOT_STARTED = "not_started", "未启动"
    MANUAL = "manual", "需人工研判"
    WITHDRAWN = "withdrawn", "调出"
    CANCELLED = "cancelled", "取消"


class Indicator(Base):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("plan_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(30))
    baseline_text: Mapped[str | None] = mapped_column(String(50))
    baseline_value: Mapped[Decimal | None] = mapped_column(GuardedNumeric(18, 4))
    target_text: Mapped[str | None] = mapped_column(String(50))
    target_kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind))
    target_value: Mapped[Decimal | None] = mapped_column(GuardedNumeric(18, 4))
    binding: Mapped[bool] = mapped_column(Boolean)  # 约束性 (True) or 预期性
    note: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship()


class IndicatorValue(Base):
    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal | None] = mapped_column(GuardedNumeric(18, 4))
    value_text: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    indicator: Mapped[Indicator] = relationship()


class EvaluationRound(Base):
    __tablename__ = "evaluation_rounds"
    __table_args__ = (UniqueConstraint("plan_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus), default=RoundStatus.DRAFT)
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime)
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Frozen at finalization: indicator and project results as they stood; later data cannot alter them.
    # Deferred: megabytes at 10,000 projects, read only by the report (remembered) and the reopen audit.
    snapshot: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    plan: Mapped[Plan] = relationship()


class ProjectAssessment(Base):
    """A reviewer's confirmation or override of a project's computed class in one round."""

    __tablename__ = "project_assessments"
    __table_args__ = (UniqueConstraint("round_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_rounds.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    computed_class: Mapped[ProjectClass] = mapped_column(enum_column(ProjectClass, "computed_class_values"))
    final_class: Mapped[ProjectClass] = mapped_column(enum_column(ProjectClass, "final_class_values"))
    override_reason: Mapped[str | None] = mapped_column(Text)
    score: Mapped[Decimal | None] = mapped_column(PercentNumeric(5, 1))
    comment: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship()
    round: Mapped[EvaluationRound] = relationship()


class IndicatorVerdict(Base):
    """A reviewer's verdict with its reason on a qualitative indicator in one round."""

    __tablename__ = "indicator_verdicts"
    __table_args__ = (
        UniqueConstraint("round_id", "indicator_id"),
        CheckConstraint("verdict IN ('achieved', 'on_track', 'lagging', 'done', 'not_done')", name="verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_rounds.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(24))  # an IndicatorStatus value a reviewer may choose
    reason: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
