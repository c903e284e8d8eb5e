"""Sheet layouts (版式) as data: a named spec of columns, grouping, filters and page setup, and versions."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import User
from portfolio.db import Base, utcnow


class SheetLayout(Base):
    """One layout planners defined (or a built-in one); `spec` is the current version's LayoutSpec as JSON."""

    __tablename__ = "sheet_layouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    spec: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    updated_by: Mapped[User | None] = relationship()
    versions: Mapped[list["SheetLayoutVersion"]] = relationship(
        back_populates="layout",
        cascade="all, delete-orphan",
        order_by="SheetLayoutVersion.version.desc()",
    )

    @property
    def issues_template(self) -> bool:
        """A layout with an input column can be downloaded as a fill-in template (layouts.template)."""
        return any(column.get("input") is True for column in self.spec.get("columns") or [])


class SheetLayoutVersion(Base):
    """Each saved version of a layout, kept so an earlier sheet can be explained and restored."""

    __tablename__ = "sheet_layout_versions"
    __table_args__ = (UniqueConstraint("layout_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    layout_id: Mapped[int] = mapped_column(ForeignKey("sheet_layouts.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    layout: Mapped[SheetLayout] = relationship(back_populates="versions")
    saved_by: Mapped[User | None] = relationship()
