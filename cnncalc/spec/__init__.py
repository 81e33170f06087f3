"""The spec: a network as data, validated with one clear line per problem.

``model`` holds the pydantic models and their error messages; ``schema`` the JSON Schema
built from the layer registry. Reading specs from files and other sources is ``cnncalc.sources``.
"""

from .model import Spec, layer_from_dict, parse_spec, validation_lines

__all__ = ["Spec", "layer_from_dict", "parse_spec", "validation_lines"]
