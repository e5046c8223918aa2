"""Decisions on findings, and the log of every one of them.

``data/xem-xet/quyet-dinh.yaml`` keeps the decision taken on each finding, by its key — the
rule, the unit, the cells and the values they held (``evaluate.Finding.key``). Collecting the
same file again or rebuilding finds the same key and the same decision; a changed value makes
another key, and the finding is open again. ``data/xem-xet/nhat-ky.jsonl`` gets one line per
decision (who, when, what, the returned file's hash), appended and never rewritten.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..base.exceptions import UsageError
from ..config.store import now_iso
from ..base.transaction import lock
from ..base.writer import write_atomic

if TYPE_CHECKING:   # a type only: recording a decision needs none of the rules
    from .evaluate import Finding

FOLDER = "xem-xet"
DECIDED = "quyet-dinh.yaml"
LOG = "nhat-ky.jsonl"

EXPLAINED, ACCEPTED, CORRECTED, ASK_UNIT = "đã giải trình", "chấp nhận", "sửa", "yêu cầu đơn vị sửa"
KINDS = (EXPLAINED, ACCEPTED, CORRECTED, ASK_UNIT)
NEEDS_NOTE = (EXPLAINED, CORRECTED, ASK_UNIT)
HEADER = ("# Quyết định xem xét số liệu (vanban review): mỗi mục là quyết định về một chỗ cần xem lại,\n"
          "# theo mã của nó (quy tắc, đơn vị, ô, giá trị). Số liệu đổi thì mục cũ không còn áp dụng.\n")


@dataclass
class Decision:
    key: str
    rule: str
    unit: str
    cells: list[str]
    values: list
    decision: str
    note: str = ""
    corrected: float | None = None      # «sửa»: the value to use, the typed one kept beside
    by: str = ""
    at: str = ""
    extra: dict = field(default_factory=dict)


def folder(data_dir: Path) -> Path:
    return data_dir / FOLDER


def load(data_dir: Path) -> dict[str, Decision]:
    path = folder(data_dir) / DECIDED
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(f"Không đọc được {FOLDER}/{DECIDED}: {exc}") from None
    out = {}
    for key, item in (raw.get("decisions") or {}).items():
        try:
            out[key] = Decision(key=key, **item)
        except TypeError:
            raise UsageError(f"{FOLDER}/{DECIDED}, mục «{key}»: không đúng dạng một quyết định") from None
    return out


def who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user name on this system
        return "?"


def decide(data_dir: Path, finding: Finding, kind: str, note: str = "", corrected: float | None = None,
           by: str | None = None, file_sha: str = "") -> Decision:
    """Record ``kind`` on ``finding`` (and log it). A note is required to explain, to correct
    and to ask the unit; a correction needs the value to use."""
    if kind not in KINDS:
        raise UsageError(f"Quyết định «{kind}» không có; chọn một trong: {', '.join(KINDS)}.")
    if kind in NEEDS_NOTE and not note.strip():
        raise UsageError(f"Quyết định «{kind}» cần ghi rõ lý do, giải trình hoặc điều đề nghị đơn vị.")
    if kind == CORRECTED:
        if corrected is None:
            raise UsageError("Quyết định «sửa» cần giá trị đúng để dùng thay giá trị đơn vị ghi.")
        if len(finding.cells) != 1 and not finding.cells[:1]:
            raise UsageError("Chỗ này không gắn với một ô nên không sửa được giá trị.")
    decision = Decision(finding.key, finding.rule, finding.unit, list(finding.cells),
                        [_plain(v) for v in finding.values], kind, note.strip(), corrected,
                        by or who(), now_iso())
    with lock(data_dir):
        decided = load(data_dir)
        decided[decision.key] = decision
        _write(data_dir, decided)
        append_log(data_dir, {"viec": "quyết định", "ma": decision.key, "quy_tac": decision.rule,
                              "don_vi": decision.unit, "o": decision.cells, "gia_tri": decision.values,
                              "quyet_dinh": kind, "ghi_chu": decision.note,
                              "gia_tri_sua": corrected, "nguoi": decision.by, "tep_sha256": file_sha})
    return decision


def _plain(value):
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def _write(data_dir: Path, decided: dict[str, Decision]) -> None:
    body = {"decisions": {k: {n: v for n, v in asdict(d).items() if n != "key" and v not in ("", None, {})}
                          for k, d in sorted(decided.items())}}
    text = HEADER + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)
    write_atomic(folder(data_dir) / DECIDED, text.encode("utf-8"))


def append_log(data_dir: Path, entry: dict) -> None:
    """One line more in the log, written at its end and forced to disk; never rewritten."""
    path = folder(data_dir) / LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"luc": now_iso(), **entry}, ensure_ascii=False, sort_keys=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_log(data_dir: Path) -> list[dict]:
    path = folder(data_dir) / LOG
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except FileNotFoundError:
        return []
