"""How complete the returns are, per level: received, on time, and filled — never above 100 %.

Counted over the units of the list as it is now: a unit removed after it reported counts on
neither side (and is named). Content completeness is the share of the cells a unit has to
fill (the forms' typed cells that apply to it) that hold something, together with the parts
of the outline it wrote under; a return with every cell blank is received but 0 % complete,
and named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..formats import vnrules
from ..config.campaign import CampaignData
from ..config.store import folder


@dataclass
class Level:
    name: str
    units: int = 0
    received: int = 0
    on_time: int = 0
    cells: int = 0            # cells to fill, over the units that reported
    filled: int = 0
    empty: list[str] = field(default_factory=list)   # units that reported with every cell blank


@dataclass
class Completeness:
    levels: list[Level]
    removed: list[str]        # units that reported, no longer in the list


def completeness(data: CampaignData) -> Completeness:
    levels: dict[str, Level] = {}
    for member in data.members.values():
        line = levels.setdefault(member.level.id, Level(member.level.name))
        line.units += 1
        record = data.returns.get(member.id)
        if record is None:
            continue
        line.received += 1
        line.on_time += not data.late(member.id)
        mine = filled = 0
        for form in member.forms:
            for cell in form.cells:
                if not cell.is_input:
                    continue
                mine += 1
                value = record.figures.get(form.table.id, {}).get(cell.row.id, {}).get(cell.column.id)
                filled += value is not None
        line.cells += mine
        line.filled += filled
        if mine and not filled:
            line.empty.append(member.name)
    removed = sorted(p.stem for p in folder(data.folder).glob("*.yaml") if p.stem not in data.members)
    return Completeness(list(levels.values()), removed)


def lines(found: Completeness) -> list[str]:
    out = []
    for line in found.levels:
        filled = vnrules.share(line.filled, line.cells) if line.cells else "—"
        out.append(f"{line.name}: nhận {line.received}/{line.units} ({vnrules.share(line.received, line.units)}), "
                   f"đúng hạn {line.on_time}/{line.units}, ô số liệu đã điền {line.filled}/{line.cells} ({filled})")
        if line.empty:
            out.append(f"  gửi báo cáo nhưng chưa điền ô nào (đầy đủ 0%): {', '.join(line.empty)}")
    if found.removed:
        out.append(f"Không tính (đã gửi nhưng không còn trong danh sách đơn vị): {', '.join(found.removed)}")
    return out
