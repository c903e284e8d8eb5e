"""Reporting periods, status reports with their workflow, attachments and tunable settings."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import User
from portfolio.db import Base, LabelledEnum, PercentNumeric, enum_column, utcnow
from portfolio.projects.models import MONEY, LifecycleStatus, Plan, Project
from portfolio.reporting.warnings import Level


class PeriodKind(LabelledEnum):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"


class PeriodStatus(LabelledEnum):
    OPEN = "open", "填报中"
    LOCKED = "locked", "已锁定"


class ReportStatus(LabelledEnum):
    # The words are those of portfolio.definitions.reports.ReportState (which adds 未填报).
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已通过"


class ReportingPeriod(Base):
    __tablename__ = "reporting_periods"
    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        CheckConstraint("starts_on <= ends_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    code: Mapped[str] = mapped_column(String(10))  # 2023Q4 or 2023-11
    kind: Mapped[PeriodKind] = mapped_column(enum_column(PeriodKind))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)  # quarter 1-4 or month 1-12
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[PeriodStatus] = mapped_column(enum_column(PeriodStatus), default=PeriodStatus.OPEN)
    # A planner may reopen a locked period; it then stays open until this date.
    reopened_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    plan: Mapped[Plan] = relationship()


class StatusReport(Base):
    """One project's progress in one period, moving draft → submitted → approved (or returned)."""

    __tablename__ = "status_reports"
    __table_args__ = (
        UniqueConstraint("project_id", "period_id"),
        CheckConstraint(
            "percent_complete IS NULL OR (percent_complete >= 0 AND percent_complete <= 100)",
            name="pct",
        ),
        CheckConstraint("invested_wan IS NULL OR invested_wan >= 0", name="invested_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_periods.id"), index=True)
    status: Mapped[ReportStatus] = mapped_column(
        enum_column(ReportStatus), default=ReportStatus.DRAFT, index=True
    )
    progress_text: Mapped[str | None] = mapped_column(Text)  # 形象进度
    percent_complete: Mapped[Decimal | None] = mapped_column(PercentNumeric(5, 2))
    invested_wan: Mapped[Decimal | None] = mapped_column(MONEY)  # investment completed in this period
    new_status: Mapped[LifecycleStatus | None] = mapped_column(enum_column(LifecycleStatus))
    # {milestone_id: {"actual_date": "YYYY-MM-DD" | null, "status": MilestoneStatus}}, applied on approval.
    milestone_updates: Mapped[dict | None] = mapped_column(JSON)
    problems: Mapped[str | None] = mapped_column(Text)  # 存在问题
    next_steps: Mapped[str | None] = mapped_column(Text)  # 下步计划
    coordination: Mapped[str | None] = mapped_column(Text)  # 需协调事项
    return_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    project: Mapped[Project] = relationship()
    period: Mapped[ReportingPeriod] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="report", order_by="Attachment.id", cascade="all, delete-orphan"
    )


class Attachment(Base):
    """A file stored outside the web root; served only to users who may see its project."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("status_reports.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # From a photo's EXIF, as evidence of a site visit: the camera's local clock, and degrees N/E.
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
    gps_lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    gps_lon: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))

    report: Mapped[StatusReport] = relationship(back_populates="attachments")


class Setting(Base):
    """A deployment-wide setting changed through the UI, such as the warning thresholds."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ProgressRow(Base):
    """The progress read model: a project's approved progress and warning as of the end of one period.

    Kept up to date in the transaction that changes its inputs (portfolio/reporting/progress_model.py).
    A row exists once the project has an approved report in a period ending on or before this one. No row
    means nothing approved yet: readers show 未报送 (or 不适用 / 已竣工, by the project's status).
    """

    __tablename__ = "progress_rows"
    __table_args__ = (
        Index("ix_progress_rows_period_id_level", "period_id", "level"),
        # The dashboard's projects furthest behind schedule: read from the top of the period's index.
        Index("ix_progress_rows_period_id_behind_points", "period_id", "behind_points"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("reporting_periods.id", ondelete="CASCADE"), primary_key=True
    )
    # The latest approved report by period end; its texts are read through it, not copied here.
    last_report_id: Mapped[int | None] = mapped_column(ForeignKey("status_reports.id", ondelete="SET NULL"))
    percent_complete: Mapped[Decimal | None] = mapped_column(PercentNumeric(5, 2))
    period_invested_wan: Mapped[Decimal | None] = mapped_column(MONEY)  # approved in this very period
    year_invested_wan: Mapped[Decimal] = mapped_column(MONEY)  # approved in this period's year so far
    cumulative_invested_wan: Mapped[Decimal] = mapped_column(MONEY)
    reported_in_period: Mapped[bool] = mapped_column(Boolean)
    expected_pct: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))  # 序时进度 at the period's end
    behind_points: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    level: Mapped[Level] = mapped_column(enum_column(Level))
    reason: Mapped[str] = mapped_column(String(100))
    days_behind: Mapped[int | None] = mapped_column(Integer)  # 落后天数 at the period's end
