"""A no-op ``vanban build`` answered without loading the campaign.

A build that finds nothing to do still pays for Python's imports, reading and validating the
whole campaign and checking every output: over half a second for a large campaign. Most
builds a person runs again are no-ops. So after a build has left ``out/`` complete and
untouched by anyone (nothing merged, kept, locked or refused), it records a *stamp*:

- every file the build reads, by path, size and modification time: the data folder (with the
  returns received, the review's decisions, last period's figures), the three template
  folders, and vanban's own package files (a new vanban version is a change);
- every file under the out folder, the same way (an output edited in Word, deleted, or
  opened — Word's owner file, LibreOffice's lock — is a change);
- today's date and ``SOURCE_DATE_EPOCH`` (documents that print the day they are made);
- what that no-op would print (the data's warnings and the count line).

The next plain ``vanban build`` (no option but ``--data``/``--out``) compares the stamp with
the folders as they are, by listing and ``stat`` only; when nothing differs it prints the
recorded lines and stops. Anything else, and any doubt (no stamp, an unreadable one, another
option), goes the whole way. A stamp is written only after a build that succeeded; any
later change to the folders (a build that wrote, a collect, an edit) changes their listing,
so an old stamp never matches again — a build that fails leaves ``out/`` exactly as it was,
stamp included.

This module uses the standard library only (and ``bundled``, which does too): it runs before
anything else is imported.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import date
from pathlib import Path

from .bundled import PACKAGE, template_dirs

STAMP = ".vanban/nhanh.json"   # under the out folder
VERSION = 1


def _listing(root: Path, skip: str | None = None) -> list[str]:
    """Every file under ``root`` as «path size mtime_ns», sorted; caches left out."""
    out: list[str] = []
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            name = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    stack.append((entry.path, name + "/"))
            elif name != skip:
                st = entry.stat(follow_symlinks=False)
                out.append(f"{name}\t{st.st_size}\t{st.st_mtime_ns}")
    out.sort()
    return out


def fingerprint(data_dir: Path, out_dir: Path, templates: list[Path]) -> str:
    """One hash of everything a plain build reads and leaves, as the file system says now."""
    h = hashlib.sha256()
    parts = [("du-lieu", data_dir), ("vanban", PACKAGE), ("ket-qua", out_dir)]
    parts += [(f"mau-{i}", folder) for i, folder in enumerate(templates)]
    for label, folder in parts:
        h.update(f"\n#{label} {os.path.abspath(folder)}\n".encode())
        listing = _listing(folder, STAMP if label == "ket-qua" else None)
        h.update("\n".join(listing).encode("utf-8", "surrogatepass"))
    h.update(f"\n#{date.today().isoformat()} {os.environ.get('SOURCE_DATE_EPOCH', '')}".encode())
    return h.hexdigest()


def forget(out_dir: Path) -> None:
    """Remove the stamp (a full build is about to change things)."""
    try:
        os.unlink(out_dir / STAMP)
    except OSError:
        pass


def record(data_dir: Path, out_dir: Path, lines: list[tuple[str, str]]) -> None:
    """After a full build that left everything in order: what a no-op prints, and the stamp
    of the folders now. ``lines``: (``"out"`` or ``"err"``, text)."""
    from ..base.writer import write_atomic

    body = {"version": VERSION, "data": os.path.abspath(data_dir), "out": os.path.abspath(out_dir),
            "lines": lines}
    body["stamp"] = fingerprint(data_dir, out_dir, template_dirs(data_dir))
    try:
        write_atomic(out_dir / STAMP, json.dumps(body, ensure_ascii=False).encode("utf-8"))
    except Exception:   # a stamp is only a shortcut: never fail a build over it
        forget(out_dir)


def _plain_build(argv: list[str]) -> tuple[Path, Path] | None:
    """``build`` with at most ``--data``/``--out``: the two folders; else ``None``."""
    if not argv or argv[0] != "build":
        return None
    found = {"--data": "data", "--out": "out"}
    rest = argv[1:]
    while rest:
        arg = rest.pop(0)
        key, eq, value = arg.partition("=")
        if key not in found:
            return None
        if not eq:
            if not rest:
                return None
            value = rest.pop(0)
        found[key] = value
    return Path(found["--data"]), Path(found["--out"])


def answer(argv: list[str]) -> bool:
    """Print a no-op build's lines and return True when ``argv`` is a plain build and the
    stamp still holds; False (nothing printed) in every other case."""
    if os.environ.get("VANBAN_NO_QUICK"):
        return False
    folders = _plain_build(argv)
    if folders is None:
        return False
    data_dir, out_dir = folders
    try:
        body = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
        if body.get("version") != VERSION or body.get("data") != os.path.abspath(data_dir) \
                or body.get("out") != os.path.abspath(out_dir):
            return False
        if body.get("stamp") != fingerprint(data_dir, out_dir, template_dirs(data_dir)):
            return False
        lines = [(stream, text) for stream, text in body["lines"]]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    for stream, text in lines:
        print(text, file=sys.stderr if stream == "err" else sys.stdout)
    return True
