"""Who hears about a report's workflow: planners of submissions, the project's officers of returns."""

from portfolio.auth.models import Role
from portfolio.notify.models import NotificationKind
from portfolio.notify.services import list_active_users, notify, responsible_officers


def report_link(report) -> str:
    return f"/reporting/reports/{report.id}"


def report_submitted(report) -> None:
    """Tell every planner a report waits for review."""
    where = "、".join(loc.name for loc in report.project.locations) or "未定地点"
    notify(
        list_active_users(Role.PLANNER),
        NotificationKind.REPORT_SUBMITTED,
        f"{report.project.name} {report.period.code} 进度报告待审核",
        f"{where}报送了“{report.project.name}”{report.period.code} 的进度报告，请审核。",
        report_link(report),
    )


def report_returned(report) -> None:
    """Tell the project's officers (and whoever submitted) that a report came back, with the reason."""
    people = responsible_officers(report.project)
    if report.submitted_by is not None:
        people.append(report.submitted_by)
    notify(
        people,
        NotificationKind.REPORT_RETURNED,
        f"{report.project.name} {report.period.code} 进度报告被退回",
        f"“{report.project.name}”{report.period.code} 的进度报告被退回，原因：{report.return_reason}。"
        "请修改后重新报送。",
        report_link(report),
    )
