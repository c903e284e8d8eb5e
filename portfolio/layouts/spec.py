"""A layout's specification: what a planner chose, as plain data that round-trips through JSON.

The spec is stored on SheetLayout.spec and in each saved version; services.validate_spec checks it.
"""

from dataclasses import asdict, dataclass, field

from portfolio.projects.models import LifecycleStatus
from portfolio.reporting.warnings import Level

GROUPINGS = {"none": "不分组", "category": "按类别（含子类）", "county": "按县区", "lead_unit": "按牵头单位"}
SORTS = {
    "seq": "按类别和序号",
    "name": "按项目名称",
    "total_desc": "按总投资从高到低",
    "rate_asc": "按年度计划完成率从低到高",
    "warning": "按预警等级（红、黄在前）和落后百分点",
}
PAPERS = {"A4": 9, "A3": 8}  # Excel paper codes
ORIENTATIONS = {"landscape": "横向", "portrait": "纵向"}
STATUS_LABELS = {s.value: s.label for s in LifecycleStatus}
WARNING_LABELS = {lv.value: lv.label for lv in Level}
# The title's placeholders; {县区} is empty on a sheet of every county, and takes the comma after it along.
PLACEHOLDERS = ("{规划}", "{期间}", "{县区}")
COUNT = "{项目数}"  # in the unit note: how many projects the sheet lists


@dataclass
class LayoutColumn:
    key: str
    header: str
    width: float = 12
    style: str = "text"
    group: str = ""  # a header merged over adjacent columns with the same group
    input: bool = False  # filled in on the layout's fill-in template (a field of the period's report)


@dataclass
class LayoutFilters:
    status: list[str] = field(default_factory=list)  # LifecycleStatus values; empty: every status but 调出
    warning: list[str] = field(default_factory=list)  # warning Level values
    category: list[int] = field(default_factory=list)  # category numbers within the plan
    county: list[str] = field(default_factory=list)  # county (Location) names
    supervised: bool = False  # with a warning filter: also projects under an open 督办 item, of any level


@dataclass
class LayoutSpec:
    title: str
    columns: list[LayoutColumn]
    grouping: str = "none"
    sort: str = "seq"
    filters: LayoutFilters = field(default_factory=LayoutFilters)
    paper: str = "A4"
    orientation: str = "landscape"
    heading: bool = True  # the 填报单位/日期 line under the title
    signature: bool = False  # 审核人/填报人 under the table
    unit_note: str = "单位：万元"  # right of the date line; {项目数} is the number of projects listed
    notes: bool = False  # the 口径说明 under the table
    note_keys: list[str] = field(default_factory=list)  # its definitions; empty: the progress figures'
    report_counts: bool = True  # the notes start with how many of the period's reports are in each state
    totals: bool = True  # a 合计 row heads the body
    sheet_name: str = ""  # the worksheet's name; the layout's name when empty

    def as_dict(self) -> dict:
        """As stored; a column that is no input leaves the flag out, so layouts saved before it stay equal."""
        data = asdict(self)
        for column in data["columns"]:
            if not column["input"]:
                del column["input"]
        return data

    @property
    def inputs(self) -> list[LayoutColumn]:
        """The columns its fill-in template asks for; none: the layout issues no template."""
        return [c for c in self.columns if c.input]

    @classmethod
    def from_dict(cls, data: dict) -> "LayoutSpec":
        """Build from stored or imported JSON; unknown keys are ignored, wrong types raise ValueError."""
        if not isinstance(data, dict):
            raise TypeError("spec")
        columns = [
            LayoutColumn(
                key=str(c["key"]),
                header=str(c.get("header") or ""),
                width=float(c.get("width") or 12),
                style=str(c.get("style") or "text"),
                group=str(c.get("group") or ""),
                input=c.get("input") is True,
            )
            for c in data.get("columns") or []
        ]
        raw = data.get("filters") or {}
        filters = LayoutFilters(
            status=[str(s) for s in raw.get("status") or []],
            warning=[str(s) for s in raw.get("warning") or []],
            category=[int(n) for n in raw.get("category") or []],
            county=[str(s) for s in raw.get("county") or []],
            supervised=bool(raw.get("supervised", False)),
        )
        return cls(
            title=str(data.get("title") or ""),
            columns=columns,
            grouping=str(data.get("grouping") or "none"),
            sort=str(data.get("sort") or "seq"),
            filters=filters,
            paper=str(data.get("paper") or "A4"),
            orientation=str(data.get("orientation") or "landscape"),
            heading=bool(data.get("heading", True)),
            signature=bool(data.get("signature", False)),
            unit_note=str(data.get("unit_note") if data.get("unit_note") is not None else "单位：万元"),
            notes=bool(data.get("notes", False)),
            note_keys=[str(k) for k in data.get("note_keys") or []],
            report_counts=bool(data.get("report_counts", True)),
            totals=bool(data.get("totals", True)),
            sheet_name=str(data.get("sheet_name") or ""),
        )


def expand_title(pattern: str, plan: str, period: str, county: str | None) -> str:
    """The title with {规划}, {期间} and {县区} filled in; without a county, {县区} and its comma go."""
    text = pattern.replace("{规划}", plan).replace("{期间}", period)
    if county:
        return text.replace("{县区}", county)
    return text.replace("{县区}，", "").replace("{县区},", "").replace("{县区}", "")
