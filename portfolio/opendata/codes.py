"""Fixed mappings from the register to OC4IDS: status codelist, project type, GB/T 2260 county codes."""

from portfolio.projects.models import LifecycleStatus

# LifecycleStatus → OC4IDS projectStatus (closed codelist). 暂停 has no code of its own: it stays in
# implementation. 调出 projects have left the plan and are not published at all.
STATUS = {
    LifecycleStatus.PLANNING: "preparation",
    LifecycleStatus.UNDER_CONSTRUCTION: "implementation",
    LifecycleStatus.SUSPENDED: "implementation",
    LifecycleStatus.COMPLETED: "completed",
    LifecycleStatus.CANCELLED: "cancelled",
}

# 建设性质 → OC4IDS projectType (closed codelist), by the first matching word.
NATURE = (
    ("改扩建", "expansion"),
    ("扩建", "expansion"),
    ("改造", "rehabilitation"),
    ("修复", "rehabilitation"),
    ("新建", "construction"),
    ("续建", "construction"),
)

# GB/T 2260 codes of Jiaozuo's county-level divisions; 全市 is the prefecture-level city itself.
# 示范区 (a functional zone) and 中心城区 are not administrative divisions: they carry no code.
GBT2260 = {
    "解放区": "410802",
    "中站区": "410803",
    "马村区": "410804",
    "山阳区": "410811",
    "修武县": "410821",
    "博爱县": "410822",
    "武陟县": "410823",
    "温县": "410825",
    "沁阳市": "410882",
    "孟州市": "410883",
    "全市": "410800",
}
GAZETTEER = "CN-GBT2260"


def project_type(nature: str | None) -> str | None:
    for word, code in NATURE:
        if nature and word in nature:
            return code
    return None
