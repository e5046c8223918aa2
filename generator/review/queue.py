"""The review queue: every finding of the campaign in one list, each with its decision.

Sorted by severity (cao, trung bình, thấp), then by what the value does to the consolidated
total (the share of the column's total over every unit that this unit's value makes), then
by unit. A finding is open until a decision is taken on it; «yêu cầu đơn vị sửa» stays open
(the unit owes a corrected return) but is marked as asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config.campaign import CampaignData
from ..config.figures import consolidate
from . import decisions as dec
from .evaluate import READING, Finding, check_unit
from .rules import HIGH, LOW, MEDIUM, SEVERITIES, Checks, load as load_rules

# doubts met while reading a file that no rule repeats (the rules check the values)
_READING = {"ghi tay": MEDIUM, "1,234": HIGH, "hiểu là": HIGH, "chưa có số liệu": MEDIUM,
            "đoạn gợi ý": LOW}


@dataclass
class Item:
    finding: Finding
    unit_name: str
    level: str
    effect: float | None             # the share of the consolidated total this value makes
    decision: dec.Decision | None
    level_id: str = ""

    @property
    def open(self) -> bool:
        return self.decision is None or self.decision.decision == dec.ASK_UNIT

    @property
    def severity_rank(self) -> int:
        return SEVERITIES.index(self.finding.severity)


def findings(data: CampaignData, checks: Checks) -> list[Finding]:
    """Every finding of every unit that reported: the rules', then the reading doubts kept in
    its record."""
    out: list[Finding] = []
    if data.appendix is None:
        return out
    for uid, record in sorted(data.returns.items()):
        member = data.members.get(uid)
        if member is None:
            continue
        out += check_unit(checks, data.appendix, uid, record.figures, member.unit)
        for text in record.findings:
            severity = next((s for marker, s in _READING.items() if marker in text), None)
            if severity is not None:
                out.append(Finding("doc-tep", uid, severity, text, kind=READING))
    return out


def all_findings(data: CampaignData, checks: Checks, data_dir: Path) -> list[Finding]:
    """The rules' findings and reading doubts, then values far from their peers' and from the
    unit's previous figures."""
    from . import peers

    return findings(data, checks) + peers.outliers(data) + peers.jumps(data, data_dir)


def _effects(data: CampaignData) -> dict[tuple[str, str, str], float]:
    """The consolidated total of every cell (table, row, column), to weigh a value against."""
    units = {u.id: u for u in data.units}
    returns = [(units[uid], rec.figures) for uid, rec in data.returns.items() if uid in units]
    out = {}
    for table in data.appendix.tables if data.appendix else []:
        for row, cols in consolidate(table, returns)["values"].items():
            for col, value in cols.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    out[(table.id, row, col)] = value
    return out


def build(data: CampaignData, data_dir: Path, problems: list | None = None) -> list[Item]:
    """The queue of ``data``: every finding with its decision, sorted."""
    checks = load_rules(data_dir, data.appendix, problems if problems is not None else [])
    decided = dec.load(data_dir)
    totals = _effects(data)
    names = {u.id: u.name for u in data.units}
    items = []
    for f in all_findings(data, checks, data_dir):
        effect = None
        if f.cells and f.values and isinstance(f.values[0], (int, float)) and not isinstance(f.values[0], bool):
            total = totals.get(tuple(f.cells[0].split(".")))
            if total:
                effect = abs(f.values[0]) / abs(total)
        member = data.members.get(f.unit)
        items.append(Item(f, names.get(f.unit, f.unit), member.level.name if member else "", effect,
                          decided.get(f.key), member.level.id if member else ""))
    items.sort(key=lambda i: (i.severity_rank, -(i.effect or 0), i.unit_name, i.finding.rule, i.finding.cells))
    return items


def open_high(items: list[Item]) -> list[Item]:
    """The findings that keep the consolidated report a draft: severity «cao», not decided."""
    return [i for i in items if i.finding.severity == HIGH and i.open]


def corrections(items: list[Item]) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """The values a reviewer corrected («sửa»), by unit, table, row and column, for the
    consolidated report to use in place of the typed ones."""
    out: dict = {}
    for item in items:
        d = item.decision
        if d is None or d.decision != dec.CORRECTED or d.corrected is None or not d.cells:
            continue
        table, row, col = d.cells[0].split(".")
        out.setdefault(d.unit, {}).setdefault(table, {}).setdefault(row, {})[col] = d.corrected
    return out


def consolidated_units(data: CampaignData) -> set[str]:
    """The units whose returns the consolidated report adds up: every one received, or only
    those approved when the report says so (``approved_only``)."""
    if not (data.consolidated and data.consolidated.approved_only):
        return set(data.returns)
    from . import states

    saved = states.load(data.folder)
    return {uid for uid, rec in data.returns.items()
            if states.state_of(saved, uid, rec.source.sha256) == states.APPROVED}


def apply_corrections(figures: dict, fixes: dict | None) -> dict:
    """A unit's figures with the values a reviewer corrected put in place of the typed ones."""
    if not fixes:
        return figures
    out = {t: {r: dict(cols) for r, cols in rows.items()} for t, rows in figures.items()}
    for table, rows in fixes.items():
        for row, cols in rows.items():
            out.setdefault(table, {}).setdefault(row, {}).update(cols)
    return out


__all__ = ["Item", "build", "findings", "open_high", "corrections", "LOW", "MEDIUM", "HIGH"]


def pick(items: list[Item], key: str) -> Item:
    """The finding whose key starts with ``key`` (at least 6 characters, as the list shows)."""
    from ..base.exceptions import UsageError

    key = key.strip().lower()
    if len(key) < 6:
        raise UsageError("Ghi ít nhất 6 ký tự đầu của mã chỗ cần xem lại (cột «mã» của danh sách).")
    found = [i for i in items if i.finding.key.startswith(key)]
    if not found:
        raise UsageError(f"Không có chỗ cần xem lại nào mã «{key}» (số liệu đã đổi, hoặc gõ nhầm mã).")
    if len(found) > 1:
        raise UsageError(f"Mã «{key}» trùng nhiều chỗ; ghi dài hơn.")
    return found[0]


def chosen(items: list[Item], *, severity: str | None = None, unit: str | None = None,
           level: str | None = None, table: str | None = None, decided: bool = True) -> list[Item]:
    """The items a reviewer filters the queue to."""
    out = []
    for i in items:
        if severity and i.finding.severity != severity:
            continue
        if unit and i.finding.unit != unit:
            continue
        if level and level not in (i.level, i.level_id):
            continue
        if table and not any(c.startswith(table + ".") for c in i.finding.cells):
            continue
        if not decided and not i.open:
            continue
        out.append(i)
    return out


def where(item: Item, appendix) -> str:
    """The place of a finding as a reader names it."""
    from .evaluate import cell_name

    if not item.finding.cells or appendix is None:
        return ""
    return cell_name(appendix, item.finding.cells[0])


def lines(items: list[Item], appendix) -> list[str]:
    """The queue as the command line prints it: a line per finding, its decision under it."""
    from ..formats import vnrules

    out = []
    for i in items:
        effect = f" · {vnrules.share(i.effect * 100, 100)} tổng" if i.effect else ""
        place = where(i, appendix)
        out.append(f"[{i.finding.severity}] {i.finding.key[:8]}  {i.unit_name}"
                   + (f" — {place}" if place else "") + f": {i.finding.message}{effect}")
        d = i.decision
        if d is not None:
            value = f", dùng {vnrules.figure(d.corrected, 2)}" if d.corrected is not None else ""
            out.append(f"      → {d.decision}{value} ({d.by}, {d.at[:16].replace('T', ' ')})"
                       + (f": {d.note}" if d.note else ""))
    return out


def summary(items: list[Item]) -> str:
    open_items = [i for i in items if i.open]
    high = open_high(items)
    gate = (f" Báo cáo tổng hợp đang là bản DỰ THẢO vì còn {len(high)} chỗ mức «cao» chưa quyết định."
            if high else " Không còn chỗ mức «cao» nào mở: báo cáo tổng hợp là bản chính thức.")
    return f"{len(items)} chỗ cần xem lại, {len(open_items)} chỗ còn mở.{gate}"
