"""Every figure of the consolidated report traced to the cells it came from.

For each figure the report's tables print — a sum, a total, a rate, a count of «Có» — this
module records how it is worked out and which units' cells made it: the unit, the file it
sent (name and SHA-256 hash: the file itself is kept under ``bao-cao/tep/``), the cell, the
value as stored and the value used (a reviewer's correction), when it was read, and what the
review says of it. ``nguon-so-lieu.xlsx`` shows it: a sheet of the consolidated figures, a
sheet of what each unit contributed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..formats import vnrules
from ..config.campaign import CampaignData
from ..config.figures import computed, consolidate, visible_rows
from ..config.layout import INPUT, applies, cell_kind, columns, formula_parts
from ..review import queue
from ..review.evaluate import table_position

OUTPUT = "nguon-so-lieu.xlsx"


@dataclass
class Contribution:
    unit: str
    cell: str               # table.row.column
    stored: object          # as the unit's record holds it
    used: object            # as the consolidated report uses it (a reviewer's correction)


@dataclass
class Traced:
    cell: str               # the consolidated figure's place: table.row.column
    value: object
    how: str                # in words
    contributions: list[Contribution] = field(default_factory=list)


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def trace(data: CampaignData, items: list[queue.Item]) -> list[Traced]:
    """Every figure of the consolidated report's tables with its contributors."""
    if data.appendix is None:
        return []
    fixes = queue.corrections(items)
    units = {u.id: u for u in data.units}
    counted = queue.consolidated_units(data)
    used = [(units[uid], queue.apply_corrections(rec.figures, fixes.get(uid)), rec.figures)
            for uid, rec in sorted(data.returns.items()) if uid in units and uid in counted]
    out: list[Traced] = []
    for table in data.appendix.tables:
        sums = consolidate(table, [(u, f) for u, f, _ in used])
        cols = columns(table)
        for row in table.rows:
            for col in cols:
                where = f"{table.id}.{row.id}.{col.id}"
                if row.type == "yesno":
                    if col.total:
                        continue
                    who = [Contribution(u.id, where, stored.get(table.id, {}).get(row.id, {}).get(col.id), True)
                           for u, f, stored in used if applies(table.applies_to, u)
                           and row in visible_rows(table, u) and f.get(table.id, {}).get(row.id, {}).get(col.id) is True]
                    out.append(Traced(where, sums["yes"][row.id],
                                      f"số đơn vị trả lời «Có» trong {sums['answered'][row.id]} đơn vị đã trả lời",
                                      who))
                    continue
                value = sums["values"].get(row.id, {}).get(col.id)
                if value is None:
                    continue
                parts = formula_parts(row)
                if row.type == "percent" and parts:
                    top, bottom = parts
                    n, left = sums["basis"][row.id][col.id]
                    who = []
                    for u, f, stored in used:
                        mine = computed(table, f.get(table.id, {}), u)
                        a, b = mine.get(top, {}).get(col.id), mine.get(bottom, {}).get(col.id)
                        if _number(a) and _number(b):
                            who += _inputs(table, u, f, stored, top, col.id)
                            who += _inputs(table, u, f, stored, bottom, col.id)
                    how = (f"tổng «{top}» / tổng «{bottom}» × 100, trên {n} đơn vị ghi đủ cả hai số"
                           + (f" ({left} đơn vị chỉ ghi một số không được tính)" if left else ""))
                    out.append(Traced(where, value, how, who))
                    continue
                who = []
                for u, f, stored in used:
                    if applies(table.applies_to, u) and row in visible_rows(table, u):
                        who += _inputs(table, u, f, stored, row.id, col.id)
                how = "tổng của các đơn vị" if not (row.total or col.total) else \
                    "tổng các dòng" if row.total and not col.total else \
                    "tổng các cột" if col.total and not row.total else "tổng các dòng và các cột"
                out.append(Traced(where, value, how, who))
    return out


_SHAPES: dict[int, tuple[dict, dict]] = {}


def _shape(table) -> tuple[dict, dict]:
    """A table's rows and columns by id (made once per table object)."""
    shape = _SHAPES.get(id(table))
    if shape is None or shape[2] is not table:
        shape = _SHAPES[id(table)] = ({r.id: r for r in table.rows}, {c.id: c for c in columns(table)}, table)
    return shape[0], shape[1]


def _inputs(table, unit, used: dict, stored: dict, row_id: str, col_id: str) -> list[Contribution]:
    """The typed cells a unit's value at (row, column) is made of: itself, or the rows and
    columns its total adds."""
    rows, cols = _shape(table)
    row, col = rows[row_id], cols[col_id]
    row_ids = [r.id for r in visible_rows(table, unit) if r.type == "count" and not r.total] \
        if row.total else [row_id]
    col_ids = [c.id for c in cols.values() if not c.total] if col.total else [col_id]
    out = []
    for r in row_ids:
        for c in col_ids:
            if cell_kind(rows[r], cols[c]) != INPUT:
                continue
            value = used.get(table.id, {}).get(r, {}).get(c)
            if _number(value):
                out.append(Contribution(unit.id, f"{table.id}.{r}.{c}",
                                        stored.get(table.id, {}).get(r, {}).get(c), value))
    return out


def workbook(data: CampaignData, items: list[queue.Item]) -> bytes:
    """``nguon-so-lieu.xlsx``: the consolidated figures, then what each unit contributed."""
    from .xlsx import tables_workbook
    from ..review.evaluate import cell_name

    traced = trace(data, items)
    names = {u.id: u.name for u in data.units}
    state = {}
    for i in items:
        for cell in i.finding.cells:
            mark = "còn mở" if i.open else i.decision.decision
            state.setdefault((i.finding.unit, cell), []).append(f"{i.finding.severity}: {mark}")
    figures = []
    for t in traced:
        table = t.cell.split(".")[0]
        value = round(t.value, 2) if isinstance(t.value, float) else t.value
        figures.append([t.cell, f"Phụ lục {table_position(data.appendix, table)}",
                        cell_name(data.appendix, t.cell), value, t.how, len({c.unit for c in t.contributions})])
    rows = []
    for t in traced:
        for c in t.contributions:
            record = data.returns[c.unit]
            stored = "Có" if c.stored is True else c.stored
            used_value = "Có" if c.used is True else c.used
            rows.append([t.cell, names.get(c.unit, c.unit), c.unit, record.source.file, record.source.sha256,
                         c.cell, "" if stored is None else stored, used_value,
                         record.source.collected[:19].replace("T", " "), vnrules.short_date(record.received),
                         "; ".join(state.get((c.unit, c.cell), [])) or "không có gì cần xem lại"])
    return tables_workbook([
        ("Số liệu tổng hợp", ["Mã số liệu", "Phụ lục", "Ô", "Giá trị", "Cách tính", "Số đơn vị góp"],
         figures, [24, 12, 60, 14, 60, 14]),
        ("Theo đơn vị", ["Mã số liệu", "Đơn vị", "Mã đơn vị", "Tệp đơn vị gửi", "SHA-256 của tệp",
                         "Ô của đơn vị", "Giá trị đơn vị ghi", "Giá trị dùng", "Đọc lúc", "Ngày nhận",
                         "Xem xét"],
         rows, [24, 40, 30, 30, 20, 24, 14, 14, 18, 12, 30]),
    ])
