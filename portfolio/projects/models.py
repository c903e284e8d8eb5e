"""The register: plans, their categories, projects, locations, responsible units and milestones."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.db import Base, LabelledEnum, MoneyNumeric, enum_column, utcnow

if TYPE_CHECKING:  # the mapper finds it by name (portfolio/models.py loads every table)
    from portfolio.annex.models import ImportBatch

MONEY = MoneyNumeric(16, 4)


class LifecycleStatus(LabelledEnum):
    PLANNING = "planning", "前期"
    UNDER_CONSTRUCTION = "under_construction", "在建"
    COMPLETED = "completed", "已竣工"
    SUSPENDED = "suspended", "暂停"
    CANCELLED = "cancelled", "取消"
    WITHDRAWN = "withdrawn", "调出"


class LocationKind(LabelledEnum):
    DISTRICT = "district", "区"
    COUNTY = "county", "县"
    CITY = "city", "县级市"
    ZONE = "zone", "功能区"
    CITYWIDE = "citywide", "全市"
    URBAN = "urban", "中心城区"


class MilestoneKind(LabelledEnum):
    PREPARATION = "preparation", "前期手续"
    GROUNDBREAKING = "groundbreaking", "开工"
    MAIN_WORKS = "main_works", "主体完工"
    ACCEPTANCE = "acceptance", "竣工验收"
    OPERATION = "operation", "投入运行"
    OTHER = "other", "其他"


class MilestoneStatus(LabelledEnum):
    PLANNED = "planned", "计划中"
    DONE = "done", "已完成"
    OVERDUE = "overdue", "未按期"
    PARTIAL = "partial", "部分完成"


class Plan(Base):
    __tablename__ = "plans"
    __table_args__ = (CheckConstraint("start_year <= end_year", name="year_span"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(20))  # 十四五, 十五五: how sheets and forms name the span
    doc_number: Mapped[str | None] = mapped_column(String(100))
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Set when planners close a finished plan: from then on only its evaluation may change.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    categories: Mapped[list["Category"]] = relationship(
        back_populates="plan", order_by="Category.number", cascade="all, delete-orphan"
    )

    # The plan calendar: every rule that derives a year or a date from the plan's span lives here.
    @property
    def years(self) -> list[int]:
        """The plan's years, first to last."""
        return list(range(self.start_year, self.end_year + 1))

    @property
    def years_label(self) -> str:
        return f"{self.start_year}—{self.end_year}年"

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 1, 1)

    @property
    def ends_on(self) -> date:
        return date(self.end_year, 12, 31)

    @property
    def last_month(self) -> date:
        """The plan's last month as month fields hold it (its first day), for schedules by month."""
        return date(self.end_year, 12, 1)

    @property
    def baseline_year(self) -> int:
        """The year before the plan: indicators' base values are that year's."""
        return self.start_year - 1

    @property
    def indicator_years(self) -> list[int]:
        """Years an indicator may have a value for: the baseline year and the plan's years."""
        return [self.baseline_year, *self.years]

    @property
    def mid_term_year(self) -> int:
        """The mid-term review looks at the end of the plan's third year."""
        return self.clamp_year(self.start_year + 2)

    @property
    def mid_term_date(self) -> date:
        return date(self.mid_term_year, 12, 31)

    @property
    def final_date(self) -> date:
        """The final evaluation looks at the end of the plan's last year."""
        return self.ends_on

    @property
    def latest_evaluation_date(self) -> date:
        """An evaluation may be dated as late as the end of the year after the plan."""
        return date(self.end_year + 1, 12, 31)

    def clamp_year(self, year: int) -> int:
        """The year, moved into the plan's span if it falls outside."""
        return min(max(year, self.start_year), self.end_year)

    def assessed_year(self, today: date) -> int:
        """Indicators are judged as of the current year, or the plan's last year once it has ended."""
        return min(today.year, self.end_year)

    def year_at(self, offset: int) -> int:
        """The plan's year `offset` years after its first (0 is the first year)."""
        return self.start_year + offset


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        UniqueConstraint("plan_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    # Other names the plan's text or an office's annex uses for the same category.
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)

    plan: Mapped[Plan] = relationship(back_populates="categories")
    subcategories: Mapped[list["Subcategory"]] = relationship(
        back_populates="category",
        order_by="Subcategory.number",
        cascade="all, delete-orphan",
    )


class Subcategory(Base):
    __tablename__ = "subcategories"
    __table_args__ = (UniqueConstraint("category_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))

    category: Mapped[Category] = relationship(back_populates="subcategories")


class Location(Base):
    """A county-level unit of the city, or 全市 / 中心城区."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    kind: Mapped[LocationKind] = mapped_column(enum_column(LocationKind))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def is_county(self) -> bool:
        return self.kind not in (LocationKind.CITYWIDE, LocationKind.URBAN)


class Unit(Base):
    """A responsible unit (责任单位): a city bureau, or a county's government or bureau."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))

    county: Mapped[Location | None] = relationship()


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("project_code"),
        # Annex order within a plan: the period and 催报 pages read a page of ids off it without sorting.
        Index("ix_projects_annex_order", "plan_id", "category_id", "seq_no", "id"),
        CheckConstraint(
            "start_year IS NULL OR end_year IS NULL OR start_year <= end_year",
            name="years",
        ),
        CheckConstraint(
            "total_investment_wan IS NULL OR total_investment_wan >= 0",
            name="total_nonneg",
        ),
        CheckConstraint(
            "span_investment_wan IS NULL OR span_investment_wan >= 0",
            name="span_nonneg",
        ),
        CheckConstraint(
            "pre_tracking_invested_wan IS NULL OR pre_tracking_invested_wan >= 0",
            name="pre_tracking_nonneg",
        ),
        # Everything the summary and the dashboard count and add up per project: SQLite groups a plan's
        # projects from this index alone instead of looking up 10,000 table rows one by one.
        Index(
            "ix_projects_plan_figures",
            "plan_id",
            "category_id",
            "status",
            "total_investment_wan",
            "span_investment_wan",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    subcategory_id: Mapped[int | None] = mapped_column(ForeignKey("subcategories.id"), index=True)
    seq_no: Mapped[int | None] = mapped_column(Integer)  # 序号 in the annex
    name: Mapped[str] = mapped_column(String(300))
    nature: Mapped[str | None] = mapped_column(String(20))  # 建设性质: 新建, 续建, 改扩建 …
    content: Mapped[str | None] = mapped_column(Text)
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    total_investment_wan: Mapped[Decimal | None] = mapped_column(MONEY)
    # Investment falling within the plan's span (十四五投资 for the 14th plan).
    span_investment_wan: Mapped[Decimal | None] = mapped_column(MONEY)
    planned_start: Mapped[date | None] = mapped_column(Date)  # first day of the planned month
    planned_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[LifecycleStatus] = mapped_column(
        enum_column(LifecycleStatus), default=LifecycleStatus.PLANNING, index=True
    )
    project_code: Mapped[str | None] = mapped_column(String(24))
    # 纳入系统前已完成投资: completed before the tracker followed the project, as of a date.
    pre_tracking_invested_wan: Mapped[Decimal | None] = mapped_column(MONEY)
    pre_tracking_as_of: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    source_sheet: Mapped[str | None] = mapped_column(String(100))
    source_row: Mapped[int | None] = mapped_column(Integer)
    # "<version>:<digest>" of the annex row last imported into this project without any issue: a re-import
    # skips that row while the version is still the same (portfolio/annex/fingerprint.py).
    import_fingerprint: Mapped[str | None] = mapped_column(String(48))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    plan: Mapped[Plan] = relationship()
    category: Mapped[Category] = relationship()
    subcategory: Mapped[Subcategory | None] = relationship()
    locations: Mapped[list[Location]] = relationship(
        secondary="project_locations", order_by="Location.sort_order"
    )
    unit_links: Mapped[list["ProjectUnit"]] = relationship(
        back_populates="project",
        order_by="ProjectUnit.position",
        cascade="all, delete-orphan",
    )
    annual_plans: Mapped[list["AnnualPlan"]] = relationship(
        back_populates="project",
        order_by="AnnualPlan.year",
        cascade="all, delete-orphan",
    )
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="project",
        order_by="Milestone.planned_date",
        cascade="all, delete-orphan",
    )
    # The import that last wrote the project: its page names the file and date, never the batch's id.
    import_batch: Mapped["ImportBatch | None"] = relationship()

    @property
    def schedule_start(self) -> date | None:
        """The planned start month, else the first day of the construction's first year."""
        return self.planned_start or (date(self.start_year, 1, 1) if self.start_year else None)

    @property
    def schedule_end(self) -> date | None:
        """The planned end month (its first day), else December of the construction's last year."""
        return self.planned_end or (date(self.end_year, 12, 1) if self.end_year else None)

    @property
    def lead_unit(self) -> "Unit | None":
        return next((link.unit for link in self.unit_links if link.is_lead), None)


class ProjectLocation(Base):
    __tablename__ = "project_locations"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True, index=True)


class ProjectUnit(Base):
    """A responsible unit of a project: the first (position 0) leads (牵头), the rest support (配合)."""

    __tablename__ = "project_units"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_lead: Mapped[bool] = mapped_column(default=False)

    project: Mapped[Project] = relationship(back_populates="unit_links")
    unit: Mapped[Unit] = relationship()


class AnnualPlan(Base):
    """The planned investment of one project for one year of the plan's span."""

    __tablename__ = "annual_plans"
    __table_args__ = (CheckConstraint("amount_wan IS NULL OR amount_wan >= 0", name="amount_nonneg"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount_wan: Mapped[Decimal | None] = mapped_column(MONEY)

    project: Mapped[Project] = relationship(back_populates="annual_plans")


class Milestone(Base):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MilestoneKind] = mapped_column(enum_column(MilestoneKind))
    title: Mapped[str | None] = mapped_column(String(200))
    planned_date: Mapped[date | None] = mapped_column(Date)
    actual_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[MilestoneStatus] = mapped_column(
        enum_column(MilestoneStatus), default=MilestoneStatus.PLANNED
    )
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship(back_populates="milestones")


class StatusChange(Base):
    """A project's life-cycle status changing on a date, so a round can read the status then in force."""

    __tablename__ = "project_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[LifecycleStatus] = mapped_column(enum_column(LifecycleStatus, "from_status_values"))
    to_status: Mapped[LifecycleStatus] = mapped_column(enum_column(LifecycleStatus, "to_status_values"))
    effective_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(100))  # 进度报告 2025Q1, 项目编辑, 附件导入
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
