"""Bot API request parameters as Telegram takes them: query, form, multipart or JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import orjson
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_request import FileField

N = TypeVar("N", int, float)


class ApiError(Exception):
    """A Bot API error answer: HTTP status, Telegram's description, optional parameters."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(problem: str) -> ApiError:
    """A 400 answer worded like Telegram's."""
    return ApiError(400, f"Bad Request: {problem}")


def not_utf8() -> ApiError:
    """Telegram's answer to bytes that are not UTF-8, or a lone surrogate."""
    return bad_request("strings must be encoded in UTF-8")


def is_utf8_error(error: orjson.JSONDecodeError) -> bool:
    """Whether orjson refused a document for bad UTF-8 or a lone surrogate."""
    message = str(error)
    return "surrogate" in message or "UTF-8" in message


class Params:
    """Typed access to one call's parameters; objects may arrive JSON-encoded as strings."""

    def __init__(self, values: dict[str, Any], files: dict[str, FileField]) -> None:
        self.values = values
        self.files = files

    def has(self, name: str) -> bool:
        """Whether the parameter was given (an upload counts)."""
        return self.values.get(name) not in (None, "") or name in self.files

    def text(self, name: str) -> str | None:
        """A string parameter, or None when absent."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool | int | float):
            return json.dumps(value)
        raise bad_request(f"{name} must be a string")

    def integer(self, name: str) -> int | None:
        """An integer parameter, or None when absent."""
        return self._numeric(name, int, "an integer")

    def number(self, name: str) -> float | None:
        """A numeric parameter, or None when absent."""
        return self._numeric(name, float, "a number")

    def _numeric(self, name: str, kind: type[N], what: str) -> N | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            if kind is float or isinstance(value, int):
                return kind(value)
        elif isinstance(value, str):
            try:
                return kind(value.strip())
            except ValueError:
                pass
        raise bad_request(f"{name} must be {what}")

    def flag(self, name: str) -> bool:
        """A Boolean parameter; absent means False."""
        value = self.values.get(name)
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "1", "false", "0"):
            return value.strip().lower() in ("true", "1")
        if isinstance(value, int):
            return value != 0
        raise bad_request(f"{name} must be a Boolean (true or false)")

    def structured(self, name: str) -> Any:
        """An object or array parameter, decoding a JSON string; None when absent."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                # orjson, not json: it refuses lone surrogates and nesting past 1024 levels.
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value


async def read_params(request: web.Request) -> Params:
    """Collect the query string and the body (form, multipart or JSON) into one Params."""
    query = request.raw_path.partition("?")[2]
    values: dict[str, Any] = _form_values(query.encode(errors="surrogateescape"))
    files: dict[str, FileField] = {}
    if request.method == "POST" and request.body_exists:
        content_type = request.content_type
        if content_type == "application/json":
            values.update(_json_body(await request.read()))
        elif content_type == "application/x-www-form-urlencoded":
            values.update(_form_values(await request.read()))
        elif content_type == "multipart/form-data":
            form = await _multipart(request)
            for key, value in form.items():
                if isinstance(value, FileField):
                    files[key] = value
                else:
                    values[key] = value
    for value in values.values():
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode()
            except UnicodeEncodeError:
                raise not_utf8() from None
    return Params(values, files)


def _json_body(raw: bytes) -> dict[str, Any]:
    try:
        body = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError as error:
        if is_utf8_error(error):
            raise not_utf8() from None
        raise bad_request("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("the JSON request body must be an object")
    return body


def _form_values(raw: bytes) -> dict[str, str]:
    """URL-encoded pairs, decoded strictly: bad UTF-8 is refused, not replaced."""
    try:
        pairs = parse_qsl(raw.decode(), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise not_utf8() from None
    return dict(pairs)


async def _multipart(request: web.Request) -> Mapping[str, object]:
    try:
        form = await request.post()
    except web.HTTPException:
        raise
    except UnicodeDecodeError:
        raise not_utf8() from None
    except (ValueError, AssertionError, RuntimeError, HttpProcessingError):
        raise bad_request("can't parse the multipart/form-data body") from None
    return form
