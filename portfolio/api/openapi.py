"""The OpenAPI document, built with apispec from the API's routes and the operations described here.

Every /api/v1 rule must have an entry in OPERATIONS: a test fails on an undocumented endpoint. A figure
that follows a 口径 (portfolio.definitions) says so: its description is the definition's name and rule,
and `x-definition` gives its key, which /definitions/{key} returns.
"""

import re

from apispec import APISpec

from portfolio.definitions import get_definition, list_definitions
from portfolio.fields import FIELDS

PAGE_PARAMS = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1},
        "description": "页码，从 1 开始",
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
        "description": "每页条数，至多 200",
    },
]
FILTER_PARAMS = [
    {"name": name, "in": "query", "schema": schema, "description": text}
    for name, schema, text in (
        ("plan", {"type": "integer"}, "规划 id（缺省：最新的有项目的规划）"),
        ("category", {"type": "integer"}, "类别 id"),
        ("subcategory", {"type": "integer"}, "子类 id"),
        ("county", {"type": "integer"}, "县区 id"),
        ("unit", {"type": "integer"}, "责任单位 id"),
        ("status", {"type": "string"}, "项目状态代码，如 under_construction"),
        ("q", {"type": "string"}, "名称或建设内容中的关键词"),
        (
            "sort",
            {"type": "string", "enum": ["seq", "name", "total", "span", "start", "end", "status"]},
            "排序",
        ),
        ("dir", {"type": "string", "enum": ["asc", "desc"]}, "排序方向"),
    )
]
ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "429": {"$ref": "#/components/responses/RateLimited"},
}


def _ok(description: str, schema: dict) -> dict:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}},
        **ERRORS,
    }


OPERATIONS: dict[str, dict] = {
    "api.projects": {
        "summary": "项目列表：与网页项目库相同的筛选，按令牌所属账号的可见范围",
        "parameters": FILTER_PARAMS + PAGE_PARAMS,
        "responses": _ok(
            "一页项目",
            {
                "type": "object",
                "required": ["projects", "total", "page"],
                "properties": {
                    "projects": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}},
                    "total": {"type": "integer"},
                    "page": {"type": "integer"},
                    "pages": {"type": "integer"},
                },
            },
        ),
    },
    "api.project": {
        "summary": "单个项目，含资金来源、里程碑和进度报告",
        "parameters": [{"name": "project_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {
            **_ok("项目详情", {"$ref": "#/components/schemas/ProjectDetail"}),
            "404": {"$ref": "#/components/responses/NotFound"},
        },
    },
    "api.periods": {
        "summary": "填报期间",
        "responses": _ok("所有填报期间", {"type": "object", "properties": {"periods": {"type": "array"}}}),
    },
    "api.summary": {
        "summary": "投资汇总：合计、按类别、按县区、按资金来源",
        "parameters": FILTER_PARAMS,
        "responses": _ok(
            "汇总",
            {
                "type": "object",
                "properties": {
                    "total": {"$ref": "#/components/schemas/SummaryRow"},
                    "by_category": {"type": "array", "items": {"$ref": "#/components/schemas/SummaryRow"}},
                    "by_county": {"type": "array", "items": {"$ref": "#/components/schemas/SummaryRow"}},
                    "by_source": {"type": "array", "items": {"$ref": "#/components/schemas/SourceTotal"}},
                },
            },
        ),
    },
    "api.oc4ids": {
        "summary": "OC4IDS 0.9 项目包：令牌可见的项目，只含已审核的进度",
        "parameters": [FILTER_PARAMS[0]],
        "responses": _ok("OC4IDS 项目包", {"type": "object"}),
    },
    "api.definitions": {
        "summary": "口径说明：系统中每个统计口径的名称和计算规则，与网页“口径说明”页相同",
        "responses": _ok(
            "全部口径",
            {
                "type": "object",
                "properties": {
                    "definitions": {"type": "array", "items": {"$ref": "#/components/schemas/Definition"}}
                },
            },
        ),
    },
    "api.definition": {
        "summary": "单个口径",
        "parameters": [
            {
                "name": "key",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "enum": [d.key for d in list_definitions()]},
                "description": "口径代码，即其他接口字段的 x-definition",
            }
        ],
        "responses": {
            **_ok("口径", {"$ref": "#/components/schemas/Definition"}),
            "404": {"$ref": "#/components/responses/NotFound"},
        },
    },
    "api.openapi": {
        "summary": "本文档",
        "responses": {"200": {"description": "OpenAPI 文档"}},
    },
}


def _amount(key: str) -> dict:
    """An amount in 万元, described by the field registry's label."""
    return {"type": "number", "nullable": True, "description": FIELDS[key].label_with_unit}


def defined(key: str, schema: dict) -> dict:
    """A figure computed by a 口径: its definition's name and rule, and its key."""
    d = get_definition(key)
    return {**schema, "description": f"{d.name}：{d.rule}", "x-definition": key}


NUMBER = {"type": "number", "nullable": True}
PROGRESS = {
    "type": "object",
    "description": "截至统计日已通过报告反映的进度与预警",
    "properties": {
        "last_period": {"type": "string", "nullable": True},
        "percent_complete": defined("counted_reports", NUMBER),
        "year_invested_wan": defined("year_invested", NUMBER),
        "cumulative_invested_wan": defined("tracked_invested", NUMBER),
        "cumulative_since_start_wan": defined("cumulative_since_start", NUMBER),
        "annual_plan_wan": {**NUMBER, "description": "统计日所在年份的计划投资（万元）"},
        "completion_rate": defined("annual_completion_rate", NUMBER),
        "warning": defined("warning_level", {"allOf": [{"$ref": "#/components/schemas/Coded"}]}),
        "warning_reason": {"type": "string", "nullable": True},
    },
}
PROJECT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "project_code": {"type": "string", "nullable": True},
        "name": {"type": "string"},
        "locations": {"type": "array", "items": {"type": "string"}},
        "total_investment_wan": _amount("total_investment_wan"),
        "span_investment_wan": _amount("span_investment_wan"),
        "pre_tracking_invested_wan": defined("pre_tracking_invested", NUMBER),
        "pre_tracking_as_of": {
            "type": "string",
            "format": "date",
            "nullable": True,
            "description": FIELDS["pre_tracking_as_of"].label,
        },
        "status": {"$ref": "#/components/schemas/Coded"},
        "progress": PROGRESS,
    },
}
SUMMARY_ROW = {
    "type": "object",
    "properties": {
        "label": {"type": "string"},
        "count": {"type": "integer"},
        "total_investment_wan": _amount("total_investment_wan"),
        "span_investment_wan": _amount("span_investment_wan"),
        "cumulative_invested_wan": defined("tracked_invested", NUMBER),
        "warnings": {"type": "object", "description": "各预警等级的项目数"},
    },
}
SOURCE_TOTAL = {
    "type": "object",
    "properties": {
        "source": {"type": "string", "description": "资金来源"},
        "projects": {"type": "integer", "description": "填报该来源的项目数"},
        "planned_wan": defined("planned_funding", NUMBER),
        "received_wan": defined("funds_received", NUMBER),
    },
}
DEFINITION = {
    "type": "object",
    "properties": {
        "key": {"type": "string", "description": "口径代码，其他字段以 x-definition 引用"},
        "name": {"type": "string", "description": "名称，即页面和报表的表头"},
        "rule": {"type": "string", "description": "计算规则（口径说明）"},
        "group": {"type": "string", "description": "所属分组"},
    },
}


def openapi_path(rule: str) -> str:
    """/api/v1/projects/<int:project_id> → /projects/{project_id}."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.removeprefix("/api/v1"))


def build_spec(app) -> dict:
    """The OpenAPI 3 document for every rule of the api blueprint."""
    spec = APISpec(
        title="焦作市生态环境重大工程项目调度系统 接口",
        version="1.0.0",
        openapi_version="3.0.3",
        info={
            "description": "只读 JSON 接口。请求头携带 Authorization: Bearer <令牌>；"
            "令牌由管理员用 create-token 命令创建。"
        },
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema(
        "Coded", {"type": "object", "properties": {"code": {"type": "string"}, "label": {"type": "string"}}}
    )
    spec.components.schema("Project", PROJECT)
    spec.components.schema("SummaryRow", SUMMARY_ROW)
    spec.components.schema("SourceTotal", SOURCE_TOTAL)
    spec.components.schema("Definition", DEFINITION)
    spec.components.schema(
        "ProjectDetail",
        {
            "allOf": [
                {"$ref": "#/components/schemas/Project"},
                {
                    "type": "object",
                    "properties": {
                        "funding": {"type": "object"},
                        "milestones": {"type": "array"},
                        "reports": {"type": "array"},
                    },
                },
            ]
        },
    )
    error = {
        "content": {
            "application/json": {"schema": {"type": "object", "properties": {"error": {"type": "object"}}}}
        }
    }
    for name, text in (
        ("Unauthorized", "缺少、无效、过期或已吊销的令牌"),
        ("Forbidden", "角色无权访问"),
        ("NotFound", "记录不存在或不在可见范围内"),
    ):
        spec.components.response(name, {"description": text, **error})
    retry_after = {"description": "距当前计数窗口结束的秒数", "schema": {"type": "integer", "minimum": 1}}
    spec.components.response(
        "RateLimited", {"description": "请求过于频繁", "headers": {"Retry-After": retry_after}, **error}
    )
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api.") or rule.endpoint not in OPERATIONS:
            continue
        path = openapi_path(rule.rule)
        operation = {"security": [{"bearer": []}], **OPERATIONS[rule.endpoint]}
        spec.path(path=path, operations={"get": operation})
    return spec.to_dict()
