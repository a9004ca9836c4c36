"""The last postprocessing hook of the OpenAPI schema: what every operation shares, said once.

drf-spectacular describes each view from its serializers and `@extend_schema`; the rules below hold for
every operation whatever its view says, so they are applied here rather than repeated on each view:

- every error response carries the one error shape (component `Error`);
- an operation that needs credentials documents 401, and one that reads query parameters documents 400;
- an operation that takes a `userId` (a service token acting for a user) documents its 403
  (`user_mismatch`: a user token naming someone else; juggy.accounts.authentication.acting_user);
- "this format or blank" is `anyOf` (drf-spectacular writes `oneOf`, which '' can match twice);
- a `default` that its own schema rejects (an empty string under `format: email` or `minLength: 1`,
  which the serializers use to mean "omitted") is dropped: the document stays valid OpenAPI 3.0.

Enabled by SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] (after the VAPI paths are added).
"""

from __future__ import annotations

import re
from typing import Any

from sessions_app.vapi.schema import ERROR

ERROR_REF = {"$ref": "#/components/schemas/Error"}
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
UNAUTHENTICATED = (
    "Missing, invalid or revoked credentials (`not_authenticated`, `authentication_failed`); "
    "the response carries `WWW-Authenticate: Bearer`."
)
_BLANK = {"type": "string", "maxLength": 0}
INVALID_QUERY = "A query parameter is not valid (`invalid`); `details` names it."
USER_MISMATCH = "`userId` names another user and the caller is not a service token (`user_mismatch`)."


def complete_responses(result: dict, generator, request, public) -> dict:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = dict(ERROR)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in _METHODS:
                _complete(operation, global_security=result.get("security"), schemas=result["components"]["schemas"])
    _drop_invalid_defaults(result)
    return result


def _needs_credentials(operation: dict, global_security: list | None) -> bool:
    security = operation.get("security", global_security)
    # `{}` in the list means "or no credentials at all".
    return bool(security) and {} not in security


def _takes_user_id(operation: dict, schemas: dict) -> bool:
    if any(p.get("name") == "userId" for p in operation.get("parameters", [])):
        return True
    for content in operation.get("requestBody", {}).get("content", {}).values():
        schema = content.get("schema", {})
        if "$ref" in schema:
            schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
        if "userId" in schema.get("properties", {}):
            return True
    return False


def _complete(operation: dict, *, global_security: list | None, schemas: dict) -> None:
    responses = operation.setdefault("responses", {})
    if _needs_credentials(operation, global_security):
        responses.setdefault("401", {"description": UNAUTHENTICATED})
    if any(p.get("in") == "query" for p in operation.get("parameters", [])):
        responses.setdefault("400", {"description": INVALID_QUERY})
    if _takes_user_id(operation, schemas):
        responses.setdefault("403", {"description": USER_MISMATCH})
    for code, response in responses.items():
        if str(code)[0] in "45" and "$ref" not in response and not response.get("content"):
            response["content"] = {"application/json": {"schema": dict(ERROR_REF)}}


def _drop_invalid_defaults(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _drop_invalid_defaults(item)
        return
    if not isinstance(node, dict):
        return
    if "default" in node and not _default_fits(node):
        del node["default"]
    if any(branch == _BLANK for branch in node.get("oneOf", [])):
        # "a URL (or email...) or blank": validators that skip a format find '' valid under both
        # branches, which oneOf forbids; anyOf says the same thing without that trap.
        node["anyOf"] = node.pop("oneOf")
    for value in node.values():
        _drop_invalid_defaults(value)


def _default_fits(schema: dict) -> bool:
    """The string constraints OpenAPI validators check against a default; other defaults are kept."""
    value = schema["default"]
    if not isinstance(value, str):
        return True
    if value == "" and schema.get("format"):
        return False  # no format (email, uri, uuid, date-time...) admits an empty string
    if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
        return False
    if "pattern" in schema and not re.search(schema["pattern"], value):
        return False
    return "enum" not in schema or value in schema["enum"]
