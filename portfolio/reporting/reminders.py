"""催报: remind the officers answering for a period's late projects, and keep the history of reminders."""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portfolio.audit.services import record
from portfolio.auth.models import Role
from portfolio.db import session
from portfolio.errors import DomainError, NotFound
from portfolio.localtime import local_today
from portfolio.notify.models import Notification, NotificationKind, Reminder
from portfolio.notify.services import list_active_users, notify, officer_keys, project_keys
from portfolio.projects.models import Location
from portfolio.reporting.models import ReportingPeriod
from portfolio.reporting.periods import is_open
from portfolio.reporting.queries import list_reminders

NAMES_SHOWN = 10


def _late_projects(period: ReportingPeriod, county: Location | None) -> list:
    late = [project for project, _ in list_reminders(period).missing]
    if county is not None:
        late = [p for p in late if any(loc.id == county.id for loc in p.locations)]
    return late


def _by_officer(projects: list) -> dict:
    """Each active county officer answering for some of these projects -> those projects."""
    index = defaultdict(list)
    for officer in list_active_users(Role.COUNTY_OFFICER):
        for key in officer_keys(officer):
            index[key].append(officer)
    found: dict = {}
    for project in projects:
        for officer in {o for key in project_keys(project) for o in index.get(key, ())}:
            found.setdefault(officer, []).append(project)
    return found


def _body(period: ReportingPeriod, projects: list, message: str) -> str:
    names = "、".join(p.name for p in projects[:NAMES_SHOWN])
    more = f"等 {len(projects)} 个项目" if len(projects) > NAMES_SHOWN else f"共 {len(projects)} 个项目"
    text = (
        f"{period.plan.short_name} {period.code} 进度报告截止 {period.deadline.isoformat()}，"
        f"您负责的以下项目尚未报送：{names}（{more}）。"
    )
    return f"{text}\n{message}" if message else text


def send_reminder(actor, period: ReportingPeriod, county_id: int | None, message: str = "") -> Reminder:
    """Notify the officers of a county's late projects (or of every late project) for an open period."""
    county = session.get(Location, county_id) if county_id else None
    if county_id and county is None:
        raise NotFound("县区不存在。")
    if not is_open(period, local_today()):
        raise DomainError(f"期间 {period.code} 已锁定，不能再催报。")
    where = county.name if county else "各县区"
    late = _late_projects(period, county)
    if not late:
        raise DomainError(f"{where}本期项目均已报送，无需催报。")
    targets = _by_officer(late)
    if not targets:
        raise DomainError(
            f"{where}未报送的项目没有对应的县区填报账号，催报无法送达。请先在账号管理中创建账号。"
        )
    message = (message or "").strip()
    reminder = Reminder(
        period_id=period.id,
        sent_by_id=actor.id,
        county=county,
        message=message or "",
        project_count=len(late),
    )
    reminder.recipient_count, reminder.email_count = len(targets), 0
    session.add(reminder)
    title = f"催报：{period.plan.short_name} {period.code} 进度报告请于 {period.deadline.isoformat()} 前报送"
    for officer, projects in sorted(targets.items(), key=lambda item: item[0].id):
        _, mails = notify(
            [officer], NotificationKind.REMINDER, title, _body(period, projects, message), "/home", reminder
        )
        reminder.email_count += mails
    session.flush()
    record(
        actor,
        "reminder.send",
        reminder,
        after={"county": where, "project_count": len(late), "recipient_count": len(targets)},
        summary=f"催报 {period.code}：{where} {len(late)} 个未报送项目，通知 {len(targets)} 人",
    )
    return reminder


def list_reminder_history(period: ReportingPeriod) -> list[Reminder]:
    """Reminders sent for a period, newest first, with sender, county and recipients (three statements)."""
    stmt = (
        select(Reminder)
        .where(Reminder.period_id == period.id)
        .options(
            selectinload(Reminder.sent_by),
            selectinload(Reminder.county),
            selectinload(Reminder.notifications).selectinload(Notification.user),
        )
        .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
    )
    return list(session.scalars(stmt))
