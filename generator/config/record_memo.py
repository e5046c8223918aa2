"""What an earlier load read of each stored record (``bao-cao/<đơn vị>.yaml``), kept so that
the next load does not parse the same bytes again.

Every command that loads the campaign reads every record: YAML composed with the line of each
value (so that a message can name the line), each text checked for what must be repaired. For
1.000 records that is 0,8 s — of every ``vanban collect`` into a campaign that has records, of
every build and status. Records change seldom: a collect writes a few, a person edits one now
and then.

So a load keeps, for each record it read without a word to say (no repair, no warning, no
error, and the record taken), the plain values it read, by the SHA-256 of the file's bytes —
not by its times, which a copy, an editor or a shared drive may keep or lose. The next load
reads each file's bytes (a thousand small files: milliseconds) and takes the values for bytes
it has seen — and still validates them and checks them against the campaign as ever: if that
finds anything to say at all, the same bytes are parsed the whole way, and the messages are
exactly those of a load without memo (with their lines). A memo that cannot be read, of
another version, or too large is ignored; one that cannot be written is not written. Nothing
else depends on it.

It lives in ``bao-cao/.vanban/ban-ghi-da-doc.json``, beside the collect's journal.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import yaml

from ..base.exceptions import OutputError
from ..base.transaction import STATE
from ..base.writer import write_atomic

FILE = "ban-ghi-da-doc.json"
VERSION = 3   # 3: a header (reader, checksum) line; 2: by the bytes' SHA-256; 1: by the files' times
MAX_SIZE = 256 * 1024 * 1024   # bytes: 20.000 records of a large form are under 100 MB


@functools.cache
def reader() -> str:
    """What turned a record's bytes into values: the loader's own code (its YAML builder, its
    text repairs) and PyYAML's version. A memo made by another reader is not used — a new
    rule of the loader would otherwise never see the records remembered before it."""
    from .. import __version__
    from ..model import loader

    try:
        made = hashlib.sha256(Path(loader.__file__).read_bytes())
    except OSError:   # (an install without its sources: its version tells the reader)
        made = hashlib.sha256(__version__.encode())
    made.update(f"|{yaml.__version__}|{VERSION}".encode())
    return made.hexdigest()


class RecordMemo:
    """The memo of one records folder, for one load. The file is two lines: a header (its
    version, the reader, the SHA-256 of the second line), then the records' values — a memo
    damaged on the disk, made by another reader, or not a plain file is not used."""

    def __init__(self, folder: Path):
        self.path = folder / STATE / FILE
        self.kept: dict[str, list] = self._read()
        self.now: dict[str, list] = {}       # what this load read, or found unchanged
        self.changed = False

    def _read(self) -> dict[str, list]:
        try:
            st = os.lstat(self.path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SIZE:   # a pipe, a device, a link
                return {}
            with open(self.path, "rb") as fh:
                head = json.loads(fh.readline(4096))
                body = fh.read(MAX_SIZE + 1)
            if not isinstance(head, dict) or head.get("version") != VERSION \
                    or head.get("reader") != reader() \
                    or head.get("sha256") != hashlib.sha256(body).hexdigest():
                return {}
            records = json.loads(body)
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(records, dict):
            return {}
        return {name: entry for name, entry in records.items()
                if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and isinstance(entry[1], dict)}

    @staticmethod
    def digest(raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def get(self, path: Path, digest: str) -> dict | None:
        """The values an earlier load read from the very bytes ``path`` holds, or None."""
        entry = self.kept.get(path.name)
        if entry is None or entry[0] != digest:
            return None
        return entry[1]

    def taken(self, path: Path, digest: str, data: Any, read: bool) -> None:
        """``path`` taken without a word to say: its values remembered. ``read``: parsed by
        this load (else they came from the memo)."""
        if isinstance(data, dict):
            self.now[path.name] = [digest, data]
            self.changed |= read

    def save(self) -> None:
        """Written when it differs from what was read (new or changed files read, files gone)."""
        if not self.changed and self.now.keys() == self.kept.keys():
            return
        entries = []
        for name, entry in self.now.items():
            try:      # values JSON cannot hold (bytes a «!!binary» made) leave their record out
                entries.append(_json(name) + ":" + _json(entry))
            except (TypeError, ValueError):
                continue
        body = ("{" + ",".join(entries) + "}").encode("utf-8", "surrogatepass")
        head = _json({"version": VERSION, "reader": reader(),
                      "sha256": hashlib.sha256(body).hexdigest()}).encode("utf-8")
        try:
            write_atomic(self.path, head + b"\n" + body)
        except OutputError:   # a folder one may only read, a full disk: no memo, nothing lost
            pass


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
