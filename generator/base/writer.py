"""Writing outputs: deterministic .docx zips, written atomically, only when they changed.

The same entries give the same bytes: entries keep the template's order, carry a fixed time
stamp and fixed attributes, and are compressed the same way. A file is written to a temporary
name in its folder and then renamed over the old one, so a reader (or a crash) only ever sees
the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .exceptions import OutputError
from .exceptions import os_reason
from .memory import keep_freed_memory

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_DOS_TIME, _DOS_DATE = 0, (1 << 5) | 1     # 1980-01-01 00:00
_UTF8 = 0x0800                            # the entry name is UTF-8
_MODE = 0o644 << 16


@dataclass(frozen=True)
class Packed:
    """One zip entry, compressed once: a template's unchanged parts are packed when it is
    compiled and reused for every document."""

    name: str
    crc: int
    size: int
    data: bytes  # raw deflate


keep_freed_memory()   # (see memory.py: zlib's working memory not given back at each pack)


def pack(name: str, data: bytes, level: int = 2) -> Packed:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Packed(name, zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush())


def zip_bytes(entries: list[Packed]) -> bytes:
    """A zip of already packed entries, with a fixed time stamp and attributes: the same
    entries always give the same bytes."""
    out = bytearray()
    central = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = _UTF8 if not entry.name.isascii() else 0
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, _DOS_TIME, _DOS_DATE,
                           entry.crc, len(entry.data), entry.size, len(name), 0)
        out += name + entry.data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 8, _DOS_TIME,
                               _DOS_DATE, entry.crc, len(entry.data), entry.size, len(name), 0,
                               0, 0, 0, _MODE, offset)
        central += name
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central),
                       start, 0)
    return bytes(out)


def docx_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``entries`` (name, content) that depends on nothing else."""
    return zip_bytes([pack(name, data) for name, data in entries])


TEMP_SUFFIX = ".tmp"  # a file being written; a run killed then leaves it (``transaction.recover``)


def file_mode() -> int:
    """The mode a plain ``open()`` would give a new file (0644 under the usual umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; return whether it wrote.

    The new content goes to a temporary file beside ``path`` and replaces it in one rename.
    """
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
        try:
            os.chmod(tmp, file_mode())
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"Không ghi được tệp {path}: {os_reason(exc)}") from exc
    return True
