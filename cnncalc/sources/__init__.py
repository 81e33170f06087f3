"""The one front door for networks: whatever a user names as SPEC becomes a :class:`Spec`.

A SPEC is a Spec or dict, a path to a JSON/YAML spec, a Keras model (``model.to_json()``
file, ``.keras`` archive or legacy ``.h5`` file), '-' for standard input, a preset name (any
case) or a random exercise ('random:medium:7'). The CLI, the Python API and the classroom
all come through here.
"""

import io
from pathlib import Path
from typing import Any

from ..errors import SpecError, did_you_mean
from ..spec import Spec, parse_spec
from .reader import MAX_MODEL_BYTES, STDIN, is_archive, read_archive_entry, read_input
from .textfiles import decode, parse_json_or_yaml

PRESETS = Path(__file__).parent.parent / "presets"
RANDOM_PREFIX = "random:"
SPEC_KIND = "a JSON or YAML spec"
CODE_SUFFIXES = (".py", ".ipynb")
"""A model's Python source or notebook: what a newcomer has at hand, and what cnncalc never
executes (docs/security.md)."""


def preset_names() -> list[str]:
    """The specs shipped inside the package, loadable by name."""
    return sorted(path.stem for path in PRESETS.glob("*.json"))


def load_spec(source: Spec | dict[str, Any] | str | Path) -> Spec:
    """A Spec from any SPEC a user can give (see the module docstring)."""
    if not isinstance(source, (str, Path)):
        return parse_spec(source)
    text = str(source)
    if not text.strip():
        raise SpecError("the SPEC is empty: give a spec file, '-', a preset or random:…")
    if text == STDIN:
        return spec_from_text(read_input(STDIN, MAX_MODEL_BYTES, SPEC_KIND), "<stdin>")
    path = Path(text)
    if is_file(path):
        if is_hdf5(path):  # a legacy .h5 model: read its config, not its (large) weights
            from .keras_config import read_h5_config, spec_from_keras_json

            try:
                return parse_spec(spec_from_keras_json(read_h5_config(path, text), text))
            except OSError as error:
                raise SpecError(f"{path}: cannot be read ({error.strerror})") from None
        if is_archive(path):
            return parse_spec(parse_archive(path, str(path)))
        if path.suffix.lower() in CODE_SUFFIXES:
            raise SpecError(
                f"{visible_name(text)}: is Python code, which cnncalc never runs: write the "
                "network as a spec (docs/spec.md), or save the model from your code "
                "(model.save('net.keras'), or model.to_json() into a file) and give that"
            )
        return spec_from_text(read_input(path, MAX_MODEL_BYTES, SPEC_KIND), str(path))
    if is_folder(path):
        raise SpecError(f"{visible_name(text)}: is a folder, not a spec file")
    if text.startswith(RANDOM_PREFIX):
        from .random_networks import random_spec

        return random_spec(text)
    return load_preset(text)


def is_file(path: Path) -> bool:
    """Whether a SPEC names a file; a name no file system accepts (too long) is not one."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def visible_name(text: str) -> str:
    """render.escaping's, imported when an error is worded (render is not needed to load)."""
    from ..render.escaping import visible_name as shown

    return shown(text)


def load_preset(name: str) -> Spec:
    """A shipped network by name; 'VGG16' finds vgg16."""
    presets = preset_names()
    found = next((preset for preset in presets if preset == name.lower()), None)
    if found is None:
        hint = did_you_mean(name.lower(), presets) or f"; presets: {', '.join(presets)}"
        raise SpecError(f"{visible_name(name)}: no such file or preset{hint}")
    return parse_spec(parse_text((PRESETS / f"{found}.json").read_bytes(), found))


def is_hdf5(path: Path) -> bool:
    """HDF5's signature opens the file (Keras writes no user block before it)."""
    from .keras_config import HDF5_MAGIC

    with path.open("rb") as file:
        return file.read(len(HDF5_MAGIC)) == HDF5_MAGIC


def spec_from_text(raw: bytes, where: str) -> Spec:
    """A Spec from a file's bytes; text that is not an object says which file it was."""
    data = parse_text(raw, where)
    if not isinstance(data, dict):
        raise SpecError(
            f"{where}: a spec is an object with 'input_shape' and 'layers', "
            f"got {type(data).__name__}"
        )
    return parse_spec(data)


def parse_text(raw: bytes, where: str, inflated_limit: int | None = None) -> Any:
    """A spec's data from JSON or YAML text, a Keras model JSON, a .keras archive or a
    legacy .h5 model. inflated_limit: the most an archive's config.json may inflate to, when
    lower than the files' limit (the server's 1 MB bodies would otherwise reach 256 MB)."""
    from .keras_config import HDF5_MAGIC, is_keras_model_json, read_h5_config, spec_from_keras_json
    from .reader import ZIP_MAGIC

    if raw.startswith(ZIP_MAGIC):
        return parse_archive(raw, where, inflated_limit)
    if raw.startswith(HDF5_MAGIC):
        return spec_from_keras_json(read_h5_config(io.BytesIO(raw), where), where)
    data = parse_plain_text(raw, where)
    return spec_from_keras_json(data, where) if is_keras_model_json(data) else data


def parse_archive(source: bytes | Path, where: str, limit: int | None = None) -> Any:
    """A .keras archive's model, from its config.json alone (nothing is extracted or run)."""
    from .keras_config import spec_from_keras_json

    raw = read_archive_entry(source, "config.json", where, limit or MAX_MODEL_BYTES)
    text = decode(raw, f"{where}: config.json", "a Keras model config", "a .keras model config")
    return spec_from_keras_json(
        parse_json_or_yaml(text, f"{where}: config.json", as_json=True), where
    )


def parse_plain_text(raw: bytes, where: str) -> Any:
    """JSON (or YAML) text to data, with errors that say where the text is wrong."""
    text = decode(raw, where, SPEC_KIND, "a spec is a JSON or YAML object with 'layers'")
    return parse_json_or_yaml(text, where)


__all__ = ["RANDOM_PREFIX", "load_preset", "load_spec", "parse_text", "preset_names"]
