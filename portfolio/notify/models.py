"""In-app notifications and the 催报 reminders a planner sent."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import User
from portfolio.db import Base, LabelledEnum, enum_column, utcnow
from portfolio.projects.models import Location


class NotificationKind(LabelledEnum):
    REMINDER = "reminder", "催报"
    REPORT_SUBMITTED = "report_submitted", "报告待审核"
    REPORT_RETURNED = "report_returned", "报告被退回"
    SUPERVISION = "supervision", "督办"


class Reminder(Base):
    """One 催报 sent for a period: by whom, to which county (or every late one), with what text, when."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_periods.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))  # None: every late county
    message: Mapped[str] = mapped_column(Text)
    project_count: Mapped[int] = mapped_column(Integer)  # late projects the reminder was about
    recipient_count: Mapped[int] = mapped_column(Integer)
    email_count: Mapped[int] = mapped_column(Integer, default=0)  # e-mails handed to the SMTP server
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    sent_by: Mapped[User | None] = relationship()
    county: Mapped[Location | None] = relationship()
    notifications: Mapped[list["Notification"]] = relationship(back_populates="reminder")


class Notification(Base):
    """A message to one user; read_at is set when they open it."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))  # a path inside the app
    reminder_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminders.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    reminder: Mapped[Reminder | None] = relationship(back_populates="notifications")
