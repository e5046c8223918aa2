"""Writing outputs: deterministic .docx zips, written atomically, only when they changed.

The same entries give the same bytes: entries keep the template's order, carry a fixed time
stamp and fixed attributes, and are compressed the same way. A file is written to a temporary
name in its folder and then renamed over the old one, so a reader (or a crash) only ever sees
the old file or the new one, never half of one.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

from .exceptions import OutputError

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def docx_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``entries`` (name, content) that depends on nothing else."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buffer.getvalue()


def _file_mode() -> int:
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
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            os.chmod(tmp, _file_mode())
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"Không ghi được tệp {path}: {exc.strerror or exc}") from exc
    return True
