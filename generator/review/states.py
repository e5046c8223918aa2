"""The life of a return: «đã nhận» → «đang xem xét» → «đã duyệt» or «trả lại».

Kept in ``data/xem-xet/trang-thai.yaml`` by unit, each change appended to the review log. A
return without an entry is «đã nhận». «Đã duyệt» locks its figures to the file approved: a
different file from that unit is held as a conflict until someone «mở khóa» with a reason.
«Trả lại» needs its reason (the letter to the unit says it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from ..base.exceptions import UsageError
from ..config.store import now_iso
from ..base.transaction import lock
from ..base.writer import write_atomic
from . import decisions as dec

RECEIVED, REVIEWING, APPROVED, RETURNED = "đã nhận", "đang xem xét", "đã duyệt", "trả lại"
STATES = (RECEIVED, REVIEWING, APPROVED, RETURNED)
FILE = "trang-thai.yaml"
HEADER = "# Tình trạng xem xét báo cáo của từng đơn vị (vanban review); thay đổi nào cũng ghi vào nhat-ky.jsonl.\n"


@dataclass
class State:
    state: str
    reason: str = ""
    by: str = ""
    at: str = ""
    sha256: str = ""        # the file the state was given to (approved: the locked one)


def load(data_dir: Path) -> dict[str, State]:
    path = dec.folder(data_dir) / FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(f"Không đọc được {dec.FOLDER}/{FILE}: {exc}") from None
    out = {}
    for unit, item in (raw.get("units") or {}).items():
        try:
            out[str(unit)] = State(**item)
        except TypeError:
            raise UsageError(f"{dec.FOLDER}/{FILE}, mục «{unit}»: không đúng dạng") from None
    return out


def state_of(states: dict[str, State], unit: str, sha256: str | None) -> str:
    """A unit's state; a return never looked at, or a new file since, is «đã nhận»."""
    s = states.get(unit)
    if sha256 is None:
        return ""
    if s is None or (s.sha256 and s.sha256 != sha256 and s.state != APPROVED):
        return RECEIVED
    return s.state


def change(data_dir: Path, unit: str, state: str, sha256: str, reason: str = "", by: str | None = None) -> State:
    """Give ``unit``'s return (the file ``sha256``) ``state``, logged."""
    if state not in STATES:
        raise UsageError(f"Tình trạng «{state}» không có; chọn: {', '.join(STATES)}.")
    if state == RETURNED and not reason.strip():
        raise UsageError("Trả lại báo cáo cần ghi lý do (sẽ nêu trong văn bản gửi đơn vị).")
    with lock(data_dir):
        states = load(data_dir)
        before = states.get(unit)
        if before is not None and before.state == APPROVED and state != APPROVED and not reason.strip():
            raise UsageError("Báo cáo đã duyệt: mở khóa cần ghi lý do.")
        new = State(state, reason.strip(), by or dec.who(), now_iso(), sha256)
        states[unit] = new
        body = {"units": {u: {k: v for k, v in asdict(s).items() if v} for u, s in sorted(states.items())}}
        write_atomic(dec.folder(data_dir) / FILE,
                     (HEADER + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)).encode("utf-8"))
        dec.append_log(data_dir, {"viec": "đổi tình trạng", "don_vi": unit,
                                  "tu": before.state if before else RECEIVED, "thanh": state,
                                  "ly_do": new.reason, "nguoi": new.by, "tep_sha256": sha256})
    return new


def locked(data_dir: Path, unit: str) -> str | None:
    """The hash of the approved file of ``unit`` (its figures locked), or None."""
    s = load(data_dir).get(unit)
    return s.sha256 if s is not None and s.state == APPROVED else None


def counts(data, data_dir: Path) -> list[tuple[str, dict[str, int]]]:
    """Per level: how many returns are in each state (units that sent nothing left out)."""
    states = load(data_dir)
    out: dict[str, dict[str, int]] = {}
    for member in data.members.values():
        record = data.returns.get(member.id)
        if record is None:
            continue
        line = out.setdefault(member.level.name, {s: 0 for s in STATES})
        line[state_of(states, member.id, record.source.sha256)] += 1
    return list(out.items())


def summary(data, data_dir: Path) -> str:
    """The states per level, a line each, as ``status`` and ``review`` print them."""
    lines = []
    for level, n in counts(data, data_dir):
        lines.append(f"{level}: " + ", ".join(f"{n[s]} {s}" for s in STATES))
    return "Xem xét báo cáo — " + ("; ".join(lines) if lines else "chưa nhận báo cáo nào") + "."


def branches_lines(data) -> list[str]:
    """The reports sent up by units with branches: how many of their branches' reports they
    approved (as the file sent up says)."""
    out = []
    for member in data.members.values():
        record = data.returns.get(member.id)
        if record is None or not record.branches_approved:
            continue
        approved, received, listed = record.branches_approved.split("/")
        out.append(f"{member.name}: lập từ báo cáo của {received}/{listed} chi bộ trực thuộc, "
                   f"{approved} báo cáo đã được duyệt")
    return out
