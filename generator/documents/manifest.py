"""The build manifest: what each output was made from, so a rebuild redoes only what changed.

For every output the manifest records a key — a hash of everything it depends on: its part
of the data (the data files it reads, its own unit's row), the template, the vanban code and
format profiles — and the size, time and hash of the file written. A rebuild skips an output
whose key is the same and whose file is still the one written. A file whose content is no
longer the one written was edited by a person (in Word): it is marked so and never replaced
silently (see ``edits.py``). The manifest is written last,
atomically; a build stopped midway leaves a manifest that still describes the old files, so
the next build redoes whatever it is unsure of.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import __version__

MANIFEST = Path(".vanban") / "manifest.json"
PACKAGE = Path(__file__).resolve().parent.parent  # generator/


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def engine() -> str:
    """The vanban version and the code and profiles that draw documents: a change to any of
    them rebuilds everything."""
    files = sorted(p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".yaml") and p.is_file())
    return _sha(__version__, *[f"{p.relative_to(PACKAGE)}:{_sha(p.read_bytes())}" for p in files])


def content_hash(data: bytes) -> str:
    return _sha(data)


def file_hash(path: Path) -> str:
    return _sha(path.read_bytes()) if path.is_file() else "-"


def key(depends: list[str], template_hash: str) -> str:
    """The key of an output made from ``depends`` (hashes of its inputs) with the template
    whose hash is ``template_hash`` ("-" for an output made in code, such as a workbook)."""
    return _sha(engine(), template_hash, *depends)


def key_head(depends: list[str], template_hash: str):
    """The hash of all but the last input of a key, to be carried on by :func:`key_from`:
    ``key_from(key_head(d[:-1], t), d[-1]) == key(d, t)``, the first part hashed once for
    the thousands of outputs that share it (every unit's files share all but their row)."""
    digest = hashlib.sha256()
    for part in (engine(), template_hash, *depends):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest


def key_from(head, last: str) -> str:
    digest = head.copy()
    digest.update(last.encode("utf-8"))
    digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class Entry:
    key: str
    size: int
    mtime_ns: int
    sha: str = ""           # hash of the file as vanban left it ("" in manifests of before)
    edited: bool = False    # the file is a person's copy (edited in Word, vanban merges into it)


MISSING, CLEAN, EDITED = "missing", "clean", "edited"


class Manifest:
    def __init__(self, out_dir: Path):
        self.path = out_dir / MANIFEST
        self.out_dir = out_dir
        self._root = str(out_dir) + os.sep
        self.entries: dict[str, Entry] = {}
        self.touched = False    # an entry's size and time brought up to date (file touched)
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries = {name: Entry(**e) for name, e in raw.get("outputs", {}).items()}
        except (OSError, ValueError, TypeError):
            self.entries = {}  # none yet, or unreadable: everything is rebuilt

    def fresh(self, output: str, new_key: str) -> bool:
        """Whether ``output`` was made from the same inputs and is still there (as vanban
        wrote it, or as a person finished it)."""
        entry = self.entries.get(output)
        return entry is not None and entry.key == new_key and self.state(output) != MISSING

    def state(self, output: str, stat: os.stat_result | None = None) -> str:
        """``MISSING`` (no file), ``CLEAN`` (the file vanban left, perhaps only touched) or
        ``EDITED`` (its content changed since vanban wrote it, or a person's copy vanban
        merged into). The file is read only when its size or time changed; a caller that has
        just asked the system about it passes its ``stat``."""
        entry = self.entries.get(output)
        if stat is None:
            try:
                stat = os.stat(self._root + output)
            except OSError:
                return MISSING
        if entry is None:
            return CLEAN
        if entry.edited:
            return EDITED
        if stat.st_size == entry.size and stat.st_mtime_ns == entry.mtime_ns:
            return CLEAN
        try:
            same = bool(entry.sha) and _sha(Path(self._root + output).read_bytes()) == entry.sha
        except OSError:
            return EDITED
        if same:  # touched, copied back, saved unchanged: still vanban's
            entry.size, entry.mtime_ns = stat.st_size, stat.st_mtime_ns
            self.touched = True
            return CLEAN
        return EDITED

    def record(self, output: str, new_key: str, file: Path, sha: str = "", edited: bool = False,
               stat: tuple[int, int] | None = None) -> None:
        """``output`` made with ``new_key`` is ``file`` (the output itself, or the staged file
        about to be renamed into its place: a rename keeps size and time) whose content hashes
        to ``sha``; ``edited``: a person's copy. ``stat``: the file's size and time, when the
        process that wrote it said them (a render worker), else asked of the system here."""
        if stat is None:
            found = file.stat()
            stat = (found.st_size, found.st_mtime_ns)
        self.entries[output] = Entry(new_key, stat[0], stat[1], sha, edited)

    def forget(self, output: str) -> None:
        self.entries.pop(output, None)

    def dumps(self) -> bytes:
        data = {"vanban": __version__,
                "outputs": {name: vars(e) for name, e in sorted(self.entries.items())}}
        # not indented: the C encoder, a few milliseconds for thousands of outputs
        return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
