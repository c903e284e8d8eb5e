"""督办 items: a planner names a project's problem, the measures required and a deadline; the responsible
county answers; the planner closes the item or sends it back. Every step is an event kept for good."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import User
from portfolio.db import Base, LabelledEnum, enum_column, utcnow
from portfolio.projects.models import Location, Project, Unit


class ItemState(LabelledEnum):
    ISSUED = "issued", "待答复"
    ANSWERED = "answered", "已答复待审"
    RETURNED = "returned", "退回重办"
    CLOSED = "closed", "已办结"


class EventKind(LabelledEnum):
    ISSUED = "issued", "下达督办"
    ANSWERED = "answered", "答复"
    RETURNED = "returned", "退回重办"
    CLOSED = "closed", "办结"
    ESCALATED = "escalated", "升级督办"


class SupervisionItem(Base):
    __tablename__ = "supervision_items"
    __table_args__ = (
        UniqueConstraint("year", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("unit_id IS NOT NULL OR county_id IS NOT NULL", name="responsible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # 督办〔year〕number号
    number: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # responsible unit
    county_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))  # responsible county
    problem: Mapped[str] = mapped_column(Text)
    measures_required: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date)
    state: Mapped[ItemState] = mapped_column(enum_column(ItemState), default=ItemState.ISSUED, index=True)
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    project: Mapped[Project] = relationship()
    unit: Mapped[Unit | None] = relationship()
    county: Mapped[Location | None] = relationship()
    issued_by: Mapped[User | None] = relationship()
    events: Mapped[list["SupervisionEvent"]] = relationship(
        back_populates="item", order_by="SupervisionEvent.id", cascade="all, delete-orphan"
    )

    @property
    def code(self) -> str:
        return f"督办〔{self.year}〕{self.number}号"

    @property
    def responsible(self) -> str:
        names = [x.name for x in (self.unit, self.county) if x is not None]
        return "、".join(names)

    @property
    def is_open(self) -> bool:
        return self.state != ItemState.CLOSED

    def is_overdue(self, today: date) -> bool:
        """Past its deadline with the county's answer still owed."""
        return self.state in (ItemState.ISSUED, ItemState.RETURNED) and today > self.deadline

    @property
    def last_answer(self) -> "SupervisionEvent | None":
        return next((e for e in reversed(self.events) if e.kind == EventKind.ANSWERED), None)


class SupervisionEvent(Base):
    """One step of an item: issued, answered (measures, progress, files), returned, closed, escalated."""

    __tablename__ = "supervision_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supervision_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)  # a reason to return, a closing remark, an escalation
    measures_taken: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[str | None] = mapped_column(Text)

    item: Mapped[SupervisionItem] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()
    files: Mapped[list["SupervisionFile"]] = relationship(
        back_populates="event", order_by="SupervisionFile.id", cascade="all, delete-orphan"
    )


class SupervisionFile(Base):
    """A file attached to an answer, stored outside the web root like report attachments."""

    __tablename__ = "supervision_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("supervision_events.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    event: Mapped[SupervisionEvent] = relationship(back_populates="files")

    @property
    def project(self) -> Project:
        return self.event.item.project
