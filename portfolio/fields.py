"""The one registry of project fields: key, Chinese label, unit, number format and annex header synonyms.

The key is the Project attribute, the key in audit entries, import diffs, JSON and the API. The edit form,
the annex header recognition and its reports, the audit display and the Excel exports all take a field's
label, unit and format from here; nothing else keeps a label table for project fields. Adding a field
means adding one entry here, then the column (model + migration) and wherever it is shown.
"""

from dataclasses import dataclass

MONEY_FORMAT = "#,##0.00"  # Excel number format of amounts in 万元
INTEGER_FORMAT = "0"
WAN = "万元"


@dataclass(frozen=True)
class ProjectField:
    key: str
    label: str
    unit: str | None = None
    number_format: str | None = None  # Excel number format; None for text
    # Header texts an office's annex may use for this column, normalised (no spaces, quotes or brackets).
    headers: tuple[str, ...] = ()

    @property
    def label_with_unit(self) -> str:
        """The label as forms and the audit log show it: 总投资（万元）."""
        return f"{self.label}（{self.unit}）" if self.unit else self.label


_FIELDS = (
    ProjectField(
        "seq_no", "序号", number_format=INTEGER_FORMAT, headers=("序号", "编号", "项目序号", "项目编号")
    ),
    ProjectField("name", "项目名称", headers=("项目名称", "工程名称", "工程项目名称", "名称")),
    ProjectField("category", "类别"),
    ProjectField("subcategory", "子类"),
    ProjectField(
        "locations",
        "建设地点",
        headers=("建设地点", "项目地点", "实施地点", "所在地", "所在县区", "县区", "建设地址", "项目所在地"),
    ),
    ProjectField("nature", "建设性质", headers=("建设性质", "性质", "项目性质")),
    ProjectField(
        "content",
        "主要建设内容及规模",
        headers=(
            "主要建设内容及规模",
            "建设内容",
            "建设规模及主要内容",
            "建设内容及规模",
            "主要建设内容",
            "建设规模及内容",
            "建设规模",
        ),
    ),
    # One annex column (2021-2023) fills start_year and end_year.
    ProjectField(
        "years",
        "建设起止年限",
        headers=("建设起止年限", "建设年限", "起止年限", "建设期限", "建设周期", "起止年份"),
    ),
    ProjectField("start_year", "建设起始年份", number_format=INTEGER_FORMAT),
    ProjectField("end_year", "建设结束年份", number_format=INTEGER_FORMAT),
    ProjectField(
        "total_investment_wan",
        "总投资",
        WAN,
        MONEY_FORMAT,
        headers=("总投资", "项目总投资", "计划总投资", "估算总投资"),
    ),
    # The plan-period investment; sheets and the annex name it after the plan (“十四五”投资): span_label().
    ProjectField(
        "span_investment_wan", "规划期投资", WAN, MONEY_FORMAT, headers=("规划期投资", "规划期内投资")
    ),
    # The header over the year columns (2021年, 2022年 …) of the annual plan.
    ProjectField(
        "annual_plan_wan",
        "分年度投资计划",
        WAN,
        MONEY_FORMAT,
        headers=("分年度投资计划", "年度投资计划", "分年度投资", "分年度计划投资", "年度计划"),
    ),
    ProjectField(
        "planned_start",
        "计划开工时间",
        headers=("计划开工时间", "开工时间", "计划开工", "计划开工年月", "开工年月"),
    ),
    ProjectField(
        "planned_end",
        "计划竣工时间",
        headers=(
            "计划竣工时间",
            "竣工时间",
            "计划建成",
            "计划建成时间",
            "计划完工时间",
            "完工时间",
            "计划竣工",
        ),
    ),
    ProjectField("units", "责任单位", headers=("责任单位", "实施单位", "牵头单位及配合单位", "责任主体")),
    # Some annexes split 责任单位 into a lead and supporting units; both become the project's units.
    ProjectField("lead_unit", "牵头单位", headers=("牵头单位",)),
    ProjectField("support_units", "配合单位", headers=("配合单位",)),
    # One text column such as “中央预算内投资5000万元，专项债2亿元”, or the group above per-source columns;
    # it fills the project's planned funding by source (funding) and, when unreadable, its funding note.
    ProjectField(
        "funding_text",
        "资金来源",
        headers=("资金来源", "资金来源及构成", "资金筹措", "资金筹措方案", "资金来源渠道", "资金构成"),
    ),
    ProjectField("funding", "资金来源", WAN, MONEY_FORMAT),
    # Completed before the tracker followed the project (definitions: pre_tracking_invested). An annex
    # header may carry its as-of date (截至2020年底累计完成投资); the importer strips the date before
    # matching these names, and otherwise reads it from a 截至 line above the header (annex/as_of.py).
    ProjectField(
        "pre_tracking_invested_wan",
        "纳入系统前已完成投资",
        WAN,
        MONEY_FORMAT,
        headers=(
            "纳入系统前已完成投资",
            "开工至今完成投资",
            "开工至今累计完成投资",
            "开工以来完成投资",
            "开工以来累计完成投资",
            "自开工累计完成投资",
            "累计完成投资",
            "累计已完成投资",
            "已完成投资",
            "已完成投资额",
            "累计完成投资额",
        ),
    ),
    ProjectField("pre_tracking_as_of", "纳入系统前已完成投资截至日期"),
    ProjectField("funding_note", "资金来源说明"),
    ProjectField("status", "项目状态"),
    ProjectField("project_code", "项目代码"),
    ProjectField("note", "备注", headers=("备注", "说明")),
)

FIELDS: dict[str, ProjectField] = {f.key: f for f in _FIELDS}


def field(key: str) -> ProjectField:
    return FIELDS[key]


def label(key: str) -> str:
    return FIELDS[key].label


def display_label(key: str) -> str:
    """The label with its unit for a registry key; other keys (2021年计划投资) are already Chinese."""
    found = FIELDS.get(key)
    return found.label_with_unit if found else key


def span_label(short_name: str) -> str:
    """The plan-period investment named after its plan: “十四五”投资."""
    return f"“{short_name}”投资"
