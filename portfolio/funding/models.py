"""A plan's funding sources, each project's planned breakdown and the funds received (到位资金) per report."""

from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.db import Base
from portfolio.projects.models import MONEY, Plan


class FundingSource(Base):
    """One line of a plan's source list, such as 中央预算内投资; aliases are other names annexes use."""

    __tablename__ = "funding_sources"
    __table_args__ = (UniqueConstraint("plan_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(50))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)

    plan: Mapped[Plan] = relationship()


class ProjectFunding(Base):
    """The planned amount of one source in one project's investment, in 万元."""

    __tablename__ = "project_funding"
    __table_args__ = (CheckConstraint("amount_wan >= 0", name="amount_nonneg"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("funding_sources.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    amount_wan: Mapped[Decimal] = mapped_column(MONEY)

    source: Mapped[FundingSource] = relationship()


class ReportFunding(Base):
    """Funds of one source received in a report's period (本期到位资金), in 万元."""

    __tablename__ = "report_funding"
    __table_args__ = (CheckConstraint("amount_wan >= 0", name="amount_nonneg"),)

    report_id: Mapped[int] = mapped_column(
        ForeignKey("status_reports.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("funding_sources.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    amount_wan: Mapped[Decimal] = mapped_column(MONEY)

    source: Mapped[FundingSource] = relationship()


class ProjectFundingNote(Base):
    """Funding text an annex gave that could not be read as amounts by source, kept as the office wrote it."""

    __tablename__ = "project_funding_notes"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
