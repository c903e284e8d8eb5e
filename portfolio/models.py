"""Import every domain's models so that Base.metadata describes the whole schema."""

from portfolio.adjustments.models import BaselineProject, PlanAdjustment, PlanBaseline
from portfolio.annex.models import ImportBatch
from portfolio.audit.models import AuditEntry
from portfolio.auth.models import LoginFailure, Role, User
from portfolio.evaluation.models import (
    EvaluationRound,
    Indicator,
    IndicatorValue,
    ProjectAssessment,
)
from portfolio.funding.models import FundingSource, ProjectFunding, ProjectFundingNote, ReportFunding
from portfolio.layouts.models import SheetLayout, SheetLayoutVersion
from portfolio.notify.models import Notification, Reminder
from portfolio.projects.models import (
    AnnualPlan,
    Category,
    Location,
    Milestone,
    Plan,
    Project,
    ProjectLocation,
    ProjectUnit,
    Subcategory,
    Unit,
)
from portfolio.reporting.models import (
    Attachment,
    ReportingPeriod,
    Setting,
    StatusReport,
)
from portfolio.supervision.models import SupervisionEvent, SupervisionFile, SupervisionItem
from portfolio.tokens.models import ApiToken

__all__ = [
    "AnnualPlan",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "BaselineProject",
    "Category",
    "EvaluationRound",
    "FundingSource",
    "ImportBatch",
    "Indicator",
    "IndicatorValue",
    "Location",
    "LoginFailure",
    "Milestone",
    "Notification",
    "Plan",
    "PlanAdjustment",
    "PlanBaseline",
    "Project",
    "ProjectAssessment",
    "ProjectFunding",
    "ProjectFundingNote",
    "ProjectLocation",
    "ProjectUnit",
    "Reminder",
    "ReportFunding",
    "ReportingPeriod",
    "Role",
    "Setting",
    "SheetLayout",
    "SheetLayoutVersion",
    "StatusReport",
    "Subcategory",
    "SupervisionEvent",
    "SupervisionFile",
    "SupervisionItem",
    "Unit",
    "User",
]
