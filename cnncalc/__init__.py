"""cnncalc: what shape comes out of each layer of a CNN, and how many parameters it has.

    >>> import cnncalc
    >>> result = cnncalc.analyze("mnist")
    >>> result.total_params
    34826
    >>> result["conv2d"].output_shape
    (26, 26, 32)

Numbers are exactly Keras's; ``result.explain()`` shows the lecture's formulas with the
numbers substituted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import layers
from .analysis import Analysis, LayerRow
from .engine import analyze_spec
from .errors import CnncalcError, NetworkError, SpecError
from .sources import load_spec, preset_names
from .spec import Spec, parse_spec

__all__ = [
    "Analysis",
    "CnncalcError",
    "LayerRow",
    "NetworkError",
    "Spec",
    "SpecError",
    "analyze",
    "from_keras",
    "layers",
    "load_spec",
    "preset_names",
    "preset_summaries",
]
__version__ = "0.1.0"


def analyze(source: Spec | dict[str, Any] | str | Path | Any) -> Analysis:
    """Analyze a spec given as a Spec, a dict, a file path (a JSON/YAML spec, a Keras model
    JSON or a .keras archive), '-', a preset name, or a live Keras model."""
    if not isinstance(source, (Spec, dict, str, Path)):
        if not hasattr(source, "to_json"):
            raise SpecError(
                f"cannot analyze a {type(source).__name__!r} object: give a spec, a dict, a file, "
                "a preset name or a Keras model"
            )
        source = from_keras(source)
    return analyze_spec(load_spec(source))


def from_keras(model: Any) -> Spec:
    """The cnncalc spec of a Keras model, read from its configuration only: a live model
    (model.to_json()) or a saved one (a path to a .keras, .h5 or model JSON file), by the same
    strict reader as any file."""
    from .sources.keras_config import spec_from_keras_json
    from .sources.textfiles import parse_json_or_yaml

    if isinstance(model, (str, Path)):
        if not Path(model).is_file():
            raise SpecError(f"{model}: no such file")
        return load_spec(Path(model))
    where = f"the {type(model).__name__}"
    try:
        text = model.to_json()
    except Exception as error:  # any object may claim to be a model
        raise SpecError(
            f"{where}: its to_json() failed, so it is not a Keras model ({error})"
        ) from None
    if not isinstance(text, str):
        raise SpecError(f"{where}: its to_json() gave a {type(text).__name__}, not JSON text")
    data = parse_json_or_yaml(text, where, as_json=True)
    return parse_spec(spec_from_keras_json(data, where))


def preset_summaries() -> list[dict[str, Any]]:
    """Each shipped network's name, input shape, layer count, total and description: the rows
    of `cnncalc presets` and of the web page's preset list."""
    summaries = []
    for name in preset_names():
        spec = load_spec(name)
        result = analyze_spec(spec)
        summaries.append(
            {
                "name": name,
                "input_shape": spec.input_shape,
                "layers": len(result),
                "total_params": result.total_params,
                "description": spec.description,
            }
        )
    return summaries
