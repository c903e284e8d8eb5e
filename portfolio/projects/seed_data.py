"""Reference data shipped with the tracker: the city's county-level units and the 14th plan's structure.

This is the only place where the 14th plan's years and category names are written down; everything
else reads them from the database, so the 15th plan can be loaded beside it.
"""

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

PLAN_14 = {
    "name": "焦作市“十四五”生态环境保护和生态经济发展规划",
    "short_name": "十四五",
    "doc_number": "焦政办〔2022〕77号",
    "start_year": 2021,
    "end_year": 2025,
    # number, table name, other names the plan's text uses, sub-categories (专栏2)
    "categories": [
        (
            1,
            "结构调整重大工程",
            ["绿色发展重大工程", "绿色发展", "结构调整"],
            ["产业体系提升工程", "清洁能源替代工程", "货运铁路交通建设工程", "柴油机清洁化工程"],
        ),
        (2, "应对气候变化重大工程", ["应对气候变化"], []),
        (3, "蓝天保卫战重大工程", ["蓝天保卫战"], ["NOx深度治理工程", "VOCs综合治理工程", "退城入园工程"]),
        (
            4,
            "碧水保卫战重大工程",
            ["碧水保卫战"],
            [
                "城乡供水一体化项目",
                "河道治理工程",
                "开发区污水治理工程",
                "城镇污水处理厂及管网建设、改造工程",
                "污水资源化利用工程",
            ],
        ),
        (
            5,
            "净土保卫战重大工程",
            ["净土保卫战"],
            ["农用地分类管理与安全利用", "建设用地土壤污染风险管控与修复", "地下水污染防治工程"],
        ),
        (
            6,
            "农业农村环境治理重大工程",
            ["农业农村污水治理重大工程", "农业农村污水治理", "农业农村环境治理"],
            ["农村环境整治工程", "农村黑臭水体治理工程", "农业面源污染防治工程"],
        ),
        (
            7,
            "生态保护修复重大工程",
            ["生态环境保护与修复重大工程", "生态环境保护与修复", "生态保护修复"],
            ["生物多样性保护工程", "湿地保护和修复工程", "水资源优化配置工程", "国土绿化工程"],
        ),
        (
            8,
            "生态经济发展重大工程",
            ["生态经济发展"],
            ["生态林业工程", "生态旅游工程", "生活垃圾收集处置工程"],
        ),
        (
            9,
            "环境风险防范重大工程",
            ["环境风险防范"],
            ["环境应急能力与应急物资储备库建设工程", "固废收集处理设施补短板工程"],
        ),
        (
            10,
            "生态环境治理能力提升重大工程",
            ["生态环境治理能力提升"],
            [
                "生态环境综合执法监管能力建设工程",
                "生态环境智慧感知监测评估能力建设工程",
                "全民行动体系建设工程",
            ],
        ),
    ],
}
