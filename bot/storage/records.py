"""What storage hands out: frozen, validated records, never the dicts TinyDB keeps."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError


class Record(BaseModel):
    """A stored record: immutable, checked field by field when built or read from a file."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # What one record is called in messages about a stored file.
    label: ClassVar[str] = "record"

    def to_document(self) -> dict[str, Any]:
        """The JSON-ready document kept in the file."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Self:
        """The record a stored document holds; ValueError says what is wrong with it."""
        try:
            return cls.model_validate(document)
        except ValidationError as error:
            raise ValueError(describe_validation(error)) from None


def describe_validation(error: ValidationError) -> str:
    """The first problem pydantic found, as "field: what is wrong"."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "the record"
    return f"{where}: {first.get('msg', 'is invalid')} (found {first.get('input')!r})"
