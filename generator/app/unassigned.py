"""Returned files whose unit vanban could not tell (no marks and a header naming no unit, or
two units), kept until a person assigns each to a unit by hand — or drops it.

They wait in ``data/.vanban/chua-ro/<id>/`` (the file as sent, and what was said of it);
assigning one reads it again with the unit given (``collect(…, unit=…)``: the figures and
words read as from any return, stored with ``identified_by: chọn tay``), the same rules of
conflict and replacement as any return.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..config import store
from ..intake.collect import CollectReport, collect
from ..base.exceptions import UsageError

FOLDER = Path(".vanban") / "chua-ro"
ABOUT = "ve-tep.json"


@dataclass(frozen=True)
class Held:
    id: str
    file: str          # the name it was sent with
    reason: str        # why its unit was not told
    held_at: str       # ISO time
    path: Path


def folder(data_dir: Path) -> Path:
    return data_dir / FOLDER


def hold(data_dir: Path, path: Path, shown: str, reason: str) -> Held:
    """Keep ``path`` (sent as ``shown``) until a person assigns it."""
    held_id = secrets.token_hex(6)
    target = folder(data_dir) / held_id
    target.mkdir(parents=True)
    kept = target / _plain_name(shown, path.suffix.lower())   # stored under the name it was sent with
    shutil.copyfile(path, kept)
    about = {"file": shown, "reason": reason, "at": store.now_iso()}
    (target / ABOUT).write_text(json.dumps(about, ensure_ascii=False), encoding="utf-8")
    return Held(held_id, shown, reason, about["at"], kept)


def held(data_dir: Path) -> list[Held]:
    """The files waiting, oldest first; one whose description cannot be read is passed over."""
    out = []
    root = folder(data_dir)
    for entry in sorted(root.iterdir()) if root.is_dir() else []:
        try:
            about = json.loads((entry / ABOUT).read_text(encoding="utf-8"))
            kept = next(p for p in entry.iterdir() if p.name != ABOUT)
        except (OSError, ValueError, StopIteration):
            continue
        out.append(Held(entry.name, str(about.get("file", "")), str(about.get("reason", "")),
                        str(about.get("at", "")), kept))
    return sorted(out, key=lambda h: h.held_at)


def find(data_dir: Path, held_id: str) -> Held:
    for h in held(data_dir):
        if h.id == held_id:
            return h
    raise UsageError("Không còn tệp này trong danh sách chờ (có thể đã được nhận hoặc bỏ).")


def assign(data_dir: Path, held_id: str, unit_id: str, *, replace: bool = False,
           received: date | None = None) -> CollectReport:
    """Read the waiting file as ``unit_id``'s return; it leaves the waiting list unless it is
    refused again (then the report says why)."""
    item = find(data_dir, held_id)
    report = collect([item.path], data_dir, replace=replace, received=received, unit=unit_id)
    if not report.refused:
        shutil.rmtree(item.path.parent, ignore_errors=True)
    return report


def drop(data_dir: Path, held_id: str) -> Held:
    item = find(data_dir, held_id)
    shutil.rmtree(item.path.parent, ignore_errors=True)
    return item


def _plain_name(shown: str, suffix: str) -> str:
    name = shown.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    name = "".join(ch if ch.isalnum() or ch in "-_. ()" else "_" for ch in name)[:150]
    if not name or name == ABOUT:
        name = "tep"
    return name if name.lower().endswith(suffix) else name + suffix
