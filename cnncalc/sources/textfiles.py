"""Reading the text files users give (specs, Keras configs, answer sheets) into data, with
errors that say where: the file and the line, or the path to the bad value.

JSON and YAML are read strictly: a key given twice, an integer literal longer than any size,
nesting deeper than any network, a lone surrogate (a '\\ud800' escape) are errors, never
silently accepted. The limits are stated in docs/security.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..errors import SpecError

MAX_DEPTH = 100
"""Nesting levels: a Keras config of models nested in models needs about 10 per model."""
MAX_INT_DIGITS = 30
"""Digits in an integer literal: sizes and counts stay far below 10**30."""
MAX_VALUES = 1_000_000
"""More values than any network needs: a YAML file past it is an alias bomb, not a spec."""
SURROGATE = re.compile("[\ud800-\udfff]")


def decode(raw: bytes, where: str, kind: str, expected: str) -> str:
    """The file's text; an empty, binary or non-UTF-8 file is a clear error.

    kind: what the file should be ('a JSON or YAML spec'); expected: what it should hold.
    Strict UTF-8 refuses encoded surrogates too.
    """
    if not raw.strip():
        raise SpecError(f"{where}: is empty; {expected}")
    if b"\x00" in raw[:8192]:
        raise SpecError(f"{where}: is a binary file, not {kind}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpecError(f"{where}: is not UTF-8 text (byte {error.start}), so not {kind}") from None
    if not text.strip():  # a byte order mark, or an em space, alone
        raise SpecError(f"{where}: is empty; {expected}")
    return text


def parse_json_or_yaml(
    text: str, where: str, as_json: bool = False, float_text: bool = False
) -> Any:
    """JSON when it looks like JSON (or as_json), else YAML; errors give line and column.

    float_text: every float is a :class:`WrittenFloat` that keeps its text as written, for a
    message that quotes the writer ('1.600', not Python's 1.6).
    """
    if as_json or text.lstrip()[:1] in "{[":
        data = parse_json(text, where, float_text)
        check_values(data, where)
    else:
        data = parse_yaml(text, where, float_text)
        aliases = "&" in text and "*" in text  # anchors and aliases can expand without end
        check_values(data, where, MAX_VALUES if aliases else None)
    return data


class WrittenFloat(float):
    """A float that remembers how it was written: YAML and JSON read 1.600 as 1.6, and a
    student who meant one thousand six hundred must see their own '1.600' quoted back."""

    text: str

    def __new__(cls, text: str) -> WrittenFloat:
        number = super().__new__(cls, text)
        number.text = text
        return number


class _DuplicateKey(Exception):
    pass


class _LongInteger(Exception):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) < len(pairs):
        raise _DuplicateKey
    return data


def _bounded_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        raise _LongInteger
    return int(literal)


def parse_json(text: str, where: str, float_text: bool = False) -> Any:
    """JSON, refusing duplicate keys and over-long integers (then found again for the line)."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_pairs,
            parse_int=_bounded_int,
            parse_float=WrittenFloat if float_text else None,
        )
    except json.JSONDecodeError as error:
        raise SpecError(
            f"{where}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            f"{python_in_json(error)}"
        ) from None
    except RecursionError:
        raise SpecError(f"{where}: is nested too deeply to read") from None
    except _DuplicateKey:
        key, position = find_duplicate_key(text)
        raise SpecError(
            f"{where}: line {line_of(text, position)}: the key {key!r} is given twice in one object"
        ) from None
    except _LongInteger:
        match = re.search(rf"\d{{{MAX_INT_DIGITS + 1},}}", text)
        line = f"line {line_of(text, match.start())}: " if match else ""
        raise SpecError(
            f"{where}: {line}an integer longer than {MAX_INT_DIGITS} digits is no size or count"
        ) from None


PYTHON_WORDS = {"None": "null", "True": "true", "False": "false"}


def python_in_json(error: json.JSONDecodeError) -> str:
    """The why of JSON's 'Expecting value' where Python's notation was written: a comma after
    the last item (Python and JavaScript allow it), a tuple, None, True or False, a comment."""
    rest = error.doc[error.pos : error.pos + 6]
    closing = rest[:1]
    if closing in ("]", "}") and error.doc[: error.pos].rstrip().endswith(","):
        return f" (a comma before '{closing}': JSON allows none after the last item)"
    tuple_text = re.match(r"\(([^()\n]{0,80})\)", error.doc[error.pos : error.pos + 83])
    if tuple_text:
        sizes = re.sub(r"\bNone\b", "null", tuple_text[1].strip().rstrip(","))
        return f" (JSON has no tuples: write [{sizes}])"
    word = re.match(r"[A-Za-z]+", rest)
    if word and word.group() in PYTHON_WORDS:
        return f" ({word.group()} is Python's; JSON writes {PYTHON_WORDS[word.group()]})"
    if closing in ("#", "/"):
        return " (JSON has no comments; YAML has: # …)"
    return ""


def line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"\s*:?|[{}\[\]]')


def json_tokens(text: str) -> Iterator[re.Match[str]]:
    """Strings (a key keeps its ':') and brackets: enough to know where each key is."""
    return JSON_TOKEN.finditer(text)


def find_duplicate_key(text: str) -> tuple[str, int]:
    """The first key given twice in one object, and where: only called once json refused."""
    objects: list[set[str] | None] = []
    for token in json_tokens(text):
        word = token.group()
        if word in "{[":
            objects.append(set() if word == "{" else None)
        elif word in "}]":
            objects.pop()
        elif word.endswith(":") and objects and objects[-1] is not None:
            key = json.loads(word.rstrip(": \t\r\n"))
            if key in objects[-1]:
                return key, token.start()
            objects[-1].add(key)
    return "?", 0


def parse_yaml(text: str, where: str, float_text: bool = False) -> Any:
    import yaml  # only YAML files pay for it

    loader = float_text_yaml_loader() if float_text else strict_yaml_loader()
    try:
        return yaml.load(text, Loader=loader)  # a SafeLoader: no tags, no code
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        position = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        hint = yaml_slip(text, mark.line if mark else None)
        raise SpecError(f"{where}: invalid YAML{position}: {error.problem}{hint}") from None
    except yaml.YAMLError as error:
        raise SpecError(f"{where}: invalid YAML: {' '.join(str(error).split())}") from None
    except RecursionError:
        raise SpecError(f"{where}: is nested too deeply to read") from None


def yaml_slip(text: str, line: int | None) -> str:
    """The typing slip behind PyYAML's words, where one is plain up to the line it stopped
    at: a tab in the indentation, a list item without the space after its '-', a key without
    the space after its ':' ('filters:32' is one word to YAML)."""
    lines = text.splitlines()[: line + 1] if line is not None else []
    for number, written in enumerate(lines, 1):
        if "\t" in written[: len(written) - len(written.lstrip())]:
            return f" (line {number} is indented with a tab: YAML indents with spaces only)"
    for number, written in reversed(list(enumerate(lines, 1))):
        if re.match(r"\s*-[A-Za-z_]", written):
            return f" (line {number}: a list item is '- ' with a space after the dash)"
        if re.fullmatch(r"\s*[A-Za-z_]+:[^\s:/].*", written) and ": " not in written:
            return f" (line {number}: a key takes a space after its ':', as in 'filters: 32')"
    return ""


_LOADER: Any = None


def strict_yaml_loader() -> Any:
    """yaml's SafeLoader (no tags, no code), refusing duplicate keys and over-long integers."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml
    from yaml.constructor import ConstructorError

    class StrictLoader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                self.flatten_mapping(node)
                seen: set[Any] = set()
                for key_node, _ in node.value:
                    key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
                    if key in seen:
                        raise ConstructorError(
                            None, None, f"the key {key!r} is given twice", key_node.start_mark
                        )
                    seen.add(key)
            return super().construct_mapping(node, deep)

        def construct_yaml_int(self, node: Any) -> Any:
            digits = re.sub(r"[^0-9a-fA-F]", "", str(node.value))
            if len(digits) > MAX_INT_DIGITS:
                raise ConstructorError(
                    None,
                    None,
                    f"an integer longer than {MAX_INT_DIGITS} digits is no size or count",
                    node.start_mark,
                )
            return super().construct_yaml_int(node)

        def construct_yaml_str(self, node: Any) -> Any:
            return joined_surrogate_pairs(super().construct_yaml_str(node))

    StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
    StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_yaml_map)
    StrictLoader.add_constructor("tag:yaml.org,2002:str", StrictLoader.construct_yaml_str)
    _LOADER = StrictLoader
    return _LOADER


_FLOAT_TEXT_LOADER: Any = None


def float_text_yaml_loader() -> Any:
    """The strict loader, its floats read as :class:`WrittenFloat` (their text kept)."""
    global _FLOAT_TEXT_LOADER
    if _FLOAT_TEXT_LOADER is not None:
        return _FLOAT_TEXT_LOADER

    class FloatTextLoader(strict_yaml_loader()):  # type: ignore[misc]
        def construct_yaml_float(self, node: Any) -> Any:
            number = super().construct_yaml_float(node)
            text = str(node.value).strip()
            try:  # YAML 1.1 floats Python would not read (1_000.5, .inf, 1:30) stay floats
                return WrittenFloat(text) if float(text) == number else number
            except ValueError:
                return number

    FloatTextLoader.add_constructor("tag:yaml.org,2002:float", FloatTextLoader.construct_yaml_float)
    _FLOAT_TEXT_LOADER = FloatTextLoader
    return _FLOAT_TEXT_LOADER


def joined_surrogate_pairs(text: str) -> str:
    """JSON's escapes for one character outside the BMP ("\\ud83d\\ude00", as json.dumps
    writes 😀) are two code points in YAML: joined back into the character. A lone
    surrogate stays, and is refused by :func:`check_values`."""
    if text.isascii() or not SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        return text


def check_values(data: Any, where: str, max_values: int | None = None) -> None:
    """Walk the data once, a level at a time: depth, value count (YAML aliases) and lone
    surrogates bounded. Only on a problem is it walked again, keeping paths, to say where."""
    level, depth, seen = [data], 0, 0
    while level:
        seen += len(level)
        problem = ""
        if max_values is not None and seen > max_values:
            problem = f"expands to more than {max_values:,} values (YAML aliases?)"
        elif depth > MAX_DEPTH:
            problem = f"is nested more than {MAX_DEPTH} levels deep"
        deeper: list[Any] = []
        for item in level if not problem else ():
            kind = type(item)
            if kind is dict:
                deeper.extend(item.values())
                try:
                    keys = "".join(item)
                except TypeError:  # YAML keys may be numbers
                    keys = "".join(key for key in item if isinstance(key, str))
                if not keys.isascii() and SURROGATE.search(keys):
                    problem = LONE_SURROGATE
            elif kind is list:
                deeper.extend(item)
            elif kind is str and not item.isascii() and SURROGATE.search(item):
                problem = LONE_SURROGATE
        if problem:
            raise SpecError(f"{where}: {locate(data, problem)}{problem}")
        level, depth = deeper, depth + 1


LONE_SURROGATE = "holds a lone surrogate (\\ud800–\\udfff), which is not a character"


def value_problem(item: Any, depth: int) -> str:
    """The problem :func:`locate` looks for at one value (the count is no place)."""
    if depth > MAX_DEPTH:
        return f"is nested more than {MAX_DEPTH} levels deep"
    if isinstance(item, str) and not item.isascii() and SURROGATE.search(item):
        return LONE_SURROGATE
    return ""


def locate(data: Any, problem: str) -> str:
    """'at layers[2].name: ' for the first value with the problem, '' if it is everywhere."""
    if problem.startswith("expands"):
        return ""
    pending: list[tuple[Any, str, int]] = [(data, "", 0)]
    while pending:
        item, path, depth = pending.pop()
        if value_problem(item, depth):
            return f"at {path.lstrip('.') or 'the top'}: "
        if isinstance(item, dict):
            for key, value in item.items():
                step = f".{key}" if str(key).isidentifier() else f"[{json.dumps(key)}]"
                pending.append((key, f"{path}{step} (the key)", depth + 1))
                pending.append((value, f"{path}{step}", depth + 1))
        elif isinstance(item, list):
            pending.extend((value, f"{path}[{i}]", depth + 1) for i, value in enumerate(item))
    return ""
