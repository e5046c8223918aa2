"""Figures far from the other units' and from the unit's own previous figure.

Per indicator (a typed count cell of a form) and per level, a unit's value is compared with
the values of the other units of its level that reported it, by the modified z-score
(Iglewicz and Hoaglin): ``0,6745 × (x − trung vị) / MAD``, MAD the median of the absolute
deviations; beyond 3,5 the value is «khác thường». It takes at least :data:`MIN_PEERS` units
reporting that cell, so a handful of returns flags nothing. Where a previous campaign's
records are given (``data/ky-truoc/*.yaml``, its ``bao-cao/`` copied), a value more than
:data:`JUMP` times its previous figure (or less than its inverse) is flagged too. Both are
findings of severity «thấp»: something to look at, not an error.
"""

from __future__ import annotations

from pathlib import Path
from statistics import median

import yaml

from ..formats import vnrules
from ..config.campaign import CampaignData
from ..config.layout import INPUT, applies, cell_kind, columns
from ..config.figures import visible_rows
from .evaluate import Finding
from .rules import LOW

MIN_PEERS = 8
LIMIT = 3.5
JUMP = 3.0
PREVIOUS = "ky-truoc"
PEERS_RULE, HISTORY_RULE = "khac-cac-don-vi-cung-cap", "khac-ky-truoc"
COMPARED = "so sánh"


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def outliers(data: CampaignData) -> list[Finding]:
    """Values far from their level's others, each with the median and the usual range."""
    if data.appendix is None:
        return []
    groups: dict[tuple, list[tuple[str, float]]] = {}
    for uid, record in data.returns.items():
        member = data.members.get(uid)
        if member is None:
            continue
        for table in data.appendix.tables:
            if not applies(table.applies_to, member.unit):
                continue
            cols = columns(table)
            for row in visible_rows(table, member.unit):
                if row.type != "count" or row.total:
                    continue
                for col in cols:
                    if cell_kind(row, col) != INPUT:
                        continue
                    value = record.figures.get(table.id, {}).get(row.id, {}).get(col.id)
                    if _number(value):
                        groups.setdefault((member.level.id, table.id, row.id, col.id), []).append((uid, value))
    out = []
    for (level, table, row, col), values in sorted(groups.items()):
        if len(values) < MIN_PEERS:
            continue
        xs = [v for _, v in values]
        mid = median(xs)
        spread = median(abs(x - mid) for x in xs)
        scale = spread / 0.6745 if spread else 1.253314 * sum(abs(x - mid) for x in xs) / len(xs)
        if not scale:
            continue
        low, high = mid - LIMIT * scale, mid + LIMIT * scale
        for uid, x in sorted(values):
            if low <= x <= high:
                continue
            cell = f"{table}.{row}.{col}"
            out.append(Finding(PEERS_RULE, uid, LOW,
                               f"khác xa các đơn vị cùng cấp: ghi {_n(x)}, trung vị của {len(xs)} đơn vị là "
                               f"{_n(mid)}, khoảng thường gặp {_n(max(low, 0))}–{_n(high)}",
                               (cell,), (x,), COMPARED))
    return out


def previous_figures(data_dir: Path) -> dict[str, dict]:
    """The figures of a previous campaign's records, by unit (none when not given)."""
    out = {}
    for path in sorted((data_dir / PREVIOUS).glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            continue
        if isinstance(raw, dict) and isinstance(raw.get("figures"), dict):
            out[str(raw.get("unit") or path.stem)] = raw["figures"]
    return out


def jumps(data: CampaignData, data_dir: Path) -> list[Finding]:
    """Values far from the same unit's figure of the previous campaign."""
    before = previous_figures(data_dir)
    out = []
    for uid, record in sorted(data.returns.items()):
        old = before.get(uid)
        if not old:
            continue
        for table, rows in record.figures.items():
            for row, cols in rows.items():
                for col, value in cols.items():
                    was = old.get(table, {}).get(row, {}).get(col) if isinstance(old.get(table), dict) else None
                    if not (_number(value) and _number(was)) or was <= 0 or value <= 0:
                        continue
                    if value > JUMP * was or value * JUMP < was:
                        out.append(Finding(HISTORY_RULE, uid, LOW,
                                           f"khác xa kỳ trước: ghi {_n(value)}, kỳ trước {_n(was)}",
                                           (f"{table}.{row}.{col}",), (value,), COMPARED))
    return out


def _n(value) -> str:
    return vnrules.figure(value, 0 if float(value).is_integer() else 1)
