"""Reference data shipped with the tracker: the county-level units, and the 14th plan (from its file).

The 14th plan's years and category names are written down only in import/plan-14th.json; everything
else reads them from the database, so the 15th plan can be loaded or created beside it.
"""

from portfolio.plans.definition import SHIPPED_PLAN, read_plan_file
from portfolio.projects.models import LocationKind

LOCATIONS: list[tuple[str, LocationKind]] = [
    ("解放区", LocationKind.DISTRICT),
    ("中站区", LocationKind.DISTRICT),
    ("马村区", LocationKind.DISTRICT),
    ("山阳区", LocationKind.DISTRICT),
    ("示范区", LocationKind.ZONE),
    ("修武县", LocationKind.COUNTY),
    ("博爱县", LocationKind.COUNTY),
    ("武陟县", LocationKind.COUNTY),
    ("温县", LocationKind.COUNTY),
    ("沁阳市", LocationKind.CITY),
    ("孟州市", LocationKind.CITY),
    ("全市", LocationKind.CITYWIDE),
    ("中心城区", LocationKind.URBAN),
]

# Short forms offices write for a location ("沁阳" for 沁阳市, the zone's full name for 示范区).
LOCATION_ALIASES: dict[str, str] = {
    "沁阳": "沁阳市",
    "孟州": "孟州市",
    "修武": "修武县",
    "博爱": "博爱县",
    "武陟": "武陟县",
    "城乡一体化示范区": "示范区",
    "焦作市城乡一体化示范区": "示范区",
    "市城乡一体化示范区": "示范区",
    "焦作市": "全市",
    "市区": "中心城区",
}

# The 14th plan's structure is data (import/plan-14th.json); this dict form is for load_plan and tests.
PLAN_14 = read_plan_file(SHIPPED_PLAN).as_dict()
