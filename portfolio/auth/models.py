"""Accounts: one role each; county officers are scoped to a county or a responsible unit."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.db import Base, LabelledEnum, enum_column, utcnow
from portfolio.projects.models import Location, Unit


class Role(LabelledEnum):
    ADMIN = "admin", "系统管理员"
    PLANNER = "planner", "市级牵头部门"
    COUNTY_OFFICER = "county_officer", "县区填报"
    REVIEWER = "reviewer", "评估人员"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role <> 'county_officer' OR county_id IS NOT NULL OR unit_id IS NOT NULL",
            name="officer_scope",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))  # for notifications when SMTP is configured
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated on logout, password reset and disabling, so every earlier session cookie stops working.
    session_token: Mapped[str] = mapped_column(String(64))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    county: Mapped[Location | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    # Flask-Login protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The browser session this object was loaded for (or is being signed in with) is part of the id,
        # so both the session cookie and the remember cookie name one row of user_sessions.
        sid = getattr(self, "current_sid", None)
        return f"{self.id}:{self.session_token}:{sid}" if sid else f"{self.id}:{self.session_token}"


class LoginFailure(Base):
    """One refused login, kept for a while so that one client address cannot guess across accounts."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class UserSession(Base):
    """One signed-in browser: ended by logout, by "sign out the others", idle time or its lifetime."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(200))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
