"""JSON from clients, parsed with a bound on nesting.

json.loads recurses once per level, and so do the camelCase conversion, serializers and the renderer: a
body nested a few hundred levels deep raised RecursionError (a 500) on every JSON endpoint and closed
WebSockets with 1011. Every JSON input (the DRF parser below, the VAPI views, the interview WebSocket)
goes through `loads`, which refuses more than MAX_DEPTH levels as a 400 `malformed_json`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from djangorestframework_camel_case.parser import CamelCaseJSONParser
from djangorestframework_camel_case.settings import api_settings
from djangorestframework_camel_case.util import underscoreize
from rest_framework.exceptions import ParseError

from juggy.errors import BadRequest

MAX_DEPTH = 64  # far beyond any document of ours; far below the interpreter's recursion limit


class JsonTooDeep(BadRequest):
    default_code = "malformed_json"
    default_message = f"The JSON is nested more than {MAX_DEPTH} levels deep."


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def loads(text: str | bytes) -> Any:
    """json.loads, refusing nesting deeper than MAX_DEPTH (JsonTooDeep); other bad JSON, including a
    lone surrogate escape (not Unicode: no database, file or response can encode it), raises ValueError."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise JsonTooDeep(details={"maxDepth": MAX_DEPTH}) from exc
    if _deeper_than(value, MAX_DEPTH):
        raise JsonTooDeep(details={"maxDepth": MAX_DEPTH})
    if _SURROGATE_ESCAPE.search(text):
        try:  # escaped pairs make real characters; a lone half does not survive encoding
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("a \\u escape is a lone UTF-16 surrogate, not a character") from exc
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONParser(CamelCaseJSONParser):
    """The API's JSON parser: camelCase keys to snake_case, nesting bounded by `loads`."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            value = loads(stream.read().decode(encoding))
        except ValueError as exc:  # includes UnicodeDecodeError
            raise ParseError(f"JSON parse error - {exc}") from exc
        return underscoreize(value, **api_settings.JSON_UNDERSCOREIZE)
