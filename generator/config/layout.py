"""The layout of an appendix form for one unit — one description for the writer, the workbook
and the reader.

Where a figure stands is decided here and only here: which rows and columns a unit sees, the
number each row is given, which cells the unit types and which are computed, the marks a
typed cell carries (a bookmark ``vb_<table>_<row>_<column>`` and a content control
``vanban:<table>:<row>:<column>``), and the cell's place in the Word table and in the Excel
sheet. ``tables.py`` draws the Word table from it, ``xlsx.py`` the sheet, and ``returns.py``
reads a returned copy back by the same positions when the marks were deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..formats import vnrules
from ..model.schema import AppliesTo, Row, Table

INPUT, PERCENT, TOTAL, NONE = "input", "percent", "total", "none"


def applies(rule: AppliesTo | None, unit) -> bool:
    """Whether a part, row or table marked ``rule`` is for ``unit`` (``None``: every unit,
    as on the blank forms)."""
    if rule is None or unit is None:
        return True
    return ((not rule.kinds or unit.kind in rule.kinds)
            and (not rule.levels or unit.level in rule.levels))


@dataclass(frozen=True)
class FormColumn:
    id: str
    title: str
    total: bool
    index: int  # position in the definition, from 1


def columns(table: Table) -> list[FormColumn]:
    if table.years:
        cols = [FormColumn(f"y{y}", f"Năm {y}", False, i)
                for i, y in enumerate(range(table.years.start, table.years.end + 1), 1)]
        if table.years.total:
            cols.append(FormColumn("tong", "Tổng cộng", True, len(cols) + 1))
        return cols
    return [FormColumn(c.id, c.title, c.total, i) for i, c in enumerate(table.columns, 1)]


def mark_name(t: int, r: int, c: int) -> str:
    return f"vb_{t}_{r}_{c}"


def mark_tag(table: Table, row: Row, column: FormColumn) -> str:
    return f"vanban:{table.id}:{row.id}:{column.id}"


def formula_parts(row: Row) -> tuple[str, str] | None:
    if not row.formula or "/" not in row.formula:
        return None
    top, bottom = (p.strip() for p in row.formula.split("/", 1))
    return top, bottom


def cell_kind(row: Row, column: FormColumn) -> str:
    """What a cell is: typed by the unit (``input``), a share computed from two rows
    (``percent``), a sum (``total``), or nothing to fill (a yes/no total)."""
    if row.type == "percent":
        return PERCENT
    if row.total or column.total:
        return NONE if row.type == "yesno" else TOTAL
    return INPUT if row.type in ("count", "yesno", "text") else NONE


@dataclass(frozen=True)
class Cell:
    """One value cell of a form as a unit sees it."""

    row: Row
    column: FormColumn
    kind: str           # INPUT, PERCENT, TOTAL or NONE
    mark: str           # bookmark / defined name
    tag: str            # content control tag
    line: int           # row of the Word table (0 = the header row); the sheet's is FIRST_ROW + line
    place: int          # column of the Word table, from 0; the sheet's column letter is place + 1

    @property
    def is_input(self) -> bool:
        return self.kind == INPUT

    def title(self, form: "FormLayout") -> str:
        """What Word shows as the cell's content-control title: where it stands, in words."""
        label = self.row.label if len(self.row.label) <= 40 else self.row.label[:39] + "…"
        return f"Phụ lục {form.number}: {label} — {self.column.title}"


@dataclass(frozen=True)
class FormLayout:
    """One appendix table as one unit (or the blank form, ``unit=None``) sees it."""

    table: Table
    position: int                     # the table's place in phu-luc.yaml, from 1
    rows: tuple[tuple[int, Row], ...]  # the rows shown, each with its place in the definition
    columns: tuple[FormColumn, ...]
    number: int = 0                   # «Phụ lục n» as printed for this unit (its forms, from 1)

    @cached_property
    def with_unit(self) -> bool:
        """Whether the table has a «Đơn vị tính» column."""
        return any(r.unit for _, r in self.rows)

    @property
    def first_value(self) -> int:
        """The Word column (from 0) of the first value: after TT, the label, «Đơn vị tính»."""
        return 3 if self.with_unit else 2

    @cached_property
    def numbers(self) -> dict[str, int]:
        """The number printed in the TT column of each row that is not a total."""
        out: dict[str, int] = {}
        for _, row in self.rows:
            if not row.total:
                out[row.id] = len(out) + 1
        return out

    @cached_property
    def lines(self) -> dict[str, int]:
        """The table row (from 1, under the header) of each row shown."""
        return {row.id: line for line, (_, row) in enumerate(self.rows, 1)}

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        out = []
        for line, (pos, row) in enumerate(self.rows, 1):
            for k, col in enumerate(self.columns):
                out.append(Cell(row, col, cell_kind(row, col), mark_name(self.position, pos, col.index),
                                mark_tag(self.table, row, col), line, self.first_value + k))
        return tuple(out)

    def cell(self, row_id: str, column_id: str) -> Cell:
        return next(c for c in self.cells if c.row.id == row_id and c.column.id == column_id)

    @property
    def headers(self) -> list[str]:
        return (["TT", self.table.label_title] + (["Đơn vị tính"] if self.with_unit else [])
                + [c.title for c in self.columns])

    def hint(self, cell: Cell) -> str:
        """The words forms made before «signable» printed inside a computed cell: a returned
        copy of such a form still holds them, and they are not a figure typed there."""
        if cell.kind == PERCENT:
            parts = [part.strip() for part in (cell.row.formula or "").split("/")]
            if len(parts) != 2:
                return "Không ghi (tự tính)"
            top, bottom = (self.numbers.get(p, p) for p in parts)
            return f"Không ghi (tự tính ({top}):({bottom}))"
        if cell.kind == TOTAL:
            return "Không ghi (tự cộng)"
        return ""

    def rule(self, filled: bool = False) -> str:
        """The line under the table saying once what its shaded cells are (a cell a unit
        signs holds no instruction); ``filled``: the cells already hold the figures."""
        kinds = {c.kind for c in self.cells}
        if not kinds - {INPUT}:
            return ""
        rates = []
        for _, row in self.rows:
            parts = formula_parts(row) if row.type == "percent" else None
            if parts and row.id in self.numbers:
                top, bottom = (self.numbers.get(p, p) for p in parts)
                rates.append(vnrules.rate_rule(self.numbers[row.id], top, bottom))
        return vnrules.shaded_rule(TOTAL in kinds, rates, filled)

    def where(self, row: Row, column: FormColumn | None = None) -> str:
        """How a finding names the place: ``phụ lục 1 (pl1), dòng «…», cột «…»``."""
        text = f"phụ lục {self.position} ({self.table.id}), dòng «{row.label}»"
        return text + (f", cột «{column.title}»" if column is not None else "")


def layout(table: Table, position: int, unit, number: int = 0) -> FormLayout:
    rows = tuple((i, r) for i, r in enumerate(table.rows, 1) if applies(r.applies_to, unit))
    return FormLayout(table, position, rows, tuple(columns(table)), number)


def layouts(tables: list[Table], unit) -> list[FormLayout]:
    """The forms ``unit`` fills (every form when ``None``), in the order of phu-luc.yaml."""
    shown = [(pos, t) for pos, t in enumerate(tables, 1) if applies(t.applies_to, unit)]
    return [layout(t, pos, unit, n) for n, (pos, t) in enumerate(shown, 1)]
