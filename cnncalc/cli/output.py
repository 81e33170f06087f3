"""Writing output files safely: the one helper every command's -o goes through.

A file is written to a temporary file beside the target and renamed over it, so a failure
(a full disk, a size limit, an interrupted run) leaves the old file as it was and never a
half-written one. The rename replaces a symlink rather than following it, so ``-o`` onto a
(dangling) link never creates or changes the file it points to. A device or pipe (e.g.
/dev/stdout, /dev/full) is written directly. Every OS error is one line, exit code 2.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import typer

from ..errors import SpecError


def write_output(
    content: str | bytes, output: Path | None, force: bool, quiet: bool = False
) -> None:
    """Print text, or write text or bytes to ``output`` (never silently overwriting it);
    ``quiet`` leaves out the 'wrote FILE' line (for a command that writes many)."""
    if output is None:
        if isinstance(content, bytes):
            raise SpecError("binary output needs a file: give -o FILE")
        typer.echo(content)
        return
    data = content if isinstance(content, bytes) else (content + "\n").encode("utf-8")
    try:
        write_file(data, output, force)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise SpecError(f"{output}: cannot be written ({reason}); nothing was changed") from None
    if not quiet:
        typer.echo(f"wrote {output}", err=True)


def writable_target(output: Path, force: bool) -> os.stat_result | None:
    """What stands at ``output`` now (None: nothing), once writing there may go ahead: not a
    folder, not an existing file without --force, in a folder that exists. A command with
    slow work to do calls it first too, so it fails before the work."""
    try:
        status = output.lstat()
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise SpecError(f"{output}: cannot be written ({error.strerror})") from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise SpecError(f"{output}: is a folder; give a file name inside it")
    if status is not None and not force:
        raise SpecError(f"{output}: already exists; use --force to overwrite it")
    if not output.parent.is_dir():
        raise SpecError(f"{output}: the folder {output.parent} does not exist")
    return status


def write_file(data: bytes, output: Path, force: bool) -> None:
    status = writable_target(output, force)
    folder = output.parent
    if status is not None and not stat.S_ISREG(status.st_mode) and not stat.S_ISLNK(status.st_mode):
        with output.open("wb") as device:  # a device or a pipe: there is nothing to replace
            device.write(data)
        return
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if status is not None and stat.S_ISREG(status.st_mode):
            os.chmod(temporary, stat.S_IMODE(status.st_mode))
        else:
            os.chmod(temporary, 0o666 & ~current_umask())
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
