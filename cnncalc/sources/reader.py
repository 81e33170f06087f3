"""The one way cnncalc reads what users give it: files, standard input and .keras archives,
each bounded before it is read, so no input can make cnncalc read without end.

Every failure is a :class:`SpecError` naming the file. The limits are generous for real
networks and stated in docs/security.md.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from ..errors import SpecError

MIB = 2**20
MAX_MODEL_BYTES = 256 * MIB
"""A spec, a Keras model JSON or an archive's config.json: a 100 MB model config fits."""
MAX_TEXT_BYTES = 64 * MIB
"""A summary printout or an answer sheet: a 50,000-layer model's summary is about 10 MB."""
MAX_ZIP_DIRECTORY_BYTES = 16 * MIB
"""An archive's table of contents: a .keras archive lists three files."""
CHUNK = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
ZIP64_END_BYTES = 56 + 20
"""A zip64 end record and its locator, just before the end record, where zipfile looks."""
STDIN = "-"


def size_text(n_bytes: int) -> str:
    return f"{n_bytes // MIB} MB" if n_bytes >= MIB else f"{n_bytes:,} bytes"


def read_stream(stream: BinaryIO, where: str, limit: int, kind: str = "text") -> bytes:
    """Up to ``limit`` bytes; one byte more is an error, so a stream without end stops (and a
    binary one, such as /dev/zero, at its first block)."""
    chunks, total = [], 0
    while True:
        chunk = stream.read(min(CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        if total == 0 and b"\x00" in chunk[:8192] and not chunk.startswith(ZIP_MAGIC):
            raise SpecError(f"{where}: is a binary file, not {kind}")
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise SpecError(f"{where}: is larger than cnncalc's limit of {size_text(limit)}")


def read_input(source: str | Path, limit: int = MAX_MODEL_BYTES, kind: str = "text") -> bytes:
    """The bytes of a file, or of standard input for '-', at most ``limit`` of them.

    kind: what the file should be, for the error when it is binary ('a JSON or YAML spec').
    """
    if str(source) == STDIN:
        return read_stream(sys.stdin.buffer, "<stdin>", limit, kind)
    path = Path(source)
    try:
        if path.is_dir():
            raise SpecError(f"{path}: is a folder, not a file")
        with path.open("rb") as stream:
            return read_stream(stream, str(path), limit, kind)
    except FileNotFoundError:
        raise SpecError(f"{path}: no such file") from None
    except OSError as error:
        raise SpecError(f"{path}: cannot be read ({error.strerror or error})") from None


def is_archive(path: Path) -> bool:
    """Whether a file starts like a zip archive (a .keras model), without reading the rest."""
    try:
        with path.open("rb") as stream:
            return stream.read(len(ZIP_MAGIC)) == ZIP_MAGIC
    except OSError:
        return False


def read_archive_entry(
    source: bytes | Path, name: str, where: str, limit: int = MAX_MODEL_BYTES
) -> bytes:
    """One entry of a zip archive, inflated at most to ``limit`` bytes; nothing is extracted.

    A file on disk is read in place (a .keras archive's weights may be gigabytes and are never
    read); the entry's declared size and its actual inflated size are both bounded.
    """
    try:
        with source.open("rb") if isinstance(source, Path) else io.BytesIO(source) as stream:
            check_zip_directory(stream, where)
            with zipfile.ZipFile(stream) as archive:
                try:
                    info = archive.getinfo(name)
                except KeyError:
                    raise SpecError(
                        f"{where}: a zip file without a {name}: not a .keras model"
                    ) from None
                if info.flag_bits & 0x1:
                    raise SpecError(f"{where}: {name} is encrypted; cnncalc reads no passwords")
                if info.file_size > limit:
                    raise SpecError(
                        f"{where}: {name} declares {info.file_size:,} bytes, over cnncalc's "
                        f"limit of {size_text(limit)}"
                    )
                with archive.open(info) as entry:
                    return read_stream(entry, f"{where}: {name}", limit)
    except SpecError:
        raise
    except NotImplementedError as error:
        raise SpecError(
            f"{where}: {name} is stored in a way cnncalc cannot read ({error})"
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError) as error:
        raise SpecError(f"{where}: a damaged zip archive ({error})") from None
    except OSError as error:
        raise SpecError(f"{where}: cannot be read ({error.strerror or error})") from None


def check_zip_directory(stream: BinaryIO, where: str) -> None:
    """Refuse an archive whose table of contents is too large to read (from its end record)."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    start = max(0, size - 22 - 65535)
    stream.seek(start)
    tail = stream.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        raise SpecError(f"{where}: a damaged zip archive (no end of central directory)")
    (directory_bytes,) = struct.unpack("<I", tail[end + 12 : end + 16])
    if start + end >= ZIP64_END_BYTES:  # zipfile then reads the size from a zip64 end record
        stream.seek(start + end - ZIP64_END_BYTES)
        zip64 = stream.read(ZIP64_END_BYTES)  # the record (56 bytes), then its locator (20)
        if zip64[56:60] == b"PK\x06\x07" and zip64[:4] == b"PK\x06\x06":
            directory_bytes = max(directory_bytes, struct.unpack("<Q", zip64[40:48])[0])
    stream.seek(0)
    if directory_bytes > MAX_ZIP_DIRECTORY_BYTES:
        raise SpecError(
            f"{where}: the archive's table of contents is {size_text(directory_bytes)}, over "
            f"cnncalc's limit of {size_text(MAX_ZIP_DIRECTORY_BYTES)}"
        )
