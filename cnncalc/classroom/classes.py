"""A class of secret sheets: one random network per student, derived from (secret, id).

A class sheet names its exercise ``class:<difficulty>:<id>`` (``class:<difficulty>:<id>:<n>``
when the n-th derivation was needed to keep it different from a classmate's). The network is
``random_network(HMAC-SHA256(secret, "<difficulty>:<id>[:<n>]"))``: without the secret
nobody can rebuild it from the name, so no command prints its key, and a student cannot
look up a classmate's. The teacher's secret comes from --secret or CNNCALC_SECRET.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import re
from pathlib import Path

from ..errors import SpecError
from ..sources.random_networks import DIFFICULTIES, random_network
from ..sources.textfiles import decode
from ..spec import Spec

CLASS_PREFIX = "class:"
SECRET_VARIABLE = "CNNCALC_SECRET"
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
"""An id that is safe as a file name and in a spreadsheet cell (no leading = + - @)."""
MAX_ROSTER_BYTES = 1_000_000


def secret_from(option: str | None) -> str | None:
    """The class secret: the option, else the CNNCALC_SECRET environment variable."""
    secret = option if option is not None else os.environ.get(SECRET_VARIABLE)
    if secret is not None and not secret.strip():
        raise SpecError(f"the class secret is empty (--secret or {SECRET_VARIABLE})")
    return secret


def class_reference(difficulty: str, student: str, variant: int = 0) -> str:
    return f"{CLASS_PREFIX}{difficulty}:{student}" + (f":{variant}" if variant else "")


def is_class_reference(reference: object) -> bool:
    return isinstance(reference, str) and reference.startswith(CLASS_PREFIX)


def class_network(reference: str, secret: str | None) -> Spec:
    """The network of a class sheet; refuses without the secret (it is the answer key)."""
    if secret is None:
        raise SpecError(
            f"'{reference}' is a class exercise: grading it needs the class secret "
            f"(--secret or {SECRET_VARIABLE})"
        )
    parts = reference[len(CLASS_PREFIX) :].split(":")
    variant = parts[2] if len(parts) == 3 else "0"
    if (
        len(parts) not in (2, 3)
        or parts[0] not in DIFFICULTIES
        or not STUDENT_ID.fullmatch(parts[1])
        or not variant.isascii()
        or not variant.isdigit()
        or len(variant) > 3
    ):
        raise SpecError(
            f"'{reference[:80]}': a class exercise is named class:<difficulty>:<student id>"
        )
    return random_network(class_seed(secret, parts[0], parts[1], int(variant)), parts[0])


def class_seed(secret: str, difficulty: str, student: str, variant: int) -> int:
    message = f"{difficulty}:{student}" + (f":{variant}" if variant else "")
    digest = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def class_exercises(
    students: list[str], secret: str, difficulty: str
) -> list[tuple[str, str, Spec]]:
    """(student, reference, network) for each student, every network different."""
    seen: set[str] = set()
    exercises = []
    for student in students:
        for variant in range(1000):
            reference = class_reference(difficulty, student, variant)
            network = class_network(reference, secret)
            fingerprint = network_fingerprint(network)
            if fingerprint not in seen:
                break
        else:
            raise SpecError(
                f"'{student}': no network different from the classmates' in 1000 tries; "
                "use a harder --difficulty for a class this big"
            )
        seen.add(fingerprint)
        exercises.append((student, reference, network))
    return exercises


def network_fingerprint(spec: Spec) -> str:
    """What makes two specs the same exercise: the input and the layers, not the name."""
    data = spec.to_dict()
    return json.dumps({k: data.get(k) for k in ("input_shape", "layers")}, sort_keys=True)


def read_roster(path: Path) -> list[str]:
    """Student ids: a CSV with an 'id' column, or one id per line ('#' starts a comment)."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_ROSTER_BYTES + 1)
    except OSError as error:
        raise SpecError(f"{path}: cannot be read ({error.strerror})") from None
    if len(raw) > MAX_ROSTER_BYTES:
        raise SpecError(f"{path}: is over {MAX_ROSTER_BYTES:,} bytes; a roster is a list of ids")
    text = decode(raw, str(path), "a roster", "a roster is a CSV with an 'id' column")
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)]
    lines = [(n, line) for n, line in lines if line and not line.startswith("#")]
    if not lines:
        raise SpecError(f"{path}: has no student ids")
    ids = roster_column(lines, path) if "," in lines[0][1] or lines[0][1].lower() == "id" else lines
    students: dict[str, int] = {}
    for number, student in ids:
        if not STUDENT_ID.fullmatch(student):
            raise SpecError(
                f"{path}: line {number}: {student[:40]!r} is not a usable id (letters, digits "
                "and . _ @ + -, starting with a letter or digit, at most 64)"
            )
        if student in students:
            raise SpecError(
                f"{path}: line {number}: '{student}' is already on line {students[student]}"
            )
        students[student] = number
    return list(students)


def roster_column(lines: list[tuple[int, str]], path: Path) -> list[tuple[int, str]]:
    """The 'id' column of a CSV roster, with line numbers."""
    rows = list(csv.reader(io.StringIO("\n".join(line for _, line in lines))))
    header = [cell.strip().lower() for cell in rows[0]]
    if "id" not in header:
        raise SpecError(f"{path}: line {lines[0][0]}: a CSV roster has an 'id' column")
    column = header.index("id")
    return [
        (number, row[column].strip() if column < len(row) else "")
        for (number, _), row in zip(lines[1:], rows[1:])
    ]
