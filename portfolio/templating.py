"""What every template may use: can(), the navigation, and filters for money, months and dates."""

import threading
from collections import OrderedDict
from datetime import date, datetime

from flask import current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portfolio.fields import FIELDS, display_label, span_label
from portfolio.localtime import format_local
from portfolio.numbers import MONEY_PLACES, format_number, format_wan
from portfolio.permissions import can

# (endpoint, label, action): the top navigation. Items whose endpoint is absent are skipped.
NAV = [
    ("home.index", "工作台", "home.view"),
    ("projects.index", "项目库", "project.view"),
    ("projects.summary", "投资汇总", "summary.view"),
    ("dashboard.index", "驾驶舱", "dashboard.view"),
    ("projects.history", "进度历史", "project.view"),
    ("supervision.index", "督办", "supervision.view"),
    ("adjustments.index", "规划调整", "adjustment.view"),
    ("reporting.periods", "进度填报", "period.view"),
    ("reporting.reminders", "催报", "reminder.view"),
    ("exports.index", "调度表导出", "export.download"),
    ("layouts.index", "报表版式", "layout.manage"),
    ("evaluation.rounds", "规划评估", "evaluation.view"),
    ("annex.upload", "附件导入", "annex.import"),
    ("audit.index", "操作日志", "audit.view"),
    ("plans.index", "规划管理", "plan.manage"),
    ("funding.sources", "资金来源", "funding.manage"),
    ("auth.users", "账号管理", "user.manage"),
    ("glossary.index", "口径说明", "definitions.view"),
]


def format_money(value, places: int = MONEY_PLACES) -> str:
    """The amount rule (numbers.format_wan)."""
    return format_wan(value, places)


def format_month(value: date | None) -> str:
    return f"{value.year}年{value.month}月" if value else "—"


def format_date(value: date | datetime | None) -> str:
    """A date as it is; a stored (UTC) timestamp in local time, without a zone label."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_local(value)
    return value.isoformat()


def nav_items(user) -> tuple[tuple[str, str, str], ...]:
    """The navigation this user sees: (endpoint, label, url) of each item.

    can() without an object reads only the role (and whether the user is signed in and active), and an
    item's URL only the app's root, so the items are worked out once per role and root, not on every page."""
    key = (
        getattr(user, "is_authenticated", False),
        getattr(user, "is_active", False),
        getattr(user, "role", None),
        request.script_root,
    )
    known = current_app.extensions.setdefault("nav_items", {})
    if key not in known:
        endpoints = current_app.view_functions
        known[key] = tuple(
            (endpoint, label, url_for(endpoint))
            for endpoint, label, action in NAV
            if endpoint in endpoints and can(user, action)
        )
    return known[key]


FRAGMENTS = 64
_fragments: OrderedDict = OrderedDict()
_fragments_lock = threading.Lock()


def fragment(template: str, **context) -> Markup:
    """A part of a page (the rows of a list) rendered from `context` alone, remembered by its inputs.

    The rows of a paged list were most of the page's time (a few thousand escapes and filter calls), and the
    same page of the same data is asked for again and again. The key is the inputs themselves (hashable
    values; a dict counts as its items), so a change to any row renders afresh, with no version to keep.
    The fragment sees its context, the filters and url_for, not the request's globals (can, the user):
    whatever it shows must come in through `context`."""
    key = (template, request.script_root, tuple((name, _frozen(value)) for name, value in context.items()))
    with _fragments_lock:
        html = _fragments.get(key)
        if html is not None:
            _fragments.move_to_end(key)
            return html
    html = Markup(current_app.jinja_env.get_template(template).render(context))
    with _fragments_lock:
        _fragments[key] = html
        while len(_fragments) > FRAGMENTS:
            _fragments.popitem(last=False)
    return html


def _frozen(value):
    if isinstance(value, dict):
        return tuple(value.items())
    if isinstance(value, list):
        return tuple(value)
    return value


def init_app(app) -> None:
    from portfolio.audit.display import action_label, field_changes

    app.jinja_env.filters.update(
        money=format_money,
        percent=format_number,
        number=format_number,
        month=format_month,
        date=format_date,
        localtime=format_local,
    )
    app.jinja_env.globals.update(audit_changes=field_changes, audit_action=action_label, fragment=fragment)
    # Project field labels in templates come from the one registry: {{ fields.name.label }}.
    app.jinja_env.globals.update(fields=FIELDS, field_label=display_label, span_label=span_label)
    from portfolio.annex.codes import code_label

    app.jinja_env.globals.update(annex_problem=code_label)

    @app.context_processor
    def _globals():
        return {
            "can": lambda action, obj=None: can(current_user, action, obj),
            "nav_items": nav_items(current_user),
            "active_blueprint": request.blueprint if request else None,
        }
