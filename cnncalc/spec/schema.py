"""The spec's JSON Schema, built from the registry (every layer kind is one branch)."""

from __future__ import annotations

import copy
from typing import Annotated, Any, Union

from pydantic import Field, create_model

from ..layers import REGISTRY
from ..layers.base import IGNORED_ARGUMENTS, KERAS_ALIASES
from .model import Spec

IGNORED = {"description": "Accepted and ignored: it changes neither shapes nor counts."}


def spec_json_schema() -> dict[str, Any]:
    """JSON Schema of a spec file; layers are a union discriminated by `type`."""
    kinds = Union.__getitem__(tuple(REGISTRY.values()))
    layer = Annotated[kinds, Field(discriminator="type")]  # type: ignore[valid-type]
    model = create_model("CnncalcSpec", __base__=Spec, layers=(list[layer], Field(min_length=1)))  # type: ignore[valid-type]
    schema = model.model_json_schema()
    schema["title"] = "cnncalc spec"
    definitions = schema["$defs"]
    for kind in REGISTRY:
        properties = definitions[kind]["properties"]
        rule = REGISTRY[kind]
        for argument in sorted((IGNORED_ARGUMENTS | rule.passed_arguments) - set(properties)):
            properties[argument] = IGNORED
    layer_union = schema["properties"]["layers"]["items"]
    for alias, kind in KERAS_ALIASES.items():  # MaxPool2D: MaxPooling2D's arguments
        definitions[alias] = copy.deepcopy(definitions[kind])
        definitions[alias]["properties"]["type"] = {"const": alias, "type": "string"}
        layer_union["oneOf"].append({"$ref": f"#/$defs/{alias}"})
        layer_union["discriminator"]["mapping"][alias] = f"#/$defs/{alias}"
    definitions["Layer"] = layer_union  # a layer nested in a wrapper is any layer too
    return schema
