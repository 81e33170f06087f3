"""The spec: a network as data (JSON, YAML, a dict or Python objects), validated with clear errors.

    {"name": "mnist", "input_shape": [28, 28, 1],
     "layers": [{"type": "Conv2D", "filters": 32, "kernel_size": 3}, ...]}

``type`` is the Keras class name; the other keys are that class's constructor arguments.
"""

import json
import re
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SkipValidation,
    ValidationError,
    field_validator,
    model_validator,
)

from ..dtypes import DTYPE_NAMES, dtype_name
from ..errors import SpecError, closest, did_you_mean
from ..layers import REGISTRY, Layer
from ..layers.base import KERAS_ALIASES, MAX_RANK, PositiveInt


class Spec(BaseModel):
    """A network: its input shape (without the batch dimension) and its layers in order."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    input_shape: list[PositiveInt | None] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_RANK,
        description="Without the batch dimension, e.g. [28, 28, 1].",
    )
    batch_size: PositiveInt | None = Field(
        default=None, description="A fixed batch size, shown first in every shape (Keras: None)."
    )
    batch_shape: list[PositiveInt | None] | None = Field(
        default=None,
        description="Keras's batch_shape, e.g. [32, 28, 28, 1]: read as batch_size and "
        "input_shape.",
    )
    dtype: str | None = Field(
        default=None,
        description="Keras's dtype policy for every layer without its own (float16, "
        "mixed_float16, …); it sizes the weights. Default float32.",
        json_schema_extra={"enum": [*DTYPE_NAMES, None]},
    )
    layers: list[SkipValidation[Layer]] = Field(min_length=1)  # validated by type, below

    @model_validator(mode="before")
    @classmethod
    def _batch_shape(cls, data: Any) -> Any:
        """Keras's ``batch_shape`` is the batch size followed by the input shape."""
        if not isinstance(data, dict) or "batch_shape" not in data:
            return data
        data = dict(data)
        batch_shape = data.pop("batch_shape")
        if not isinstance(batch_shape, list) or len(batch_shape) < 2:
            raise ValueError(
                "batch_shape: the batch size and the input shape, e.g. [32, 28, 28, 1], "
                f"got {_brief(batch_shape)}"
            )
        for key, value in (("input_shape", batch_shape[1:]), ("batch_size", batch_shape[0])):
            if data.get(key) is not None and data[key] != value:
                raise ValueError(f"{key} {data[key]} disagrees with batch_shape {batch_shape}")
            data[key] = value
        return data

    @field_validator("dtype", mode="before")
    @classmethod
    def _keras_dtype(cls, value: Any) -> Any:
        return dtype_name(value)

    @field_validator("layers", mode="before")
    @classmethod
    def _layers_by_type(cls, value: Any) -> Any:
        if not isinstance(value, list):
            raise ValueError("Input should be a valid list")
        layers, errors = [], []
        for index, item in enumerate(value):
            try:
                layers.append(item if isinstance(item, Layer) else layer_from_dict(index, item))
            except SpecError as error:
                errors.extend(error.lines)
        if errors:
            raise SpecError(*errors)  # not a ValueError: pydantic lets it through unchanged
        return layers

    def to_dict(self) -> dict[str, Any]:
        head = self.model_dump(exclude={"layers"}, exclude_none=True)
        return {**head, "layers": [layer.to_dict() for layer in self.layers]}

    def to_json(self) -> str:
        """JSON with one layer per line: easy to read, diff and edit."""
        data = self.to_dict()
        lines = [json.dumps(layer, ensure_ascii=False) for layer in data.pop("layers")]
        head = json.dumps(data, ensure_ascii=False)[1:-1]
        body = ",\n    ".join(lines)
        return "{" + (head + ", " if head else "") + '"layers": [\n    ' + body + "\n]}"


def layer_from_dict(index: int, item: Any) -> Layer:
    """Validate one layer's dict with the rule class its ``type`` names."""
    where = f"layers[{index}]"
    if not isinstance(item, dict):
        raise SpecError(
            f'{where}: a layer is an object like {{"type": "Conv2D", ...}}, got {_brief(item)}'
        )
    kind = item.get("type")
    if isinstance(kind, str) and kind in KERAS_ALIASES:  # MaxPool2D: Keras's other name
        kind = KERAS_ALIASES[kind]
        item = {**item, "type": kind}
    if kind is None:
        raise SpecError(f"{where}.type: missing; every layer names its Keras class, e.g. 'Conv2D'")
    if not isinstance(kind, str):
        raise SpecError(f"{where}.type: should be a Keras class name, got {_brief(kind)}")
    if kind not in REGISTRY:
        hint = did_you_mean(kind, REGISTRY) or "; `cnncalc schema` lists the known types"
        raise SpecError(f"{where}.type: unknown layer type '{kind}'{hint}")
    rule = REGISTRY[kind]
    try:
        return rule.model_validate(item)
    except ValidationError as error:
        raise SpecError(*validation_lines(error, where, rule)) from None


# Error types that only say "this union branch was not the right kind": noise when the value
# clearly meant another branch.
_BRANCH_MISMATCH = {
    "int_type",
    "list_type",
    "string_type",
    "bool_type",
    "float_type",
    "dict_type",
    "literal_error",
    "int_parsing",
    "float_parsing",
    "none_required",
}


def validation_lines(error: ValidationError, where: str, rule: type[BaseModel]) -> list[str]:
    """pydantic's errors as one line each: 'layers[1].kernel_size: ... (got -1)'."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for item in error.errors():
        loc = item["loc"]
        field = tuple(
            part
            for number, part in enumerate(loc)
            # an unknown key is the user's, whatever its characters: never a branch tag
            if not _is_branch_tag(part)
            or (item["type"] == "extra_forbidden" and number == len(loc) - 1)
        )
        groups.setdefault(field, []).append(item)
    meant = {  # a near-miss unknown argument explains the missing one: say only the typo
        (*field[:-1], closest(str(field[-1]), _argument_names(rule)))
        for field, items in groups.items()
        if field and any(item["type"] == "extra_forbidden" for item in items)
    }
    lines = []
    for field, items in groups.items():
        if field in meant and all(item["type"] == "missing" for item in items):
            continue
        if all(i["type"] in _BRANCH_MISMATCH for i in items) and any(
            other[: len(field)] == field and len(other) > len(field) for other in groups
        ):
            continue  # "not an int" for [1, -1]: a line inside the list says what is wrong
        path = where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in field)
        if where == "":
            path = path.lstrip(".")
        informative = [i for i in items if i["type"] not in _BRANCH_MISMATCH] or items
        item = informative[0]
        kind = rule.model_fields["type"].default if "type" in rule.model_fields else None
        if item["type"] == "extra_forbidden":
            what = f"argument for {kind}" if isinstance(kind, str) else "key in a spec"
            hint = did_you_mean(str(field[-1]), _argument_names(rule))
            if isinstance(kind, str) and field[-1] in FIRST_LAYER_INPUT:
                hint = first_layer_input(str(field[-1]), item.get("input"))
            elif not hint and not isinstance(kind, str) and len(field) == 1:
                hint = f"; a spec has the keys {', '.join(Spec.model_fields)}"
            lines.append(f"{path}: unknown {what}{hint}")
        elif item["type"] == "missing":
            lines.append(
                f"{path}: missing ({kind if isinstance(kind, str) else 'a spec'} needs it)"
            )
        else:
            message = item["msg"].removeprefix("Value error, ")
            got = f" (got {_brief(item.get('input'))})" if field else ""
            tip = written_as(item.get("input"), item["type"]) if field else ""
            lines.append(f"{path}: {message}{got}{tip}" if path else message)
    return lines


FIRST_LAYER_INPUT = ("input_shape", "batch_input_shape", "input_dim")
"""Keras 2 gave the first layer of a Sequential its input (Dense(64, input_dim=784)); a
spec gives it to the network."""


def first_layer_input(key: str, value: Any) -> str:
    """Where Keras 2's input argument of a layer goes in a spec, with the user's own value."""
    shape = value
    if key == "batch_input_shape" and isinstance(value, list):
        shape = value[1:]
    elif key == "input_dim":
        shape = [value]
    return (
        f"; Keras 2's {key} of a first layer is the spec's input here: "
        f'"input_shape": {_brief(shape)} at the top level, beside "layers"'
    )


TUPLE_TEXT = re.compile(r"\(([^()]*,[^()]*)\)")
SIZES_TEXT = re.compile(r"[0-9]+(?:\s*[xX×*]\s*[0-9]+)+")
"""3x3, 28x28x1: a student's way of writing sizes, which a spec writes as a list."""


def written_as(value: Any, error: str) -> str:
    """How JSON and YAML write what a Python user typed: None is null, a tuple is a list, a
    shape is a list even with one size."""
    if isinstance(value, str) and value.strip() == "None":
        return "; an unknown size is null in JSON and YAML (None is Python's)"
    if isinstance(value, str) and (inner := TUPLE_TEXT.fullmatch(value.strip())):
        sizes = re.sub(r"\bNone\b", "null", inner[1].strip().rstrip(","))
        return f"; JSON and YAML have no tuples: write [{sizes}]"
    if isinstance(value, str) and SIZES_TEXT.fullmatch(value.strip()):
        return f"; a list of sizes: [{', '.join(re.split(r'[xX×*]', value.replace(' ', '')))}]"
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return f"; a number is written without quotes: {value.strip()}"
    if error == "list_type" and isinstance(value, int) and not isinstance(value, bool):
        return f"; a list, even of one size: [{value}]"
    return ""


def _argument_names(rule: type[BaseModel]) -> list[str]:
    names = getattr(rule, "argument_names", None)
    return names() if names else list(rule.model_fields)


def _is_branch_tag(part: Any) -> bool:
    """pydantic names union branches in error paths ('list[constrained-int]'); drop them."""
    return isinstance(part, str) and (
        any(c in part for c in "[]-'") or part in {"int", "str", "float", "bool", "none"}
    )


def huge_int_text(value: Any) -> str:
    """An integer too long to print (Python refuses past 4,300 digits) described instead.

    >>> huge_int_text(10**5000)
    'an integer of 5001 digits'
    """
    if isinstance(value, int) and value.bit_length() > 4000:
        return f"an integer of {digit_count(abs(value))} digits"
    return ""


def digit_count(value: int) -> int:
    """Decimal digits of a positive integer, without converting it to a string."""
    digits = int(value.bit_length() * 0.30102999566398) + 1
    return digits if value >= 10 ** (digits - 1) else digits - 1


def _brief(value: Any, limit: int = 60, depth: int = 0) -> str:
    """A short preview of a value, however large or deep it is."""
    if isinstance(value, (list, dict)):
        if depth >= 2:
            return "[…]" if isinstance(value, list) else "{…}"
        items = list(value.items())[:4] if isinstance(value, dict) else value[:4]
        parts = [
            f"{json.dumps(k)}: {_brief(v, 20, depth + 1)}"
            if isinstance(value, dict)
            else _brief(k, 20, depth + 1)
            for k, v in (items if isinstance(value, dict) else ((i, None) for i in items))
        ]
        more = ", …" if len(value) > len(items) else ""
        text = ("{%s}" if isinstance(value, dict) else "[%s]") % (", ".join(parts) + more)
    else:
        text = huge_int_text(value) or json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def revalidated(spec: Spec) -> Spec:
    """A Spec made in Python is checked again as a whole: a layer changed after it was built
    (``spec.layers[0].filters = -3``) gets the same message as in a spec file."""
    layers, errors = [], []
    for index, layer in enumerate(spec.layers):
        try:
            if not isinstance(layer, Layer):
                layers.append(layer_from_dict(index, layer))
                continue
            given = layer.model_dump(exclude_unset=True, warnings=False)
            checked = layer_from_dict(index, {**given, "type": layer.type})
            checked._keras_extras = dict(layer._keras_extras)
            layers.append(checked)
        except SpecError as error:
            errors.extend(error.lines)
    if errors:
        raise SpecError(*errors)
    head = spec.model_dump(exclude={"layers"}, exclude_unset=True, warnings=False)
    try:
        return Spec.model_validate({**head, "layers": layers})
    except ValidationError as error:
        raise SpecError(*validation_lines(error, "", Spec)) from None


def parse_spec(data: Any) -> Spec:
    """A Spec from already-parsed data (a dict), with every problem on its own line."""
    if isinstance(data, Spec):
        return revalidated(data)
    if not isinstance(data, dict):
        raise SpecError(
            f"a spec is an object with 'input_shape' and 'layers', got {type(data).__name__}"
        )
    try:
        return Spec.model_validate(data)
    except ValidationError as error:
        raise SpecError(*validation_lines(error, "", Spec)) from None
