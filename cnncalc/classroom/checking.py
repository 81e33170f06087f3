"""Grading many files: each sheet finds its own exercise, and each file's failure stays its own.

A sheet names its exercise: a preset, ``random:…``, a class exercise (needs the secret), a
spec file in the sheet's own folder, or the spec embedded. It never names a file elsewhere
(no '-', no absolute path, no '..'): a sheet is someone else's file, and must not point the
grader at the grader's own files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analysis import Analysis
from ..engine import analyze_spec
from ..errors import CnncalcError, SpecError
from ..sources import RANDOM_PREFIX, load_preset, load_spec
from ..spec import Spec, parse_spec
from .answers import AnswerSheet, read_answers
from .classes import class_network, is_class_reference, network_fingerprint
from .grading import Report, grade
from .worksheet import first_mismatch

MAX_REFERENCE = 255
"""Longer than any file name: an exercise name past it is not a name."""
MAX_ERROR = 300
"""An error row's length: enough to say what, short enough for a gradebook cell."""


@dataclass(frozen=True)
class Exercise:
    label: str
    spec: Spec
    analysis: Analysis


def check_files(
    paths: list[Path],
    spec_source: str | None = None,
    reveal: bool = False,
    progress: Callable[[], None] | None = None,
    secret: str | None = None,
) -> list[Report]:
    """Grade every file; a file that cannot be read, matched or graded is its own error row."""
    given = None if spec_source is None else exercise_of(f"'{spec_source}'", load_spec(spec_source))
    cache: dict[str, Exercise] = {}
    reports = []
    for path in paths:
        try:
            reports.append(check_file(path, given, cache, secret, reveal))
        except CnncalcError as error:
            reports.append(Report(str(path), error=one_line(str(error))))
        except Exception as error:  # one sheet must never stop the batch
            reason = f"unexpected {type(error).__name__}: {error}"
            reports.append(Report(str(path), error=one_line(reason)))
        if progress:
            progress()
    return reports


def one_line(text: str) -> str:
    text = text.replace("\r", " ").replace("\n", "; ")
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"


def check_file(
    path: Path,
    given: Exercise | None,
    cache: dict[str, Exercise],
    secret: str | None,
    reveal: bool,
) -> Report:
    sheet = read_answers(path)
    if sheet.exercise is None:
        if given is None:
            raise SpecError(f"{path}: names no exercise; give the network with --spec")
        exercise = given
    else:
        exercise = sheet_exercise(sheet, path, cache, secret)
        if given is not None and network_fingerprint(given.spec) != network_fingerprint(
            exercise.spec
        ):
            raise SpecError(
                f"{path}: the sheet is the exercise {exercise.label} but --spec is "
                f"{given.label}: different networks (leave out --spec to grade the sheet's own)"
            )
    mismatch = first_mismatch(sheet, exercise.spec, exercise.analysis)
    if mismatch is not None:
        cause = (
            "wrong --secret (or CNNCALC_SECRET), or the sheet was edited"
            if is_class_reference(sheet.exercise)
            else "the sheet was edited, or made for another network"
        )
        raise SpecError(f"{path}: {mismatch}: {cause}")
    report = grade(sheet, exercise.spec, exercise.analysis, reveal)
    if is_class_reference(sheet.exercise):
        report.student = str(sheet.exercise).split(":")[2]
    elif secret is not None:  # a class is graded: a sheet that left it says so
        report.notes.append(f"not a class exercise: the sheet names {exercise.label}")
    return report


def sheet_exercise(
    sheet: AnswerSheet, path: Path, cache: dict[str, Exercise], secret: str | None
) -> Exercise:
    """The network a sheet names (loaded once per batch)."""
    reference = sheet.exercise
    key = json.dumps(reference, sort_keys=True) if isinstance(reference, dict) else str(reference)
    beside = None
    if isinstance(reference, str):
        beside = spec_beside(reference, path)
        if beside is not None:
            key = str(beside.resolve())
    if key not in cache:
        cache[key] = exercise_of(label_of(reference), load_named(reference, beside, secret))
    return cache[key]


def label_of(reference: Any) -> str:
    return "(the spec embedded in the sheet)" if isinstance(reference, dict) else f"'{reference}'"


def load_named(reference: Any, beside: Path | None, secret: str | None) -> Spec:
    if isinstance(reference, dict):
        return parse_spec(reference)
    if beside is not None:
        return load_spec(beside)
    if is_class_reference(reference):
        return class_network(reference, secret)
    if reference.startswith(RANDOM_PREFIX):  # never a file of that name in the working folder
        from ..sources.random_networks import random_spec

        return random_spec(reference)
    return load_preset(reference)


def spec_beside(reference: str, path: Path) -> Path | None:
    """The spec file a sheet names in its own folder; refuses any other file."""
    if len(reference) > MAX_REFERENCE:
        raise SpecError(
            f"{path}: the exercise name is {len(reference):,} characters long; a sheet names a "
            "preset, random:…, a spec file beside it, or embeds the spec"
        )
    candidate = Path(reference)
    if reference == "-" or candidate.is_absolute() or ".." in candidate.parts or "\\" in reference:
        raise SpecError(
            f"{path}: the exercise {reference[:80]!r} names a file outside the sheet's folder; "
            "a sheet names a preset, random:…, a spec file beside it, or embeds the spec"
        )
    folder = path.parent.resolve()
    beside = path.parent / candidate
    if not beside.is_file():
        return None
    if not beside.resolve().is_relative_to(folder):
        raise SpecError(f"{path}: the exercise {reference!r} links outside the sheet's folder")
    return beside


def exercise_of(label: str, spec: Spec) -> Exercise:
    return Exercise(label, spec, analyze_spec(spec))
