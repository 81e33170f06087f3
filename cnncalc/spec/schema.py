"""The spec's JSON Schema, built from the registry (every layer kind is one branch)."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import Field, create_model

from ..layers import REGISTRY
from ..layers.base import IGNORED_ARGUMENTS
from .model import Spec

IGNORED = {"description": "Accepted and ignored: it changes neither shapes nor counts."}


def spec_json_schema() -> dict[str, Any]:
    """JSON Schema of a spec file; layers are a union discriminated by `type`."""
    kinds = Union.__getitem__(tuple(REGISTRY.values()))
    layer = Annotated[kinds, Field(discriminator="type")]  # type: ignore[valid-type]
    model = create_model("CnncalcSpec", __base__=Spec, layers=(list[layer], Field(min_length=1)))  # type: ignore[valid-type]
    schema = model.model_json_schema()
    schema["title"] = "cnncalc spec"
    for kind in REGISTRY:
        properties = schema["$defs"][kind]["properties"]
        rule = REGISTRY[kind]
        for argument in sorted((IGNORED_ARGUMENTS | rule.passed_arguments) - set(properties)):
            properties[argument] = IGNORED
    return schema
