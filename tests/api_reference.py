"""Telegram's machine-readable Bot API reference, and a checker of JSON values against it."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

# The repo carries its own copy (a clone has nothing beside it); see its README for the source.
API_JSON = Path(__file__).resolve().parent / "reference" / "telegram-bot-api" / "api.json"

_STRING_CONSTANT = re.compile(r'\balways "([^"]+)"')
_INTEGER_CONSTANT = re.compile(r"^Always (-?\d+)\.")
_ARRAY_PREFIX = "Array of "
_SCALARS = frozenset({"Integer", "Float", "Boolean", "True", "String"})


@dataclass(frozen=True)
class Field:
    """One declared field of an object type or parameter of a method."""

    name: str
    types: tuple[str, ...]
    required: bool
    constant: str | int | None = None


@dataclass(frozen=True)
class ObjectType:
    """An object type: its fields, or for an abstract type the subtypes it stands for."""

    name: str
    fields: dict[str, Field] = field(default_factory=dict)
    subtypes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Method:
    """A Bot API method: its parameters and the types its result may have."""

    name: str
    params: dict[str, Field]
    returns: tuple[str, ...]

    @property
    def required_params(self) -> list[Field]:
        """The parameters a call must carry."""
        return [param for param in self.params.values() if param.required]


def _constant_of(description: str) -> str | int | None:
    if match := _STRING_CONSTANT.search(description):
        return match.group(1)
    if match := _INTEGER_CONSTANT.match(description):
        return int(match.group(1))
    return None


def _field(raw: dict[str, Any]) -> Field:
    return Field(
        name=raw["name"],
        types=tuple(raw["types"]),
        required=bool(raw["required"]),
        constant=_constant_of(raw.get("description", "")),
    )


def _type_alternatives(type_name: str | Sequence[str]) -> tuple[str, ...]:
    names = [type_name] if isinstance(type_name, str) else list(type_name)
    return tuple(part.strip() for name in names for part in name.split(" or "))


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


class ApiReference:
    """The Bot API reference loaded from api.json."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.version: str = raw.get("version", "?")
        self.types: dict[str, ObjectType] = {
            name: ObjectType(
                name=name,
                fields={f["name"]: _field(f) for f in spec.get("fields", [])},
                subtypes=tuple(spec.get("subtypes", [])),
            )
            for name, spec in raw["types"].items()
        }
        self.methods: dict[str, Method] = {
            name: Method(
                name=name,
                params={f["name"]: _field(f) for f in spec.get("fields", [])},
                returns=tuple(spec["returns"]),
            )
            for name, spec in raw["methods"].items()
        }
        self._methods_by_lower_name = {name.lower(): m for name, m in self.methods.items()}

    def method(self, name: str) -> Method | None:
        """The method of that name (case-insensitive, as Telegram matches them), if any."""
        return self._methods_by_lower_name.get(name.lower())

    def problems_with(
        self, value: Any, type_name: str | Sequence[str], path: str = "$"
    ) -> list[str]:
        """Every way value departs from the declared type; empty when it conforms."""
        alternatives = _type_alternatives(type_name)
        attempts = [self._problems_with_one(value, name, path) for name in alternatives]
        if any(not problems for problems in attempts):
            return []
        if len(attempts) == 1:
            return attempts[0]
        fewest = min(attempts, key=len)
        return [f"{path}: matches none of {' or '.join(alternatives)}", *fewest]

    def _problems_with_one(self, value: Any, type_name: str, path: str) -> list[str]:
        if type_name.startswith(_ARRAY_PREFIX):
            return self._array_problems(value, type_name.removeprefix(_ARRAY_PREFIX), path)
        if type_name in _SCALARS:
            return self._scalar_problems(value, type_name, path)
        object_type = self.types.get(type_name)
        if object_type is None:
            return [f"{path}: the reference has no type {type_name!r}"]
        if object_type.subtypes:
            return self._abstract_problems(value, object_type, path)
        return self._object_problems(value, object_type, path)

    def _array_problems(self, value: Any, item_type: str, path: str) -> list[str]:
        if not isinstance(value, list):
            return [f"{path}: expected Array of {item_type}, got {_shown(value)}"]
        return [
            problem
            for index, item in enumerate(value)
            for problem in self.problems_with(item, item_type, f"{path}[{index}]")
        ]

    @staticmethod
    def _scalar_problems(value: Any, type_name: str, path: str) -> list[str]:
        is_bool = isinstance(value, bool)
        conforms = {
            "Integer": isinstance(value, int) and not is_bool,
            "Float": isinstance(value, int | float) and not is_bool,
            "Boolean": is_bool,
            "True": value is True,
            "String": isinstance(value, str),
        }[type_name]
        return [] if conforms else [f"{path}: expected {type_name}, got {_shown(value)}"]

    def _object_problems(self, value: Any, object_type: ObjectType, path: str) -> list[str]:
        if not isinstance(value, dict):
            return [f"{path}: expected {object_type.name} object, got {_shown(value)}"]
        problems: list[str] = []
        for name, declared in object_type.fields.items():
            where = f"{path}.{name}"
            if name not in value:
                if declared.required:
                    problems.append(f"{where}: required field of {object_type.name} is missing")
                continue
            problems.extend(self.problems_with(value[name], declared.types, where))
            if declared.constant is not None and value[name] != declared.constant:
                problems.append(
                    f"{where}: {object_type.name} requires {_shown(declared.constant)}, "
                    f"got {_shown(value[name])}"
                )
        problems.extend(
            f"{path}.{name}: field not in the reference's {object_type.name}"
            for name in value
            if name not in object_type.fields
        )
        if object_type.name == "Update":
            problems.extend(_update_payload_problems(value, path))
        return problems

    def _abstract_problems(self, value: Any, object_type: ObjectType, path: str) -> list[str]:
        attempts = {
            subtype: self._problems_with_one(value, subtype, path)
            for subtype in object_type.subtypes
        }
        if any(not problems for problems in attempts.values()):
            return []
        matching = [s for s in object_type.subtypes if self._discriminators_match(value, s)]
        candidates = matching or list(object_type.subtypes)
        closest = min(candidates, key=lambda subtype: len(attempts[subtype]))
        return [
            f"{path}: is no valid {object_type.name} (closest subtype: {closest})",
            *attempts[closest],
        ]

    def _discriminators_match(self, value: Any, subtype: str) -> bool:
        constants = {
            name: declared.constant
            for name, declared in self.types[subtype].fields.items()
            if declared.constant is not None
        }
        return (
            isinstance(value, dict)
            and bool(constants)
            and all(value.get(name) == constant for name, constant in constants.items())
        )


def _update_payload_problems(update: dict[str, Any], path: str) -> list[str]:
    payloads = sorted(name for name in update if name != "update_id")
    if len(payloads) == 1:
        return []
    return [f"{path}: an Update carries exactly one payload, got {payloads or 'none'}"]


@cache
def load_reference(path: Path = API_JSON) -> ApiReference | None:
    """The reference from api.json, or None when that file is not there."""
    if not path.is_file():
        return None
    return ApiReference(json.loads(path.read_text(encoding="utf-8")))


def problems_with(value: Any, type_name: str | Sequence[str]) -> list[str]:
    """Every way value departs from the reference's declared type (api.json must exist)."""
    reference = load_reference()
    if reference is None:
        raise FileNotFoundError(f"{API_JSON} is missing; put Telegram's api.json there.")
    return reference.problems_with(value, type_name)
