"""Docs stay true: every layer kind documented, the README's examples run."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import cnncalc

ROOT = Path(__file__).resolve().parent.parent


def test_layer_docs_are_generated_from_the_registry() -> None:
    script = runpy.run_path(str(ROOT / "scripts" / "build_layer_docs.py"))
    current = (ROOT / "docs" / "layers.md").read_text(encoding="utf-8")
    assert current == script["render"](), "run: python scripts/build_layer_docs.py"


def test_every_layer_kind_has_a_rule_summary() -> None:
    from cnncalc.layers import REGISTRY

    assert [kind for kind, rule in REGISTRY.items() if not rule.summary] == []


def test_readme_quick_start_runs_in_a_virtual_environment_with_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "python3 -m venv .venv && . .venv/bin/activate" in quick_start.splitlines()
    commands = [line for line in quick_start.splitlines() if line.startswith("pip install")]
    assert commands == [
        'pip install ".[keras]" && cnncalc analyze mnist --explain',
        'pip install -e ".[dev]" && pytest',
    ]


def test_docs_python_example_runs() -> None:
    spec = cnncalc.Spec(
        name="tiny",
        input_shape=[28, 28, 1],
        layers=[
            cnncalc.layers.Conv2D(filters=32, kernel_size=3, activation="relu"),
            cnncalc.layers.MaxPooling2D(),
            cnncalc.layers.Flatten(),
            cnncalc.layers.Dense(units=10),
        ],
    )
    result = cnncalc.analyze(spec)
    assert result.total_params == 54410
    assert "54410" in (ROOT / "docs" / "spec.md").read_text(encoding="utf-8")


def console_blocks(text: str) -> list[tuple[str, str]]:
    """(command, printed output) for each `$ cnncalc ...` block with its output shown."""
    import re

    found = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        lines = block.rstrip("\n").split("\n")
        if lines[0].startswith("$ ") and len(lines) > 1 and not lines[1].startswith("$ "):
            found.append((lines[0][2:], "\n".join(lines[1:])))
    return found


def test_readme_outputs_are_what_cnncalc_prints() -> None:
    import shlex
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    checked = 0
    for command, shown in console_blocks(readme):
        if "..." in shown or "|" in command.replace("| cnncalc", ""):
            continue
        if command.startswith("echo "):
            echoed, _, rest = command.partition(" | ")
            stdin = shlex.split(echoed)[1]
            command = rest
        else:
            stdin = ""
        args = shlex.split(command)[1:]
        process = subprocess.run(
            [sys.executable, "-m", "cnncalc", *args],
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        assert (process.stdout + process.stderr).rstrip("\n") == shown, command
        checked += 1
    assert checked >= 2


def test_the_docs_layer_counts_are_cnncalcs() -> None:
    """'ResNet50 (176 layers' in the docs is the number of rows cnncalc lists (Keras's
    model.layers counts one more, its InputLayer)."""
    counted = {"ResNet50": "resnet50", "DenseNet121": str(ROOT / "tests/data/densenet121.json")}
    for page in (ROOT / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for name, spec in counted.items():
            for found in re.finditer(rf"{name} \(([0-9,]+) layers", text):
                stated = int(found.group(1).replace(",", ""))
                assert stated == len(cnncalc.analyze(spec).layers), (page.name, found.group(0))


def test_every_layer_kind_is_in_the_layer_docs() -> None:
    from cnncalc.layers import REGISTRY

    docs = (ROOT / "docs" / "layers.md").read_text(encoding="utf-8")
    assert [kind for kind in REGISTRY if f"| `{kind}` |" not in docs] == []
