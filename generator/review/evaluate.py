"""The rules run over each unit's figures: findings on cells.

Every cell is read as the consolidated report reads it (``figures.computed``: totals and
rates worked out), so a rule may name a computed cell as well as a typed one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ..formats import vnrules
from ..config.figures import computed, visible_rows
from ..config.layout import INPUT, applies, cell_kind, columns
from ..model.schema import Appendix, Table
from .rules import (BOTH_OR_NEITHER, COMPARISONS, INTEGER, NOT_BOTH, NOT_NEGATIVE, REQUIRED, SKIP,
                    VIOLATION, ZERO, Checks, Ref, Term)

RULE, READING = "quy tắc", "đọc tệp"


@dataclass(frozen=True)
class Finding:
    """A rule a unit's figures do not meet, or a doubt met while reading its file."""

    rule: str
    unit: str
    severity: str
    message: str
    cells: tuple[str, ...] = ()     # «pl1.r5.so-luong»: the cells it is about, left side first
    values: tuple = ()              # their values as stored
    kind: str = RULE

    @property
    def key(self) -> str:
        """Who, what, where and which value: a decision on it lasts while these stay."""
        raw = json.dumps([self.rule, self.unit, list(self.cells), [_plain(v) for v in self.values],
                          "" if self.kind == RULE else self.message], ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def _plain(value):
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


class UnitCells:
    """One unit's cells, as the consolidated report reads them."""

    def __init__(self, appendix: Appendix, figures: dict, unit):
        self.unit = unit
        self.tables = {t.id: t for t in appendix.tables}
        self.full = {t.id: computed(t, figures.get(t.id, {}), unit)
                     for t in appendix.tables if applies(t.applies_to, unit)}

    def value(self, table: str, row: str, column: str):
        return self.full.get(table, {}).get(row, {}).get(column)

    def rows(self, table: str, plain: bool = False) -> list[str]:
        t = self.tables[table]
        if table not in self.full:
            return []
        return [r.id for r in visible_rows(t, self.unit) if not (plain and (r.total or r.type != "count"))]

    def columns(self, table: str, plain: bool = False) -> list[str]:
        return [c.id for c in columns(self.tables[table]) if not (plain and c.total)]

    def total(self, term: Term, binding: dict[str, str]):
        ref = term.ref
        rows = self.rows(ref.table, plain=True) if ref.row == "*" else [binding.get("row", ref.row)]
        cols = self.columns(ref.table, plain=True) if ref.column == "*" else [binding.get("column", ref.column)]
        present = [v for r in rows for c in cols
                   if isinstance(v := self.value(ref.table, r, c), (int, float)) and not isinstance(v, bool)]
        return sum(present) if present else None


def _bound(ref: Ref, binding: dict[str, str]) -> tuple[str, str, str]:
    return (ref.table, binding["row"] if ref.row == "*" else ref.row,
            binding["column"] if ref.column == "*" else ref.column)


def _side(cells: UnitCells, terms: list[Term], binding: dict[str, str], missing: str):
    """The side's value (None: missing), and the cells it read outside sums."""
    total, read, absent = 0.0, [], False
    for term in terms:
        if term.number is not None:
            total += term.sign * term.number
            continue
        if term.summed:
            value = cells.total(term, binding)
        else:
            where = _bound(term.ref, binding)
            value = cells.value(*where)
            read.append((".".join(where), value))
        if isinstance(value, bool) or (value is not None and not isinstance(value, (int, float))):
            value = None
        if value is None:
            if missing == ZERO:
                value = 0
            else:
                absent = True
                continue
        total += term.sign * value
    return (None if absent else total), read


def _bindings(cells: UnitCells, terms: list[Term], inputs_only: bool):
    """Every row/column a side's free «*» stands for, for this unit."""
    free = [t.ref for t in terms if t.ref is not None and not t.summed and "*" in (t.ref.row, t.ref.column)]
    if not free:
        yield {}
        return
    ref = free[0]
    if ref.table not in cells.full:
        return
    table = cells.tables[ref.table]
    rows = cells.rows(ref.table) if ref.row == "*" else [ref.row]
    cols = cells.columns(ref.table) if ref.column == "*" else [ref.column]
    by_id = {r.id: r for r in table.rows}
    col_by_id = {c.id: c for c in columns(table)}
    for r in rows:
        for c in cols:
            if inputs_only and not (by_id[r].type == "count" and cell_kind(by_id[r], col_by_id[c]) == INPUT):
                continue
            binding = {}
            if ref.row == "*":
                binding["row"] = r
            if ref.column == "*":
                binding["column"] = c
            yield binding


def _compare(op: str, a: float, b: float) -> bool:
    eps = 1e-9
    return {"<=": a <= b + eps, "<": a < b - eps, "==": abs(a - b) <= eps, "!=": abs(a - b) > eps,
            ">=": a >= b - eps, ">": a > b + eps}[op]


def check_unit(checks: Checks, appendix: Appendix, unit_id: str, figures: dict, unit) -> list[Finding]:
    """What ``checks`` find in one unit's figures."""
    cells = UnitCells(appendix, figures, unit)
    found = []
    for rule, left, right in checks.rules:
        if not applies(rule.applies_to, unit):
            continue
        numeric_alone = rule.op in (INTEGER, NOT_NEGATIVE)
        for binding in _bindings(cells, left, inputs_only=numeric_alone):
            a, read_a = _side(cells, left, binding, rule.missing if rule.op in COMPARISONS else SKIP)
            b, read_b = _side(cells, right, binding, rule.missing if rule.op in COMPARISONS else SKIP) \
                if right is not None else (None, [])
            if rule.op == BOTH_OR_NEITHER or rule.op == NOT_BOTH:
                filled_a = all(v is not None for _, v in read_a) and a is not None
                filled_b = all(v is not None for _, v in read_b) and b is not None
                broken = (filled_a != filled_b) if rule.op == BOTH_OR_NEITHER else (filled_a and filled_b)
            elif rule.op == REQUIRED:
                broken = a is None
            elif rule.op in (INTEGER, NOT_NEGATIVE):
                if a is None:
                    continue
                broken = (a != int(a)) if rule.op == INTEGER else a < 0
            else:
                if a is None or b is None:
                    if rule.missing != VIOLATION:
                        continue
                    broken = True
                else:
                    broken = not _compare(rule.op, a, b)
            if broken:
                read = read_a + read_b
                said = [(short_name(appendix, c), v) for c, v in read]
                found.append(Finding(rule.id, unit_id, rule.severity,
                                     _message(rule.message, rule.op, a, b, said),
                                     tuple(c for c, _ in read), tuple(v for _, v in read)))
    return found


def _message(words: str, op: str, a, b, read) -> str:
    shown = ", ".join(f"{c} = {_n(v)}" for c, v in read)
    if op in COMPARISONS and a is not None and b is not None and len(read) != 2:
        shown = f"{_n(a)} {op} {_n(b)} không đúng" + (f"; {shown}" if shown else "")
    return f"{words} ({shown})" if shown else words


def _n(value) -> str:
    if value is None:
        return "trống"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return vnrules.figure(int(value))
    return vnrules.figure(value, 2) if isinstance(value, (int, float)) else str(value)


def table_position(appendix: Appendix, table: str) -> int | None:
    return next((i for i, t in enumerate(appendix.tables, 1) if t.id == table), None)


def short_name(appendix: Appendix, cell: str) -> str:
    """A cell in a finding's words: «Tổng số đảng viên của đơn vị», «Số được công nhận, Năm
    2016» (the table is said where the finding is shown)."""
    table_id, row_id, col_id = (cell.split(".") + ["", "", ""])[:3]
    table = next((t for t in appendix.tables if t.id == table_id), None)
    if table is None:
        return cell
    row = next((r.label for r in table.rows if r.id == row_id), row_id)
    cols = columns(table)
    col = next((c.title for c in cols if c.id == col_id), col_id)
    return f"«{row}»" + (f", {col}" if len(cols) > 1 else "")


def cell_name(appendix: Appendix, cell: str) -> str:
    """«pl1.r5.so-luong» as a reader names it: «Phụ lục 1, dòng «…», cột «…»»."""
    table_id, row_id, col_id = (cell.split(".") + ["", "", ""])[:3]
    table: Table | None = next((t for t in appendix.tables if t.id == table_id), None)
    if table is None:
        return cell
    row = next((r.label for r in table.rows if r.id == row_id), row_id)
    col = next((c.title for c in columns(table) if c.id == col_id), col_id)
    many = len(columns(table)) > 1
    return f"Phụ lục {table_position(appendix, table_id)}, dòng «{row}»" + (f", cột «{col}»" if many else "")
