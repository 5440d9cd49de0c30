"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from dms import __version__
from dms.classification.categories import CATEGORIES
from dms.documents.models import DIP_FORMS, STATUSES

ERROR_STATUSES = {
    "400": "Bad input",
    "401": "No or invalid bearer token",
    "403": "Not allowed for your role or organisation",
    "404": "Absent, or not visible to you",
    "409": "Invalid transition or conflict",
    "413": "File larger than DMS_MAX_UPLOAD_MB",
    "415": "File type not accepted (sniffed from the bytes)",
    "416": "Range not satisfiable",
    "422": "Validation error",
    "429": "Too many attempts from this address; wait a minute (Retry-After)",
    "503": "Search index not ready (try again later, Retry-After), or the "
    "version's stored bytes are damaged (version_damaged)",
}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again",
    "schema": {"type": "integer"},
}
DIP_PROPERTIES = {
    "dip_unit": "Unit that holds the information",
    "dip_responsible": "Person responsible for producing it",
    "dip_production_time": "Time of production",
    "dip_production_place": "Place of production",
    "dip_form": f"Forms available, comma-separated: {', '.join(DIP_FORMS)}",
    "dip_retention": "Retention period",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def error_responses(*codes: str) -> dict[str, Any]:
    return {
        code: {
            "description": ERROR_STATUSES[code],
            "content": {"application/json": {"schema": _ref("Error")}},
        }
        for code in codes
    }


def json_content(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


DOCUMENT_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}
VERSION_NUMBER = {
    "name": "n",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}


def query_parameter(
    name: str, schema: dict[str, Any], description: str
) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, "description": description}


def _download(summary: str, parameters: list) -> dict[str, Any]:
    headers = {
        name: {"schema": {"type": "string"}}
        for name in ("ETag", "Content-Disposition", "Accept-Ranges", "Content-Range")
    }
    return {
        "summary": summary,
        "description": "Streams the bytes. ETag is the quoted SHA-256; honours Range "
        "(single range, 206/416), If-None-Match (304), If-Range and HEAD.",
        "parameters": parameters
        + [{"name": "Range", "in": "header", "schema": {"type": "string"}}],
        "responses": {
            "200": {
                "description": "The bytes",
                "headers": headers,
                "content": {"application/octet-stream": {}},
            },
            "206": {"description": "The requested range", "headers": headers},
            "304": {"description": "Not modified"},
            **error_responses("404", "416", "503"),
        },
    }


def _transition(summary: str) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "parameters": [DOCUMENT_ID],
        "responses": {
            "200": json_content("The document", _ref("Document")),
            **error_responses("401", "403", "404", "409"),
        },
    }


def _schemas() -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": text, "message": text, "field": text},
                }
            },
        },
        "Version": {
            "type": "object",
            "properties": {
                "number": {"type": "integer"},
                "filename": text,
                "size": {"type": "integer"},
                "content_type": {
                    "type": "string",
                    "description": "Sniffed by libmagic",
                },
                "sha256": text,
                "created_at": {"type": "string", "format": "date-time"},
                "note": text,
                "damaged": {
                    "type": "boolean",
                    "description": "The stored bytes are missing or fail their "
                    "SHA-256: downloads answer 503 version_damaged until the same "
                    "bytes are uploaded again",
                },
                "warning": {
                    "type": "string",
                    "description": "Said to the uploader (an encrypted PDF); empty "
                    "when none",
                },
                "text": {
                    "type": "object",
                    "description": "What text extraction made of this version",
                    "properties": {
                        "status": {
                            "enum": [
                                "pending",
                                "ok",
                                "empty",
                                "extraction_failed",
                                "partial",
                            ]
                        },
                        "pages": {"type": ["integer", "null"]},
                        "pages_done": {
                            "type": ["integer", "null"],
                            "description": "Pages read so far while partial; the "
                            "worker reads on later",
                        },
                        "characters": {"type": ["integer", "null"]},
                        "extractors": {"type": "array", "items": text},
                        "seconds": {"type": ["number", "null"]},
                        "reason": text,
                    },
                },
                "download_url": text,
            },
        },
        "Document": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "title": text,
                "summary": text,
                "category": {"enum": list(CATEGORIES)},
                "org": {"type": "object", "properties": {"slug": text, "name": text}},
                "year": {"type": ["integer", "null"]},
                "info_type": text,
                "status": {"enum": list(STATUSES)},
                "dip": {
                    "type": "object",
                    "properties": {
                        k: {"type": "string", "description": v}
                        for k, v in DIP_PROPERTIES.items()
                    },
                },
                "refresh_months": {
                    "type": ["integer", "null"],
                    "description": "Berkala: months within which a new version "
                    "is due (default 6, at most 6: UU KIP Ps. 9(3))",
                },
                "refresh_due": {
                    "type": ["string", "null"],
                    "description": "Berkala: the day the published version falls "
                    "due for a new one",
                },
                "stale": {
                    "type": "boolean",
                    "description": "Berkala: past its refresh period",
                },
                "event_at": {
                    "type": ["string", "null"],
                    "description": "Serta merta: when the event happened",
                },
                "pinned": {
                    "type": "boolean",
                    "description": "Serta merta: pinned on the portal's home page",
                },
                "redacted": {
                    "type": "boolean",
                    "description": "The redacted public version of a partly "
                    "exempt document",
                },
                "redacted_from": {
                    "type": "integer",
                    "description": "The exempt original (only for those who may "
                    "see it)",
                },
                "created_at": text,
                "updated_at": text,
                "published_at": {"type": ["string", "null"]},
                "current_version": {
                    "type": "integer",
                    "description": "Newest version visible to you",
                },
                "published_version": {
                    "type": "integer",
                    "description": "Newest version approved for the public",
                },
                "url": text,
                "download_url": text,
                "versions": {"type": "array", "items": _ref("Version")},
                "indexing": {
                    "type": "object",
                    "description": "Staff only: whether the search index holds "
                    "the latest change",
                    "properties": {"status": {"enum": ["indexed", "pending"]}},
                },
                "pending_changes": {
                    "type": ["object", "null"],
                    "description": "Staff only: changes to the public text of a "
                    "published document asked by an officer who may not publish "
                    "it; they become public when the PPID Utama publishes "
                    "(POST .../publish) and are dropped by DELETE "
                    ".../pending-changes",
                    "properties": {
                        "fields": {"type": "object"},
                        "by": {"type": ["string", "null"]},
                        "at": {"type": ["string", "null"]},
                    },
                },
                "score": {
                    "type": ["number", "null"],
                    "description": "With q: relevance (null unless sorted by it)",
                },
                "highlights": {
                    "type": "object",
                    "description": "With q: HTML-escaped snippets, <mark> around "
                    "matches",
                    "properties": {"title": text, "summary": text, "body": text},
                },
            },
        },
        "DocumentList": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": _ref("Document")},
                "total": {"type": "integer"},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "facets": {
                    "type": "object",
                    "properties": {
                        k: {
                            "type": "object",
                            "additionalProperties": {"type": "integer"},
                        }
                        for k in ("category", "org", "year")
                    },
                },
                "suggestion": {
                    "type": ["string", "null"],
                    "description": "With q: a corrected query from public words",
                },
            },
        },
        "Upload": {
            "type": "object",
            "required": ["file", "title", "category"],
            "properties": {
                "file": {"type": "string", "format": "binary"},
                "title": text,
                "category": {"enum": list(CATEGORIES)},
                "org": {"type": "string", "description": "Slug; default: yours"},
                "year": {"type": "integer"},
                "summary": text,
                "info_type": text,
                "refresh_months": {"type": "integer", "minimum": 1, "maximum": 6},
                "propose_exemption": {
                    "type": "string",
                    "description": "Why the document should be exempt: it stays a "
                    "draft and a consequence test is proposed in the same step "
                    "(category dikecualikan itself is refused at upload)",
                },
                "event_at": {
                    "type": "string",
                    "format": "date-time",
                    "description": "Serta merta: when the event happened (with "
                    "its time zone)",
                },
                "publish": {
                    "type": "boolean",
                    "description": "Serta merta publishes at once by default; other "
                    "categories go to the PPID Utama unless you are one",
                },
                **{
                    k: {"type": "string", "description": v}
                    for k, v in DIP_PROPERTIES.items()
                },
            },
        },
    }


def _paths() -> dict[str, Any]:
    list_parameters = [
        query_parameter(
            "q",
            {"type": "string", "maxLength": 500},
            'Full-text query: all words required; "a phrase"; OR between words '
            'or phrases; -word or -"a phrase" to exclude; a trailing * on a word '
            "of 3+ letters (anggar*). Other punctuation ([a TO z], field:, ^, ~, "
            "?) is plain text; NOT, a dangling OR, a misplaced * and more than 30 "
            "words or 500 characters get 400",
        ),
        query_parameter("category", {"enum": list(CATEGORIES)}, "Filter by category"),
        query_parameter("org", {"type": "string"}, "Filter by organisation slug"),
        query_parameter("year", {"type": "integer"}, "Filter by year"),
        query_parameter("status", {"enum": list(STATUSES)}, "Filter by status"),
        query_parameter("page", {"type": "integer", "minimum": 1}, "1-based page"),
        query_parameter(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": 100},
            "Items per page",
        ),
        query_parameter(
            "sort",
            {"enum": ["relevance", "newest", "title"]},
            "Order (default: relevance with q, newest without)",
        ),
    ]
    return {
        "/documents": {
            "get": {
                "summary": "List the documents visible to you",
                "parameters": list_parameters,
                "responses": {
                    "200": json_content("A page", _ref("DocumentList")),
                    **error_responses("400", "422"),
                    "429": {
                        "description": "Too many searches running at once from "
                        "your address (search_concurrency_per_address); retry "
                        "after Retry-After seconds",
                        "headers": {"Retry-After": RETRY_AFTER},
                        "content": {"application/json": {"schema": _ref("Error")}},
                    },
                    "503": {
                        "description": "Search index not ready, or the search ran "
                        "past search_time_limit_seconds and was stopped (code "
                        "search_timeout); retry after Retry-After seconds",
                        "headers": {"Retry-After": RETRY_AFTER},
                        "content": {"application/json": {"schema": _ref("Error")}},
                    },
                },
            },
            "post": {
                "summary": "Upload a document with its first version",
                "security": [{"bearer": []}],
                "requestBody": {
                    "required": True,
                    "content": {"multipart/form-data": {"schema": _ref("Upload")}},
                },
                "responses": {
                    "201": json_content("Created", _ref("Document")),
                    **error_responses("400", "401", "403", "413", "415", "422"),
                },
            },
        },
        "/documents/{id}": {
            "get": {
                "summary": "A document and its versions",
                "parameters": [DOCUMENT_ID],
                "responses": {
                    "200": json_content("The document", _ref("Document")),
                    **error_responses("404"),
                },
            },
            "patch": {
                "summary": "Change metadata (not an exemption)",
                "security": [{"bearer": []}],
                "parameters": [DOCUMENT_ID],
                "requestBody": {
                    "content": {"application/json": {"schema": {"type": "object"}}}
                },
                "responses": {
                    "200": json_content("The document", _ref("Document")),
                    **error_responses("400", "401", "403", "404", "409", "422"),
                },
            },
        },
        "/documents/{id}/versions": {
            "get": {
                "summary": "The versions of a document",
                "parameters": [DOCUMENT_ID],
                "responses": {
                    "200": json_content(
                        "Versions",
                        {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": _ref("Version")}
                            },
                        },
                    ),
                    **error_responses("404"),
                },
            },
            "post": {
                "summary": "Add a version",
                "security": [{"bearer": []}],
                "parameters": [DOCUMENT_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "note": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": json_content("The version", _ref("Version")),
                    **error_responses("400", "401", "403", "404", "413", "415"),
                },
            },
        },
        "/documents/{id}/download": {
            "get": _download("The current version's bytes", [DOCUMENT_ID])
        },
        "/documents/{id}/versions/{n}/download": {
            "get": _download("Version n's bytes", [DOCUMENT_ID, VERSION_NUMBER])
        },
        "/documents/{id}/submit": {"post": _transition("Send a draft for approval")},
        "/documents/{id}/publish": {
            "post": {
                **_transition(
                    "Publish the newest version (or approve a newer one and "
                    "the text changes waiting)"
                ),
                "description": 'Optional JSON {"version": n}: the version the approver '
                "reviewed; 409 when a newer one has arrived since.",
            }
        },
        "/documents/{id}/return": {
            "post": _transition("Send a pending document back to draft")
        },
        "/documents/{id}/withdraw": {"post": _transition("Withdraw from public view")},
        "/documents/{id}/pending-changes": {
            "delete": _transition(
                "Drop the changes to a published document's text that wait for approval"
            )
        },
        "/auth/token": {
            "post": {
                "summary": "Exchange a username and password for a bearer token",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["username", "password"],
                                "properties": {
                                    "username": {"type": "string"},
                                    "password": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "description": "Ten attempts a minute per address, shared with the "
                "login form; five wrong passwords in a row lock the account for "
                "15 minutes (401 account_locked). The token works for "
                "DMS_TOKEN_DAYS days (default 90).",
                "responses": {
                    "201": json_content(
                        "The token (shown once)",
                        {
                            "type": "object",
                            "properties": {
                                "token": {"type": "string"},
                                "username": {"type": "string"},
                                "role": {"type": "string"},
                                "expires_at": _TIME,
                            },
                        },
                    ),
                    **error_responses("400", "401", "429"),
                },
            },
            "delete": {
                "summary": "Revoke the bearer token of this request (log out of "
                "the API); other tokens of the user keep working",
                "security": [{"bearer": []}],
                "responses": {
                    "204": {"description": "Revoked"},
                    **error_responses("401"),
                },
            },
        },
        "/auth/tokens": {
            "get": {
                "summary": "The caller's own API tokens, newest first (never the "
                "token values); 401 token_expired for an expired token",
                "security": [{"bearer": []}],
                "responses": {
                    "200": json_content(
                        "{tokens: [...]}",
                        {
                            "type": "object",
                            "properties": {
                                "tokens": {"type": "array", "items": _TOKEN_SCHEMA}
                            },
                        },
                    ),
                    **error_responses("401"),
                },
            },
        },
    }


_TIME = {"type": "string", "format": "date-time"}
_TOKEN_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "label": {"type": "string"},
        "state": {"enum": ["active", "expired", "revoked"]},
        "current": {"type": "boolean", "description": "The token of this request"},
        "created_at": _TIME,
        "expires_at": _TIME,
        "last_used_at": {"type": ["string", "null"], "format": "date-time"},
        "revoked_at": {"type": ["string", "null"], "format": "date-time"},
    },
}


TEST_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _test_action(summary: str, body: dict[str, Any] | None, *codes: str):
    operation: dict[str, Any] = {
        "summary": summary,
        "security": [{"bearer": []}],
        "parameters": [TEST_ID],
        "responses": {
            "200": json_content("The test", _ref("ConsequenceTest")),
            **error_responses("401", "403", "404", "409", *codes),
        },
    }
    if body is not None:
        operation["requestBody"] = {
            "content": {"application/json": {"schema": body}},
        }
    return {"post": operation}


def _test_schemas() -> dict[str, Any]:
    text = {"type": "string"}
    period = {
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {"enum": ["date", "duration", "event", "indefinite"]},
            "value": {
                "type": "string",
                "description": "date: YYYY-MM-DD; duration: ISO 8601 such as P5Y "
                "or P18M (from the approval); event: the event that ends it; "
                "indefinite: nothing (grounds g-j only)",
            },
        },
    }
    record = {
        "type": "object",
        "required": [
            "test_date",
            "place",
            "specific_information",
            "source_documents",
            "consequence_if_opened",
            "consequence_if_closed",
            "decision",
            "participants",
        ],
        "properties": {
            "test_date": {"type": "string", "format": "date"},
            "place": text,
            "specific_information": text,
            "source_documents": text,
            "ground_letter": {
                "enum": list("abcdefghij"),
                "description": "UU 14/2008 Ps. 17; required unless not_exempt",
            },
            "ground_subitem": {"type": "string", "description": "Required for a, h"},
            "other_statute": {"type": "string", "description": "Required for j"},
            "consequence_if_opened": text,
            "consequence_if_closed": {
                "type": "string",
                "description": "Consequence if closed / public interest weighed",
            },
            "decision": {"enum": ["exempt_whole", "exempt_part", "not_exempt"]},
            "period": period,
            "participants": {"type": "array", "items": text, "minItems": 1},
        },
    }
    test = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": ["string", "null"], "description": "UK-YYYY-NNNN"},
            "state": {
                "enum": ["proposed", "recorded", "approved", "rejected", "cancelled"]
            },
            "document": {"type": "object"},
            "proposal": {"type": "object"},
            "record": {"oneOf": [record, {"type": "null"}]},
            "redacted_document": {"type": ["integer", "null"]},
            "decision": {"type": "object"},
            "exemption": {
                "type": ["object", "null"],
                "properties": {
                    "status": {"enum": ["active", "expired", "opened", "superseded"]},
                    "expires_on": {"type": ["string", "null"]},
                    "warned_at": {"type": ["string", "null"]},
                    "end_reference": {"type": ["string", "null"]},
                },
            },
            "supersedes": {"type": ["integer", "null"]},
            "penetapan_url": text,
        },
    }
    return {"ConsequenceTestRecord": record, "ConsequenceTest": test}


def exemption_paths() -> dict[str, Any]:
    """Consequence tests (dms.web.exemptions_api)."""
    note = {"type": "object", "properties": {"note": {"type": "string"}}}
    return {
        "/documents/{id}/consequence-tests": {
            "post": {
                "summary": "Propose an exemption (Pelaksana of the document's "
                "organisation, or PPID Utama)",
                "security": [{"bearer": []}],
                "parameters": [DOCUMENT_ID],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["reason"],
                                "properties": {
                                    "reason": {"type": "string"},
                                    "ground_letter": {"enum": list("abcdefghij")},
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "201": json_content("The proposed test", _ref("ConsequenceTest")),
                    **error_responses("401", "403", "404", "409", "422"),
                },
            }
        },
        "/consequence-tests": {
            "get": {
                "summary": "Tests you may see (their documents' closed content)",
                "parameters": [
                    query_parameter("state", {"type": "string"}, "Filter by state"),
                    query_parameter("org", {"type": "string"}, "Organisation slug"),
                    query_parameter("document", {"type": "integer"}, "Document id"),
                ],
                "responses": {
                    "200": {"description": "items and total"},
                    **error_responses("422"),
                },
            }
        },
        "/consequence-tests/{id}": {
            "get": {
                "summary": "One test",
                "parameters": [TEST_ID],
                "responses": {
                    "200": json_content("The test", _ref("ConsequenceTest")),
                    **error_responses("404"),
                },
            }
        },
        "/consequence-tests/{id}/record": {
            "put": {
                **_test_action(
                    "PPID Utama records the test (until it is decided); the "
                    "number is issued on the first record",
                    _ref("ConsequenceTestRecord"),
                    "422",
                )["post"],
            }
        },
        "/consequence-tests/{id}/redacted-version": {
            "post": {
                "summary": "PPID Utama uploads the redacted public version "
                "(exempt_part only); a second upload is its next version",
                "security": [{"bearer": []}],
                "parameters": [TEST_ID],
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "title": {"type": "string"},
                                    "summary": {"type": "string"},
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "201": json_content("The redacted document", _ref("Document")),
                    **error_responses("401", "403", "404", "409", "413", "415"),
                },
            }
        },
        "/consequence-tests/{id}/approve": _test_action(
            "Atasan PPID approves; the decision takes effect", note
        ),
        "/consequence-tests/{id}/reject": _test_action(
            "Atasan PPID rejects (note required)", note, "422"
        ),
        "/consequence-tests/{id}/cancel": _test_action(
            "Withdraw a proposal not yet decided", None
        ),
        "/consequence-tests/{id}/open": _test_action(
            "Open an exempt document by a Komisi Informasi or court decision "
            "or the ending event (PPID Utama, atasan PPID)",
            {
                "type": "object",
                "required": ["authority", "reference", "decided_on"],
                "properties": {
                    "authority": {"enum": ["komisi_informasi", "court", "event"]},
                    "reference": {"type": "string"},
                    "decided_on": {"type": "string", "format": "date"},
                    "note": {"type": "string"},
                },
            },
            "422",
        ),
        "/consequence-tests/{id}/penetapan.pdf": {
            "get": {
                "summary": "The penetapan of an approved test (PDF)",
                "parameters": [TEST_ID],
                "responses": {
                    "200": {
                        "description": "PDF",
                        "content": {"application/pdf": {}},
                    },
                    **error_responses("404", "409"),
                },
            }
        },
    }


def _all_paths() -> dict[str, Any]:
    from dms.web.api import AREAS
    from dms.web.public import feeds

    paths = _paths()
    for module in (*AREAS, feeds):
        paths.update(module.openapi_paths())
    return paths


HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head")
# Operations limited per client address (Flask-Limiter; tests compare this set
# with the views the limiter marks, so a new limit cannot go undocumented).
RATE_LIMITED = {
    ("post", "/auth/token"),
    ("post", "/requests"),
    ("get", "/requests/{number}"),
    ("get", "/requests/{number}/notice.pdf"),
    ("get", "/requests/{number}/attachments/{attachment}"),
    ("post", "/objections"),
    ("get", "/objections/{number}"),
    ("get", "/objections/{number}/response.pdf"),
}


def _completed(paths: dict[str, Any]) -> dict[str, Any]:
    """Add the statuses any operation of its shape can answer: 401 for a bearer
    token that is invalid, expired or revoked (anonymous callers send none), 404
    with a path parameter (absent, hidden, or not a valid id or year), 400 with a
    body or a query (malformed JSON, NUL bytes, lone surrogates, bad values), 429
    where the address is rate-limited."""
    for path, item in paths.items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
            codes = [] if path == "/openapi.json" else ["401"]
            if "{" in path:
                codes.append("404")
            if "requestBody" in operation or any(
                p.get("in") == "query" for p in parameters
            ):
                codes.append("400")
            if (method, path) in RATE_LIMITED:
                codes.append("429")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, error_responses(code)[code])
    return paths


def openapi_document() -> dict[str, Any]:
    """The whole description, built fresh (it is small)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "dms — arsip informasi publik",
            "version": __version__,
            "description": "Documents and versions of a PPID archive (UU 14/2008). "
            "No Authorization header means an anonymous citizen.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": _completed(_all_paths()),
        "components": {
            "schemas": {**_schemas(), **_test_schemas()},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
