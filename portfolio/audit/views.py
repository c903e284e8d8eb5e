"""The audit log page: read-only by construction; it has no POST route and nothing here writes."""

from flask import current_app, render_template, request

from portfolio.audit import bp
from portfolio.audit.display import action_label, entity_label, field_changes
from portfolio.audit.forms import AuditFilterForm
from portfolio.audit.names import entity_names
from portfolio.audit.queries import list_actions, list_entity_types, list_entries
from portfolio.auth.queries import list_users
from portfolio.numbers import parse_int
from portfolio.permissions import requires


@bp.route("/audit")
@requires("audit.view")
def index():
    form = AuditFilterForm(request.args)
    form.set_choices(list_users(), list_actions(), list_entity_types())
    form.validate()
    number = request.args.get("page", type=parse_int) or 1
    page = list_entries(form.filters(), number, current_app.config["PAGE_SIZE"])
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        names=entity_names(page.entries),
        changes=field_changes,
        action_label=action_label,
        entity_label=entity_label,
    )
