"""Writing output files: one helper for every -o, one line and exit 2 for every failure,
nothing half-written, an existing file untouched when writing fails, symlinks not followed."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cnncalc.cli import app

runner = CliRunner()
KERAS_JSON = (
    '{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": '
    '"InputLayer", "config": {"batch_shape": [null, 4], "name": "in"}}, {"class_name": "Dense", '
    '"config": {"name": "d", "units": 2}}]}, "keras_version": "3.0.0"}'
)


def commands(tmp_path: Path) -> dict[str, list[str]]:
    """Every command that writes a file with -o (other commands' -o use the same helper)."""
    model = tmp_path / "model.json"
    model.write_text(KERAS_JSON)
    return {"exercise": ["exercise", "mnist"], "import": ["import", str(model)]}


@pytest.mark.parametrize("command", ["exercise", "import"])
@pytest.mark.parametrize(
    ("target", "force", "message"),
    [
        ("nodir/x.out", False, "the folder {tmp}/nodir does not exist"),
        (".", True, "is a folder; give a file name inside it"),
        ("/dev/full", True, "/dev/full: cannot be written (No space left on device)"),
        ("/proc/cnncalc.out", False, "/proc/cnncalc.out: cannot be written"),  # unwritable
    ],
)
def test_every_write_failure_is_one_line_and_exit_2(
    tmp_path: Path, command: str, target: str, force: bool, message: str
) -> None:
    path = target if target.startswith("/") else str(tmp_path / target)
    arguments = [*commands(tmp_path)[command], "-o", path, *(["--force"] if force else [])]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and message.format(tmp=tmp_path) in lines[0]
    assert "Traceback" not in result.output


def test_a_written_file_is_complete_and_never_silently_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "sheet.yaml"
    assert runner.invoke(app, ["exercise", "mnist", "-o", str(path)]).exit_code == 0
    assert path.read_text().startswith("# Fill in") and path.read_text().endswith("total_params:\n")
    result = runner.invoke(app, ["exercise", "lenet5", "-o", str(path)])
    assert result.exit_code == 2 and "already exists; use --force" in result.stderr
    assert 'exercise: "mnist"' in path.read_text()
    assert runner.invoke(app, ["exercise", "lenet5", "-o", str(path), "--force"]).exit_code == 0
    assert 'exercise: "lenet5"' in path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.yaml"]  # no temporary left


def test_a_symlink_is_replaced_never_followed(tmp_path: Path) -> None:
    dangling = tmp_path / "link.yaml"
    os.symlink(tmp_path / "elsewhere.yaml", dangling)
    refused = runner.invoke(app, ["exercise", "mnist", "-o", str(dangling)])
    assert refused.exit_code == 2 and "already exists" in refused.stderr
    assert runner.invoke(app, ["exercise", "mnist", "-o", str(dangling), "--force"]).exit_code == 0
    assert not (tmp_path / "elsewhere.yaml").exists() and not dangling.is_symlink()
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "to_precious.yaml"
    os.symlink(target, link)
    assert runner.invoke(app, ["exercise", "mnist", "-o", str(link), "--force"]).exit_code == 0
    assert target.read_text() == "keep me" and "mnist" in link.read_text()


def limited_file_size() -> None:
    """In the child: files may not grow past 200 bytes (a disk that fills up mid-write)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))


def test_a_failed_write_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    """Planted failure: the kernel refuses to grow any file past 200 bytes (EFBIG)."""
    path = tmp_path / "sheet.yaml"
    path.write_text("my answers")
    repository = Path(__file__).parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "cnncalc", "exercise", "resnet50", "-o", str(path), "--force"],
        capture_output=True,
        text=True,
        preexec_fn=limited_file_size,
        # no .pyc written under the limit: a truncated one would break every later run
        env={**os.environ, "PYTHONPATH": str(repository), "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"error: {path}: cannot be written (File too large); nothing was changed"
    ]
    assert path.read_text() == "my answers"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.yaml"]


def test_a_gradebook_is_written_by_the_same_helper(tmp_path: Path) -> None:
    sheet = tmp_path / "a.yaml"
    sheet.write_text("exercise: mnist\nlayers:\n  - {name: conv2d, params: 320}\n")
    book = tmp_path / "book.csv"
    result = runner.invoke(app, ["check", str(sheet), "-f", "csv", "-o", str(book)])
    assert result.exit_code == 1 and result.stdout == "" and f"wrote {book}" in result.stderr
    assert book.read_text().startswith("file,student,score,max_score")
    again = runner.invoke(app, ["check", str(sheet), "-f", "csv", "-o", str(book)])
    assert again.exit_code == 2 and "already exists" in again.stderr
    missing = runner.invoke(app, ["check", str(sheet), "-o", str(tmp_path / "no" / "b.csv")])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
