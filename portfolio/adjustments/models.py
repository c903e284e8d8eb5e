"""Plan adjustments (规划调整): a plan's frozen baseline and every later change to its projects.

The first import of a plan's annex freezes its baseline: one row per project with the fields an
adjustment is about (content, investment, years, membership). Each later change to those fields, by
re-import or by edit, is an adjustment carrying its reason and approving document (调整文号).
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import User
from portfolio.db import Base, LabelledEnum, enum_column, utcnow
from portfolio.projects.models import MONEY, Project


class AdjustmentKind(LabelledEnum):
    ADDED = "added", "新增"
    CHANGED = "changed", "调整"
    WITHDRAWN = "withdrawn", "调出"


class PlanBaseline(Base):
    __tablename__ = "plan_baselines"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), unique=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    frozen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User | None] = relationship()
    projects: Mapped[list["BaselineProject"]] = relationship(
        back_populates="baseline", order_by="BaselineProject.id", cascade="all, delete-orphan"
    )


class BaselineProject(Base):
    """One project as the baseline annex had it. Never updated."""

    __tablename__ = "baseline_projects"
    __table_args__ = (UniqueConstraint("baseline_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    baseline_id: Mapped[int] = mapped_column(ForeignKey("plan_baselines.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    content: Mapped[str | None] = mapped_column(Text)
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    total_investment_wan: Mapped[Decimal | None] = mapped_column(MONEY)
    span_investment_wan: Mapped[Decimal | None] = mapped_column(MONEY)
    annual: Mapped[dict] = mapped_column(JSON, default=dict)  # {"2021": "100.0000", …}
    member: Mapped[bool] = mapped_column(Boolean, default=True)  # False: already 调出 at the baseline

    baseline: Mapped[PlanBaseline] = relationship(back_populates="projects")


class PlanAdjustment(Base):
    """One change to one project after the baseline: what changed, who, when, why, on what authority."""

    __tablename__ = "plan_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[AdjustmentKind] = mapped_column(enum_column(AdjustmentKind))
    reason: Mapped[str] = mapped_column(Text)
    doc_number: Mapped[str] = mapped_column(String(100))  # 调整文号
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))  # None: an edit
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    before: Mapped[dict] = mapped_column(JSON, default=dict)  # the changed fields, keyed as in FIELDS
    after: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()
    project: Mapped[Project] = relationship()
