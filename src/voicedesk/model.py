"""The edit model: pydantic types for every catalogue field, built from the catalogue.

Values are keyed by the update body's names (the model's aliases). Every field is
optional and may be None because stored data may hold nulls; whether null may be
*sent* is a rule in `validation`, not a type. The model checks types only: ranges are
rules too, because a stored out-of-range value must load unchanged.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from pydantic import AllowInfNan, BaseModel, ConfigDict, StrictBool, StrictInt, StrictStr, ValidationError, create_model
from pydantic import Field as PydanticField

from voicedesk.fields import Catalogue, Field, Kind, catalogue

# The API's integer columns are 64-bit; a wider number is no count or id it can store.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
WholeNumber = Annotated[StrictInt, PydanticField(ge=INT_MIN, le=INT_MAX)]
# Strict float still takes ints, as JSON does; NaN and Infinity are no JSON at all.
FiniteNumber = Annotated[float, AllowInfNan(False)]


def _python_type(field: Field) -> Any:
    if field.kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE):
        return StrictStr
    if field.kind is Kind.INTEGER:
        return WholeNumber
    if field.kind is Kind.NUMBER:
        return FiniteNumber
    if field.kind is Kind.BOOLEAN:
        return StrictBool
    # Variables and the schema are sent whole, so they hold any JSON the server stored
    # (numbers, objects, attributes beside name/type/description); what the server
    # takes is a rule in `validation`, as for ranges.
    if field.kind is Kind.KEY_VALUE:
        return dict[StrictStr, Any]
    if field.kind in (Kind.SCHEMA, Kind.TOOLS):
        return list[Any]
    if field.kind is Kind.ID_LIST:
        return list[WholeNumber]
    if field.kind is Kind.PHRASES:
        return dict[StrictStr, Any]
    # Lookups: ids (voices, phone numbers, the 2026 lists), names (languages, models).
    return WholeNumber if field.holds_id else StrictStr


def attribute_name(field_name: str) -> str:
    """A Python identifier for an update name ('end_call_tool.description' has a dot)."""
    return field_name.replace(".", "__")


@cache
def edit_model(fields: Catalogue) -> type[BaseModel]:
    """The pydantic model of one dialect's edit values (built once per dialect)."""
    return create_model(  # type: ignore[call-overload,no-any-return]
        f"EditModel{fields.dialect.value}",
        __config__=ConfigDict(strict=True, extra="forbid", populate_by_name=False),
        **{
            attribute_name(f.name): (_python_type(f) | None, PydanticField(None, alias=f.name))
            for f in fields
        },
    )


class TypeProblem(ValueError):
    """A value of the wrong type, with one plain message per field."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{name}: {message}" for name, message in problems.items()))


_EXPECTED = {
    Kind.TEXT: "text",
    Kind.LONG_TEXT: "text",
    Kind.CHOICE: "text",
    Kind.INTEGER: "a whole number",
    Kind.NUMBER: "a number",
    Kind.BOOLEAN: "true or false",
    Kind.KEY_VALUE: "an object of named values",
    Kind.SCHEMA: "a list of {name, type, description} objects",
    Kind.ID_LIST: "a list of ids (whole numbers)",
    Kind.TOOLS: "a list of tool objects",
    Kind.PHRASES: "an object of phrase lists",
}


def expected_type(field: Field) -> str:
    if field.kind is Kind.LOOKUP:
        return "a whole number (an id)" if field.holds_id else "text"
    return _EXPECTED[field.kind]


def _problem(field: Field, detail: Any) -> str:
    kind = detail["type"]
    if kind in ("greater_than_equal", "less_than_equal"):
        return "expected a whole number of at most 19 digits"
    if kind == "finite_number" or (kind == "float_type" and type(detail["input"]) is int):
        return "expected a finite number"  # NaN, Infinity, or an int past any float
    return f"expected {expected_type(field)}"


def check_types(values: dict[str, Any], fields: Catalogue | None = None) -> dict[str, Any]:
    """Validate a partial mapping of setting names to values; returns the typed values.

    Unknown names and wrong types raise TypeProblem naming every offending field.
    """
    fields = fields or catalogue()
    unknown = [name for name in values if name not in fields]
    if unknown:
        raise TypeProblem({name: "is not a field of the assistant" for name in unknown})
    try:
        model = edit_model(fields).model_validate(values)
    except ValidationError as error:
        problems: dict[str, str] = {}
        for detail in error.errors():
            name = str(detail["loc"][0])
            problems.setdefault(name, _problem(fields[name], detail))
        raise TypeProblem(problems) from None
    dumped = model.model_dump(by_alias=True, exclude_unset=True)
    return {name: dumped[name] for name in values}
