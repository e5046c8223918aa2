"""``vanban status``: which units have reported, which are late, which are missing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from ..formats import vnrules
from ..config.campaign import CampaignData, is_late

REPORTED = "đã gửi"
LATE = "gửi muộn"
MISSING = "chưa gửi"
OVERDUE = "quá hạn, chưa gửi"


@dataclass(frozen=True)
class UnitStatus:
    unit_id: str
    name: str
    level: str
    deadline: date
    state: str
    received: date | None


def statuses(data: CampaignData, today: date) -> list[UnitStatus]:
    """One line per unit, in the order of don-vi.csv."""
    out = []
    for member in data.members.values():
        record = data.returns.get(member.id)
        if record is not None:
            state = LATE if data.late(member.id) else REPORTED
            received = record.received
        else:
            state = OVERDUE if is_late(today, member.deadline) else MISSING
            received = None
        out.append(UnitStatus(member.id, member.name, member.level.name, member.deadline, state, received))
    return out


def counts_by_level(lines: list[UnitStatus]) -> list[tuple[str, dict[str, int]]]:
    levels: dict[str, dict[str, int]] = {}
    for line in lines:
        counts = levels.setdefault(line.level, {REPORTED: 0, LATE: 0, MISSING: 0, OVERDUE: 0})
        counts[line.state] += 1
    return list(levels.items())


def table(lines: list[UnitStatus]) -> str:
    """A table for the terminal: TT, unit, level, deadline, state, date received."""
    head = ["TT", "Đơn vị", "Cấp", "Hạn", "Tình trạng", "Ngày nhận"]
    rows = [[str(i), s.name, s.level, vnrules.short_date(s.deadline), s.state,
             vnrules.short_date(s.received) if s.received else ""] for i, s in enumerate(lines, 1)]
    widths = [max(len(r[k]) for r in rows + [head]) for k in range(len(head))]
    fmt = "  ".join(f"{{:{'>' if k == 0 else '<'}{w}}}" for k, w in enumerate(widths))
    out = [fmt.format(*head), "  ".join("-" * w for w in widths)]
    out += [fmt.format(*r) for r in rows]
    return "\n".join(line.rstrip() for line in out)


def summary(lines: list[UnitStatus]) -> str:
    out = []
    for level, counts in counts_by_level(lines):
        total = sum(counts.values())
        out.append(f"{level}: {total} đơn vị — {counts[REPORTED]} {REPORTED}, {counts[LATE]} {LATE}, "
                   f"{counts[MISSING]} {MISSING}, {counts[OVERDUE]} quá hạn chưa gửi")
    sent = sum(1 for s in lines if s.received)
    out.append(f"Cộng: {sent}/{len(lines)} đơn vị đã gửi báo cáo ({vnrules.share(sent, len(lines))}).")
    return "\n".join(out)


def as_csv(lines: list[UnitStatus]) -> bytes:
    """The same lines for Excel: UTF-8 with BOM so Excel shows Vietnamese letters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["tt", "ma_don_vi", "don_vi", "cap", "han", "tinh_trang", "ngay_nhan"])
    for i, s in enumerate(lines, 1):
        writer.writerow([i, s.unit_id, s.name, s.level, vnrules.short_date(s.deadline), s.state,
                         vnrules.short_date(s.received) if s.received else ""])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(lines: list[UnitStatus]) -> bytes:
    """The same lines as an Excel workbook, with a filter on every column."""
    from ..documents.xlsx import table_workbook

    rows = [[i, s.unit_id, s.name, s.level, vnrules.short_date(s.deadline), s.state,
             vnrules.short_date(s.received) if s.received else ""] for i, s in enumerate(lines, 1)]
    return table_workbook("Tình trạng", ["TT", "Mã đơn vị", "Đơn vị", "Cấp", "Hạn gửi",
                                         "Tình trạng", "Ngày nhận"], rows, [6, 30, 50, 16, 12, 18, 12])
