"""Mutation testing of cnncalc's core with mutmut, one module at a time.

    python scripts/mutation.py                      # every module in MODULES (hours on 2 cores)
    python scripts/mutation.py formulas layers/conv # only these
    python scripts/mutation.py --list               # the modules and the tests each runs

Why per module: mutmut 3 reads its configuration from pyproject.toml and mutates everything
it is given, running the tests that cover each mutated function. A whole-core run on a small
shared machine takes hours, and one score for everything hides the weak module. So each
module runs in its own scratch copy (under .mutation/<module>/, ignored by git), whose
[tool.mutmut] names that one module and the fast tests that guard it. The Keras oracle tests
are deselected (`-m "not keras"`; tests/conftest.py marks them): forking TensorFlow per
mutant is slow and unsafe, so the score counts only what the fast tests catch (a lower bound).

The summary table gives killed / surviving / other (timeouts, suspicious) and the score
(killed over killed plus survived) per module; `--show` prints each survivor's diff, which
docs/testing.md lists with why it is equivalent or harmless.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".mutation"

# The fast tests every layer family has: rules with their working, refusals, costs per kind.
FAMILY_TESTS = [
    "tests/test_layer_families.py",
    "tests/test_costs_kinds.py",
    "tests/test_engine.py",
]

# module (under cnncalc/, without .py) -> the fast test files that guard it
MODULES: dict[str, list[str]] = {
    "formulas": [
        "tests/test_formulas_by_hand.py",
        "tests/test_formulas.py",
        "tests/test_properties.py",
        "tests/test_engine.py",
    ],
    "errors": ["tests/test_errors_by_hand.py", "tests/test_engine.py", "tests/test_cli.py"],
    "layers/conv": [
        "tests/test_conv_by_hand.py",
        "tests/test_formulas.py",
        "tests/test_properties.py",
        "tests/test_engine.py",
    ],
    "layers/pooling": [
        "tests/test_pooling_by_hand.py",
        "tests/test_formulas.py",
        "tests/test_engine.py",
    ],
    "layers/core": [
        "tests/test_core_by_hand.py",
        "tests/test_engine.py",
        "tests/test_layer_families.py",
        "tests/test_spec.py",
    ],
    "layers/merge": [
        "tests/test_merge_by_hand.py",
        "tests/test_engine.py",
        "tests/test_untested_paths.py",
        "tests/test_layer_families.py",
    ],
    "layers/normalization": [
        "tests/test_normalization_by_hand.py",
        "tests/test_engine.py",
        "tests/test_spec.py",
    ],
    "layers/reshaping": [
        "tests/test_reshaping_by_hand.py",
        "tests/test_engine.py",
        "tests/test_spec.py",
    ],
    "layers/base": [
        "tests/test_base_by_hand.py",
        "tests/test_normalization_by_hand.py",
        "tests/test_conv_by_hand.py",
        "tests/test_engine.py",
        "tests/test_formulas.py",
        "tests/test_spec.py",
        "tests/test_layer_families.py",
    ],
    "layers/activations": ["tests/test_activations_by_hand.py", *FAMILY_TESTS],
    "layers/adaptive_pooling": ["tests/test_adaptive_pooling_by_hand.py", *FAMILY_TESTS],
    "layers/applications": ["tests/test_applications_by_hand.py", *FAMILY_TESTS],
    "layers/attention": ["tests/test_attention_by_hand.py", *FAMILY_TESTS],
    "layers/audio": ["tests/test_audio_by_hand.py", *FAMILY_TESTS],
    "layers/augmentation": ["tests/test_augmentation_by_hand.py", *FAMILY_TESTS],
    "layers/einsum": ["tests/test_einsum_by_hand.py", *FAMILY_TESTS],
    "layers/embedding": ["tests/test_embedding_by_hand.py", *FAMILY_TESTS],
    "layers/lookup": ["tests/test_lookup_by_hand.py", *FAMILY_TESTS],
    "layers/models": ["tests/test_models_by_hand.py", *FAMILY_TESTS],
    "layers/preprocessing": ["tests/test_preprocessing_by_hand.py", *FAMILY_TESTS],
    "layers/recurrent": ["tests/test_recurrent_by_hand.py", *FAMILY_TESTS],
    "layers/regularization": ["tests/test_regularization_by_hand.py", *FAMILY_TESTS],
    # TimeDistributed over an Embedding: its positions are read by the receptive-field tests
    "layers/wrappers": [
        "tests/test_wrappers_by_hand.py",
        *FAMILY_TESTS,
        "tests/test_costs_receptive.py",
    ],
    "dtypes": ["tests/test_dtypes.py"],
    "render/escaping": [
        "tests/test_escaping.py",
        "tests/test_render_formats.py",
        "tests/test_doctests.py",
    ],
    # the engine hands each layer's name and reach to the receptive-field tracer
    "engine": [
        "tests/test_engine_by_hand.py",
        "tests/test_engine.py",
        "tests/test_properties.py",
        "tests/test_costs_receptive.py",
    ],
    "analysis": [
        "tests/test_analysis_by_hand.py",
        "tests/test_engine.py",
        "tests/test_render_formats.py",
    ],
    "spec/model": ["tests/test_spec.py", "tests/test_doctests.py"],
    "costs/memory": ["tests/test_costs.py", "tests/test_costs_memory.py"],
    "costs/receptive": ["tests/test_costs_receptive.py"],
    "keras/summary": ["tests/test_summary.py"],
    # not test_crosscheck.py: its crosscheck tests build Keras models (their names lack "keras")
    "keras/compare": ["tests/test_summary.py", "tests/test_doctests.py"],
    "sources/keras_config": ["tests/test_keras_import.py", "tests/test_config_import.py"],
    # the .h5 attribute's declared length, read from the file's bytes (crafted files in the test)
    "sources/hdf5_layout": ["tests/test_config_import.py"],
    "classroom/answers": [
        "tests/test_answers.py",
        "tests/test_grading_paths.py",
        "tests/test_doctests.py",
    ],
    "classroom/grading": [
        "tests/test_grading.py",
        "tests/test_grading_paths.py",
        "tests/test_class.py",
        "tests/test_grading_by_hand.py",
        "tests/test_doctests.py",
    ],
    # measured without test_cli.py (before docs/ was copied its clean run failed); the
    # formats are checked cell by cell in test_render_formats
    "render/tables": [
        "tests/test_render_formats.py",
        "tests/test_tables.py",
        "tests/test_doctests.py",
    ],
}

# Deselect the tests that build real Keras models (marked `keras` by tests/conftest.py, whatever
# their names say), and use few Hypothesis examples.
PYTEST_ARGS = ["-p", "no:randomly", "-x", "-q", "-m", "not keras", "--hypothesis-profile=mutation"]
COPIED = ["cnncalc", "tests", "conftest.py", "pyproject.toml", "README.md", "docs"]
# What mutmut must copy beside the mutated sources into mutants/, where the tests run: the
# Hypothesis profiles, and the docs and README that tests read (without them the clean run
# fails and mutmut stops before checking a single mutant).
ALSO_COPIED = ["conftest.py", "README.md", "docs"]


@dataclass
class Score:
    module: str
    killed: int
    survived: list[str]
    other: dict[str, int]

    @property
    def percent(self) -> float:
        """Killed over killed plus survived; a mutant never checked counts as not killed."""
        judged = self.killed + len(self.survived) + self.other.get("not checked", 0)
        return 100.0 * self.killed / judged if judged else 100.0


def scratch_copy(module: str, tests: list[str]) -> Path:
    """A copy of the project whose [tool.mutmut] mutates only `module`."""
    where = SCRATCH / module.replace("/", ".")
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, where / name)
    existing = [t for t in tests if (ROOT / t).exists()]
    pyproject = (where / "pyproject.toml").read_text(encoding="utf-8")
    # Drop the checkout's own section: every line up to the next table header (a value such as
    # ["cnncalc"] opens a line with "[" too, so match headers, not brackets).
    pyproject = re.sub(
        r"\n\[tool\.mutmut\]\n(?:(?!\[[A-Za-z_][\w.\-]*\][ \t]*(?:#.*)?\n).*\n)*", "\n", pyproject
    )
    pyproject += (
        "\n[tool.mutmut]\n"
        'source_paths = ["cnncalc"]\n'
        f'only_mutate = ["cnncalc/{module}.py"]\n'
        f"pytest_add_cli_args = {json.dumps(PYTEST_ARGS)}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(existing)}\n"
        "use_git_change_detection = false\n"
        f"also_copy = {json.dumps(ALSO_COPIED)}\n"
    )
    (where / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return where


def run_module(module: str, children: int) -> Score:
    where = scratch_copy(module, MODULES[module])
    environment = {**os.environ, "PYTHONPATH": str(where), "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run(
        [sys.executable, "-m", "mutmut", "run", "--max-children", str(children)],
        cwd=where,
        env=environment,
        check=False,
        capture_output=True,
        text=True,
    )
    if run.returncode:
        # mutmut stops before checking any mutant when the clean test run fails or no selected
        # test reaches the module; say why instead of leaving only "not checked".
        said = [line.rpartition("\r")[2] for line in (run.stdout + run.stderr).splitlines()]
        print(f"mutmut stopped on {module} (exit code {run.returncode}):", file=sys.stderr)
        print("\n".join(said[-25:]), file=sys.stderr)
    return read_score(module, where)


def read_score(module: str, where: Path) -> Score:
    """Count the verdicts `mutmut results --all true` prints ("    name: verdict")."""
    result = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=where,
        env={**os.environ, "PYTHONPATH": str(where)},
        capture_output=True,
        text=True,
        check=False,
    )
    killed, survived, other = 0, [], {}
    for line in result.stdout.splitlines():
        name, _, verdict = line.strip().rpartition(": ")
        if not name.startswith("cnncalc."):
            continue
        if verdict == "killed":
            killed += 1
        elif verdict in ("survived", "no tests"):  # nothing caught it either way
            survived.append(name)
        else:
            other[verdict] = other.get(verdict, 0) + 1
    return Score(module, killed, sorted(survived), other)


def show(module: str, mutant: str) -> str:
    where = SCRATCH / module.replace("/", ".")
    result = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", mutant],
        cwd=where,
        env={**os.environ, "PYTHONPATH": str(where)},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout


def table(scores: list[Score]) -> str:
    lines = [
        "| module | killed | survived | other | score |",
        "|---|---:|---:|---|---:|",
    ]
    for s in scores:
        other = ", ".join(f"{k} {v}" for k, v in sorted(s.other.items())) or "—"
        lines.append(
            f"| cnncalc/{s.module}.py | {s.killed} | {len(s.survived)} | {other} "
            f"| {s.percent:.1f}% |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules under cnncalc/, e.g. formulas")
    parser.add_argument("--children", type=int, default=1, help="parallel mutmut workers")
    parser.add_argument("--list", action="store_true", help="list the modules and their tests")
    parser.add_argument("--show", action="store_true", help="print every survivor's diff")
    parser.add_argument(
        "--report-only", action="store_true", help="read the last run's results, run nothing"
    )
    arguments = parser.parse_args()
    if arguments.list:
        for module, tests in MODULES.items():
            print(f"{module:24} {' '.join(tests)}")
        return 0
    unknown = [m for m in arguments.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; --list shows the known ones")
    scores = []
    for module in arguments.modules or list(MODULES):
        if arguments.report_only:
            score = read_score(module, SCRATCH / module.replace("/", "."))
        else:
            score = run_module(module, arguments.children)
        scores.append(score)
        print(table([score]).splitlines()[-1], flush=True)
        if arguments.show:
            for mutant in score.survived:
                print(show(module, mutant))
    print()
    print(table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
