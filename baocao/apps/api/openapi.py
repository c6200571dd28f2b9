"""The API's OpenAPI 3.1 description, written by hand next to the views it describes
(`views.py`) and served at /api/openapi.json. The test suite fuzzes the running API against it
(schemathesis): a view that answers differently from this document fails the suite.

The examples are the demo's (`baocao demo`): campaign nq20-kon-tum-2017, unit KT-DH.
"""

from __future__ import annotations

from typing import Any

from baocao.apps.campaigns.models import CampaignStatus, ReportStatus
from baocao.apps.orgs.models import UnitKind

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


UNAUTHENTICATED = {
    **_error("Thiếu hoặc sai khóa API."),
    "headers": {
        "WWW-Authenticate": {
            "description": 'Luôn là `Token realm="baocao"`.',
            "schema": {"type": "string"},
        }
    },
}


def _responses(ok: dict[str, Any], *extra: str) -> dict[str, Any]:
    responses = {"200": ok, "401": UNAUTHENTICATED}
    extra = ("400", *extra)  # a query parameter the operation does not take is refused
    described = {
        "400": "Tham số hoặc nội dung không hợp lệ; `message` nói vì sao.",
        "403": "Người dùng của khóa không được làm việc này.",
        "404": "Không có, hoặc nằm ngoài phạm vi người dùng được xem.",
        "405": "Phương thức không dùng được ở địa chỉ này (tiêu đề Allow liệt kê các phương thức).",
        "415": "Nội dung gửi lên không phải application/json.",
    }
    for status in extra:
        responses[status] = _error(described[status])
    return responses


def _path_parameter(name: str, description: str, schema: dict[str, Any], example: Any):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
        "example": example,
    }


SLUG = _path_parameter(
    "slug",
    "Mã đợt báo cáo.",
    {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 100},
    "nq20-kon-tum-2017",
)
UNIT_CODE = _path_parameter(
    "unit_code",
    "Mã đơn vị.",
    {"type": "string", "pattern": CODE_PATTERN, "maxLength": 50},
    "KT-DH",
)
PAGING = [
    {
        "name": "limit",
        "in": "query",
        "description": "Số mục mỗi trang (mặc định 100).",
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
    },
    {
        "name": "offset",
        "in": "query",
        "description": "Bỏ qua bấy nhiêu mục đầu.",
        "schema": {"type": "integer", "minimum": 0, "maximum": 1_000_000_000},
    },
]


def _page_of(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["count", "limit", "offset", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "results": {"type": "array", "items": _ref(name)},
        },
    }


NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
NUMBER_OR_NULL = {"type": ["number", "null"]}
VALUE_INPUT = {
    "description": (
        'Số liệu: một số JSON (12.5), một chuỗi gõ như trên trang báo cáo ("1.234", '
        '"12,5") hoặc null / "" để xóa.'
    ),
    "type": ["number", "string", "null"],
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {
                        "type": "string",
                        "description": "Lời nhắn cho người đọc: tiếng Việt, hoặc tiếng Anh khi "
                        "yêu cầu có `Accept-Language: en`.",
                    },
                    "items": {
                        "type": "array",
                        "description": "Từng số liệu bị từ chối (khi gửi nhiều số liệu).",
                        "items": {
                            "type": "object",
                            "required": ["index", "message"],
                            "properties": {
                                "index": {"type": "integer"},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
            }
        },
    },
    "Unit": {
        "type": "object",
        "required": ["code", "name", "kind", "kind_label", "parent_code", "depth", "email"],
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": list(UnitKind.values)},
            "kind_label": {"type": "string"},
            "parent_code": {"type": ["string", "null"]},
            "depth": {"type": "integer", "minimum": 0},
            "email": {"type": "string"},
        },
    },
    "Campaign": {
        "type": "object",
        "required": [
            "slug",
            "name",
            "status",
            "outline",
            "root_unit",
            "reporting_kinds",
            "baseline_year",
            "current_year",
            "deadline",
        ],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "status": {"type": "string", "enum": list(CampaignStatus.values)},
            "outline": {"type": "string"},
            "root_unit": {"type": "string"},
            "reporting_kinds": {
                "type": "array",
                "items": {"type": "string", "enum": list(UnitKind.values)},
            },
            "baseline_year": {"type": "integer"},
            "current_year": {"type": "integer"},
            "deadline": {"type": "string", "format": "date"},
        },
    },
    "CampaignDetail": {
        "allOf": [
            _ref("Campaign"),
            {
                "type": "object",
                "required": ["indicators"],
                "properties": {
                    "indicators": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["code", "name", "unit", "type", "derived"],
                            "properties": {
                                "code": {"type": "string"},
                                "name": {"type": "string"},
                                "unit": {"type": "string"},
                                "type": {
                                    "type": "string",
                                    "enum": ["count", "money", "percent", "text"],
                                },
                                "derived": {
                                    "type": "boolean",
                                    "description": "Tính từ chỉ tiêu khác; không ghi được.",
                                },
                            },
                        },
                    }
                },
            },
        ]
    },
    "Report": {
        "type": "object",
        "required": [
            "campaign",
            "unit_code",
            "unit_name",
            "status",
            "status_label",
            "version",
            "submitted_at",
            "accepted_at",
            "editable",
        ],
        "properties": {
            "campaign": {"type": "string"},
            "unit_code": {"type": "string"},
            "unit_name": {"type": "string"},
            "status": {"type": "string", "enum": list(ReportStatus.values)},
            "status_label": {"type": "string"},
            "version": {"type": "integer"},
            "submitted_at": NULLABLE_TIME,
            "accepted_at": NULLABLE_TIME,
            "editable": {
                "type": "boolean",
                "description": "Người dùng của khóa ghi được số liệu vào báo cáo này lúc này.",
            },
        },
    },
    "IndicatorValue": {
        "type": "object",
        "required": ["code", "year", "value", "raw", "updated_at"],
        "properties": {
            "code": {"type": "string"},
            "year": {"type": "integer"},
            "value": NUMBER_OR_NULL,
            "raw": {"type": "string", "description": "Như đã gõ hoặc đã gửi."},
            "updated_at": NULLABLE_TIME,
        },
    },
    "IndicatorValues": {
        "type": "object",
        "required": ["campaign", "unit_code", "values"],
        "properties": {
            "campaign": {"type": "string"},
            "unit_code": {"type": "string"},
            "values": {"type": "array", "items": _ref("IndicatorValue")},
        },
    },
    "SavedValue": {
        "type": "object",
        "required": ["code", "year", "value", "raw", "note"],
        "properties": {
            "code": {"type": "string"},
            "year": {"type": "integer"},
            "value": NUMBER_OR_NULL,
            "raw": {"type": "string"},
            "note": {
                "type": "string",
                "description": 'Khi số có thể hiểu hai cách ("1,234"): đã hiểu thế nào.',
            },
        },
    },
    "ValueInput": {
        "type": "object",
        "required": ["value"],
        "properties": {"value": VALUE_INPUT},
    },
    "ValuesInput": {
        "type": "object",
        "required": ["values"],
        "properties": {
            "values": {
                "type": "array",
                "minItems": 1,
                "maxItems": 500,
                "items": {
                    "type": "object",
                    "required": ["code", "year", "value"],
                    "properties": {
                        "code": {"type": "string"},
                        "year": {"type": "integer"},
                        "value": VALUE_INPUT,
                    },
                },
            }
        },
    },
}


def document() -> dict[str, Any]:
    """The OpenAPI document (a fresh dict each time: callers may change it)."""
    report_parameters = [SLUG, UNIT_CODE]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "baocao API",
            "version": "1",
            "description": (
                "Đơn vị, đợt báo cáo, trạng thái báo cáo và số liệu chỉ tiêu, cho phần mềm "
                "khác (ví dụ phần mềm quản lý đoàn viên gửi số đoàn viên). Mỗi yêu cầu gửi kèm "
                "`Authorization: Token <khóa>`; khóa do quản trị cấp (trang quản trị hoặc "
                "`baocao manage apitoken TÊN`) và có đúng quyền của người dùng đó: chỉ thấy "
                "các đơn vị trong phạm vi của mình, chỉ ghi số liệu vào báo cáo mình được viết, "
                "với cùng quy tắc kiểm tra như trên trang báo cáo. Lỗi trả về JSON "
                '`{"error": {"code", "message"}}`: `code` cho phần mềm đọc, `message` cho '
                "người đọc, bằng tiếng Việt, hoặc tiếng Anh khi yêu cầu có tiêu đề "
                "`Accept-Language: en` (một số lời nhắn của quy tắc kiểm tra chỉ có tiếng Việt)."
            ),
        },
        "servers": [{"url": "/api"}],
        "security": [{"token": []}],
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "`Token <khóa>`, ví dụ `Token bc_3kQ...`.",
                }
            },
            "schemas": SCHEMAS,
        },
        "paths": {
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "Tài liệu này (không cần khóa).",
                    "security": [],
                    "responses": {
                        "200": _json({"type": "object"}, "Tài liệu OpenAPI."),
                        "400": _error("Tham số không dùng được ở đây."),
                    },
                }
            },
            "/units/": {
                "get": {
                    "operationId": "listUnits",
                    "summary": "Các đơn vị người dùng được xem (đơn vị của mình và cấp dưới).",
                    "parameters": [
                        *PAGING,
                        {
                            "name": "under",
                            "in": "query",
                            "description": "Chỉ đơn vị này và các đơn vị dưới nó (mã đơn vị).",
                            "schema": {"type": "string", "maxLength": 50},
                        },
                        {
                            "name": "kind",
                            "in": "query",
                            "description": "Chỉ đơn vị loại này.",
                            "schema": {"type": "string", "enum": list(UnitKind.values)},
                        },
                    ],
                    "responses": _responses(
                        _json(_page_of("Unit"), "Một trang đơn vị, theo cây."), "400", "404"
                    ),
                }
            },
            "/units/{code}/": {
                "get": {
                    "operationId": "getUnit",
                    "summary": "Một đơn vị.",
                    "parameters": [
                        _path_parameter(
                            "code",
                            "Mã đơn vị.",
                            {"type": "string", "pattern": CODE_PATTERN, "maxLength": 50},
                            "KT-DH",
                        )
                    ],
                    "responses": _responses(_json(_ref("Unit"), "Đơn vị."), "404"),
                }
            },
            "/campaigns/": {
                "get": {
                    "operationId": "listCampaigns",
                    "summary": "Các đợt báo cáo người dùng tham gia hoặc theo dõi.",
                    "parameters": PAGING,
                    "responses": _responses(
                        _json(_page_of("Campaign"), "Một trang đợt báo cáo."), "400"
                    ),
                }
            },
            "/campaigns/{slug}/": {
                "get": {
                    "operationId": "getCampaign",
                    "summary": "Một đợt báo cáo, với danh mục chỉ tiêu của nó.",
                    "parameters": [SLUG],
                    "responses": _responses(_json(_ref("CampaignDetail"), "Đợt báo cáo."), "404"),
                }
            },
            "/campaigns/{slug}/reports/": {
                "get": {
                    "operationId": "listReports",
                    "summary": "Trạng thái các báo cáo người dùng được xem trong đợt.",
                    "parameters": [
                        SLUG,
                        *PAGING,
                        {
                            "name": "status",
                            "in": "query",
                            "description": "Chỉ báo cáo ở trạng thái này.",
                            "schema": {"type": "string", "enum": list(ReportStatus.values)},
                        },
                    ],
                    "responses": _responses(
                        _json(_page_of("Report"), "Một trang báo cáo."), "400", "404"
                    ),
                }
            },
            "/campaigns/{slug}/reports/{unit_code}/": {
                "get": {
                    "operationId": "getReport",
                    "summary": "Trạng thái báo cáo của một đơn vị.",
                    "parameters": report_parameters,
                    "responses": _responses(_json(_ref("Report"), "Báo cáo."), "404"),
                }
            },
            "/campaigns/{slug}/reports/{unit_code}/indicators/": {
                "get": {
                    "operationId": "listIndicatorValues",
                    "summary": "Các số liệu đã có của báo cáo.",
                    "parameters": report_parameters,
                    "responses": _responses(_json(_ref("IndicatorValues"), "Số liệu."), "404"),
                },
                "post": {
                    "operationId": "saveIndicatorValues",
                    "summary": "Ghi nhiều số liệu cùng lúc: hoặc lưu hết, hoặc không lưu gì.",
                    "parameters": report_parameters,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("ValuesInput")}},
                    },
                    "responses": _responses(
                        _json(
                            {
                                "type": "object",
                                "required": ["saved"],
                                "properties": {
                                    "saved": {"type": "array", "items": _ref("SavedValue")}
                                },
                            },
                            "Đã lưu tất cả.",
                        ),
                        "400",
                        "403",
                        "404",
                        "415",
                    ),
                },
            },
            "/campaigns/{slug}/reports/{unit_code}/indicators/{code}/{year}/": {
                "parameters": [
                    SLUG,
                    UNIT_CODE,
                    _path_parameter(
                        "code",
                        "Mã chỉ tiêu.",
                        {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$", "maxLength": 100},
                        "members",
                    ),
                    _path_parameter(
                        "year",
                        "Năm gốc hoặc năm hiện tại của đợt.",
                        {"type": "integer", "minimum": 1900, "maximum": 2200},
                        2017,
                    ),
                ],
                "get": {
                    "operationId": "getIndicatorValue",
                    "summary": "Một số liệu (value null khi chưa có).",
                    "responses": _responses(_json(_ref("IndicatorValue"), "Số liệu."), "404"),
                },
                "put": {
                    "operationId": "saveIndicatorValue",
                    "summary": "Ghi một số liệu, như gõ vào ô trên trang báo cáo.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("ValueInput")}},
                    },
                    "responses": _responses(
                        _json(_ref("SavedValue"), "Đã lưu."), "400", "403", "404", "415"
                    ),
                },
            },
        },
    }
