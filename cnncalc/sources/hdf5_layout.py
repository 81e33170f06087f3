"""Just enough of HDF5's file layout to read the length a variable-length string attribute
declares, before HDF5 reads the string.

Why: HDF5 (1.14) allocates and zeroes a buffer of the declared length (up to 4 GiB, a 4-byte
field) before it checks that the file holds that many bytes, so a 6 KB file can make it fill
4 GB of memory, and h5py offers no way to see the length first. This reads the attribute's
message in the object header, as the HDF5 file format specification lays it out (object
headers versions 1 and 2, attribute messages versions 1 to 3, continuation blocks); anything
else (a user block, 4-byte addresses, attributes in dense storage, shared messages) is a
LayoutError, and the caller refuses the file: Keras never writes those.
"""

from __future__ import annotations

from typing import BinaryIO

SIGNATURE = b"\x89HDF\r\n\x1a\n"
CONTINUATION = 0x0010
ATTRIBUTE = 0x000C
ATTRIBUTE_INFO = 0x0015  # names the fractal heap of attributes in dense storage, if any
UNDEFINED = b"\xff" * 8  # an address that is not set
SHARED = 0x02  # a message flag: the body points to a shared message, not the attribute
MAX_MESSAGES = 65_536  # version 1 headers count their messages in 2 bytes
MAX_CHUNKS = 1_024


class LayoutError(ValueError):
    """The file is not laid out as this reader expects (or is damaged)."""


def read_at(stream: BinaryIO, address: int, size: int) -> bytes:
    stream.seek(address)
    data = stream.read(size)
    if len(data) != size:
        raise LayoutError(f"{size} bytes at {address} are past the end of the file")
    return data


def number(data: bytes) -> int:
    return int.from_bytes(data, "little")


def check_superblock(stream: BinaryIO) -> None:
    """Addresses are 8 bytes and count from the start of the file, as h5py writes them."""
    head = read_at(stream, 0, 36)
    if head[:8] != SIGNATURE:
        raise LayoutError("the HDF5 signature is not at the start of the file")
    version = head[8]
    if version in (0, 1):
        sizes, base = head[13:15], number(read_at(stream, 24 + 4 * version, 8))
    elif version in (2, 3):
        sizes, base = head[9:11], number(head[12:20])
    else:
        raise LayoutError(f"superblock version {version}")
    if sizes != b"\x08\x08" or base != 0:
        raise LayoutError("addresses that are not 8 bytes from the start of the file")


def messages(stream: BinaryIO, header: int) -> list[tuple[int, int, int, int]]:
    """(type, flags, address of the body, size of the body) of an object header's messages,
    in HDF5's order: the first chunk's, then each continuation block's as it is named."""
    prefix = read_at(stream, header, 6)
    if prefix[:4] == b"OHDR":  # version 2: sizes of 1 to 8 bytes, then a checksum
        if prefix[4] != 2:
            raise LayoutError(f"object header version {prefix[4]}")
        flags = prefix[5]
        at = header + 6 + (16 if flags & 0x20 else 0) + (4 if flags & 0x10 else 0)
        width = 1 << (flags & 0x03)
        chunks = [(at + width, number(read_at(stream, at, width)))]
        message_head = 6 if flags & 0x04 else 4  # type, size, flags (and creation order)
    elif prefix[0] == 1:  # version 1: a 16-byte prefix, messages aligned to 8 bytes
        chunks = [(header + 16, number(read_at(stream, header + 8, 4)))]
        message_head = 8
    else:
        raise LayoutError(f"object header version {prefix[0]}")
    found: list[tuple[int, int, int, int]] = []
    visited: set[int] = set()
    while chunks:
        start, size = chunks.pop(0)
        if start in visited or len(visited) >= MAX_CHUNKS:
            raise LayoutError("object header chunks that loop")
        visited.add(start)
        at, end = start, start + size
        while at + message_head <= end:
            head = read_at(stream, at, message_head)
            if message_head == 8:
                kind, length, flags = number(head[:2]), number(head[2:4]), head[4]
            else:
                kind, length, flags = head[0], number(head[1:3]), head[3]
            body = at + message_head
            found.append((kind, flags, body, length))
            if len(found) > MAX_MESSAGES:
                raise LayoutError(f"more than {MAX_MESSAGES:,} header messages")
            if kind == CONTINUATION:
                block = read_at(stream, body, 16)
                address, block_size = number(block[:8]), number(block[8:])
                if message_head == 8:
                    chunks.append((address, block_size))
                elif read_at(stream, address, 4) == b"OCHK":  # signature, messages, checksum
                    chunks.append((address + 4, block_size - 8))
                else:
                    raise LayoutError("a continuation block without its signature")
            at = body + length
    return found


def padded(size: int, version: int) -> int:
    """Version 1 attribute messages pad their name, type and space to 8 bytes."""
    return (size + 7) // 8 * 8 if version == 1 else size


def declared_lengths(stream: BinaryIO, header: int, name: str) -> list[int]:
    """The length (in bytes) that each attribute called ``name`` in the object header at
    ``header`` declares for its first variable-length string; [] when none is found.

    Every message HDF5 could take for that attribute is counted (a name is read as HDF5 reads
    it, up to its first NUL), and a header that may keep attributes elsewhere (dense storage,
    shared messages) is refused, so no decoy can pass for the attribute HDF5 reads.
    """
    check_superblock(stream)
    wanted = name.encode()
    lengths = []
    for kind, flags, body, size in messages(stream, header):
        if kind == ATTRIBUTE_INFO:
            head = read_at(stream, body, 2)
            heap = read_at(stream, body + (4 if head[1] & 0x01 else 2), 8)
            if heap != UNDEFINED:
                raise LayoutError("attributes in dense storage")
        if kind != ATTRIBUTE:
            continue
        if flags & SHARED:
            raise LayoutError("a shared attribute message")
        head = read_at(stream, body, 9)
        version = head[0]
        if version not in (1, 2, 3):
            raise LayoutError(f"attribute message version {version}")
        name_size, type_size, space_size = (number(head[i : i + 2]) for i in (2, 4, 6))
        at = 9 if version == 3 else 8  # version 3 adds the name's encoding
        if read_at(stream, body + at, name_size).split(b"\0")[0] != wanted:
            continue
        at += padded(name_size, version) + padded(type_size, version) + padded(space_size, version)
        if at + 4 > size:
            raise LayoutError(f"attribute '{name}' holds no string reference")
        lengths.append(number(read_at(stream, body + at, 4)))
    return lengths
