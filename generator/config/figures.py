"""Figures: reading what people type in a cell, checking a unit's figures, adding them up.

Pure functions over the appendix definition (``phu-luc.yaml``) and plain values, so each rule
has its own test. A unit's figures are ``{table id: {row id: {column id: value}}}`` where a
value is an ``int``/``float`` (a count), ``True``/``False`` (a yes/no answer), a ``str`` (text)
or ``None`` (left blank).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from ..formats import vnrules
from ..base.exceptions import printable
from ..model.schema import Appendix, Row, Table
from .layout import INPUT, TOTAL, FormColumn, applies, cell_kind, columns, formula_parts

Figures = dict[str, dict[str, dict[str, object]]]

YES = {"có", "co", "x", "✓", "✔", "☑", "yes", "đã có", "rồi", "đã ban hành"}
NO = {"không", "khong", "chưa", "chưa có", "no", "0", "k"}
BLANK = {"", "-", "–", "—", "…", "...", "x/x"}
DASHES = {"-", "–", "—", "−"}  # in a count cell: «none», that is 0 (as on Vietnamese forms)
_AMBIGUOUS = re.compile(r"^\d{1,3},\d{3}$")  # 1,234: English thousands or Vietnamese decimals?

_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")       # 1.234 or 1.234.567
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3}){2,}$")  # 1,234,567 (never one group: 1,234 is ambiguous)
_DECIMAL = re.compile(r"^\d+(,\d+)?$")                  # 12 or 12,5
_DOT_DECIMAL = re.compile(r"^\d+\.\d{1,2}$")            # 12.5 typed the English way


MAX_FIGURE = 10**12   # no count of a unit (people, meetings, documents …) nor a share comes near
MAX_DIGITS = 15       # digits a figure may be typed with (10^12 and a few decimals)


class FigureError(ValueError):
    """A cell that is not what its kind allows; ``str()`` is a Vietnamese explanation."""


def shown(text: str, limit: int = 40) -> str:
    """What was typed, as a message quotes it: one line, cut when long."""
    return printable(" ".join(text.split()), limit)


def shown_value(value: object) -> str:
    """A stored value as a message quotes it (``1e+30``, ``inf``), however large."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return shown(str(value))
    if isinstance(value, int) and abs(value) <= MAX_FIGURE:
        return str(value)
    if isinstance(value, int) and value.bit_length() > 1000:
        return f"một số {'âm ' if value < 0 else ''}có hơn 300 chữ số"
    return f"{value:.6g}"


def bounded(value: int | float, typed: object = None) -> int | float:
    """``value`` if it can be a figure: finite and at most :data:`MAX_FIGURE` either way;
    else a :class:`FigureError` quoting what was ``typed`` (by default the value itself, as
    :func:`shown_value` quotes it). Where a figure is read (a Word cell, an Excel cell, a
    record edited by hand), an absurd one is a finding on its cell, never a stored value."""
    if isinstance(value, float) and not math.isfinite(value):
        why = "không phải là một số (vô hạn hoặc không xác định)"
    elif abs(value) > MAX_FIGURE:
        why = f"lớn quá mức một số liệu có thể có (trên {vnrules.figure(MAX_FIGURE)}): có phải gõ nhầm?"
    else:
        return value
    raise FigureError(f"«{shown_value(value) if typed is None else shown(str(typed))}» {why}")


def parse_number(text: str) -> int | float | None:
    """A number as people write it in a Vietnamese Word file: ``1.234`` → 1234,
    ``12,5`` → 12.5, ``12,5%`` → 12.5, ``1 234`` → 1234; blank or ``-`` → ``None``.
    A number of more digits than a figure can have, or beyond :data:`MAX_FIGURE`, is a
    :class:`FigureError`."""
    raw = text.strip().replace("\u00a0", " ")
    if raw.lower() in BLANK:
        return None
    negative = raw.startswith("-") or raw.startswith("−")
    body = raw.lstrip("-−").strip().rstrip("%").strip().replace(" ", "")
    digits = sum(ch.isdigit() for ch in body)
    if digits > MAX_DIGITS and body.replace(".", "").replace(",", "").isdigit():
        raise FigureError(f"«{shown(text)}» có {digits} chữ số, nhiều hơn một số liệu có thể có: có "
                          "phải gõ nhầm?")
    if _THOUSANDS.match(body):
        value: int | float = int(body.replace(".", ""))
    elif _THOUSANDS_COMMA.match(body):
        value = int(body.replace(",", ""))
    elif _DECIMAL.match(body):
        value = float(Decimal(body.replace(",", "."))) if "," in body else int(body)
    elif _DOT_DECIMAL.match(body):
        value = float(body)
    else:
        raise FigureError(f"«{shown(text)}» không phải là số")
    return bounded(-value if negative else value, text.strip())


def parse_answer(text: str) -> bool | None:
    """``Có``/``x`` → True, ``Không`` → False, blank or ``-`` → None."""
    raw = " ".join(text.strip().lower().split())
    if raw in BLANK:
        return None
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise FigureError(f"«{shown(text)}» không phải «Có» hoặc «Không»")


def parse_count(text: str) -> int | float | None:
    """A count: as :func:`parse_number`, but a dash is 0, and ``1,234`` — a thousand in the
    English way, one and a bit in the Vietnamese way — is never guessed."""
    raw = text.strip().replace("\u00a0", " ")
    if raw in DASHES:
        return 0
    if _AMBIGUOUS.match(raw.replace(" ", "")):
        whole, part = raw.replace(" ", "").split(",")
        raise FigureError(f"«{text.strip()}» không rõ là {vnrules.figure(int(whole + part))} (một số "
                          f"nghìn) hay {whole},{part} (số lẻ); hãy ghi {whole}.{part} nếu là số nghìn")
    return parse_number(text)


def parse_cell(kind: str, text: str):
    if kind == "count":
        return parse_count(text)
    if kind == "yesno":
        return parse_answer(text)
    if kind == "percent":
        return parse_number(text)
    return text.strip() or None


# --- the shape of a table for one unit ----------------------------------------------------

def visible_rows(table: Table, unit) -> list[Row]:
    return [r for r in table.rows if applies(r.applies_to, unit)]


def is_input(row: Row, column: FormColumn) -> bool:
    """Whether the unit types this cell (the others are computed)."""
    return cell_kind(row, column) == INPUT


def ratio(part, whole) -> float | None:
    """``part`` as a percentage of ``whole``; ``None`` when either is missing or whole is 0."""
    if part is None or whole in (None, 0):
        return None
    return float(Decimal(str(part)) * 100 / Decimal(str(whole)))


def computed(table: Table, values: dict[str, dict[str, object]], unit=None,
             shape: "Shape | None" = None) -> dict[str, dict[str, object]]:
    """Every cell of ``table`` for one unit (or a sum), the computed ones filled in: totals
    add the figures; percentages are recomputed from the figures, never averaged.
    ``shape``: the table as this unit sees it (:func:`shapes`), when already worked out."""
    shape = shape or Shape.of(table, unit)
    cols, rows = shape.cols, shape.rows
    out: dict[str, dict[str, object]] = {r.id: dict(values.get(r.id, {})) for r in rows}
    plain_cols = [c for c in cols if not c.total]
    count_rows = [r for r in rows if r.type == "count" and not r.total]
    for row in rows:
        if row.total and row.type == "count":
            for col in plain_cols:
                out[row.id][col.id] = _sum(out[r.id].get(col.id) for r in count_rows)
    for row in rows:
        if row.type == "count":
            for col in cols:
                if col.total:
                    out[row.id][col.id] = _sum(out[row.id].get(c.id) for c in plain_cols)
    for row, parts in shape.formulas:
        if row.type == "percent":
            top, bottom = parts
            for col in cols:
                out[row.id][col.id] = ratio(out.get(top, {}).get(col.id), out.get(bottom, {}).get(col.id))
    return out


@dataclass(frozen=True)
class Shape:
    """A table as one kind of unit sees it (its columns, the rows shown, which cells the unit
    types, which are sums, which rows are shares), worked out once to check many units."""

    table: Table
    cols: list[FormColumn]
    rows: list[Row]
    inputs: list[tuple[Row, FormColumn]]    # in the order of the rows, then the columns
    totals: list[tuple[Row, FormColumn]]
    formulas: list[tuple[Row, tuple[str, str]]]   # a row computed from two others: (top, bottom)

    @classmethod
    def of(cls, table: Table, unit) -> "Shape":
        cols, rows = columns(table), visible_rows(table, unit)
        return cls(table, cols, rows,
                   [(r, c) for r in rows for c in cols if is_input(r, c)],
                   [(r, c) for r in rows for c in cols if cell_kind(r, c) == TOTAL],
                   [(r, parts) for r in rows if (parts := formula_parts(r))])


def shapes(appendix: Appendix, unit) -> list[Shape]:
    """The tables ``unit`` fills, as it sees them."""
    return [Shape.of(t, unit) for t in appendix.tables if applies(t.applies_to, unit)]


def _sum(values) -> int | float | None:
    present = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return sum(present) if present else None


# --- checking a unit's figures ------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """Something wrong with a unit's figures, by table and row."""

    table: str
    row: str
    column: str
    message: str

    def where(self, appendix: Appendix) -> str:
        position = next((i for i, t in enumerate(appendix.tables, 1) if t.id == self.table), None)
        table = next((t for t in appendix.tables if t.id == self.table), None)
        label = next((r.label for r in table.rows if r.id == self.row), self.row) if table else self.row
        return f"phụ lục {position} ({self.table}), dòng «{label}»"


def check(appendix: Appendix, figures: Figures, typed_computed: dict, unit,
          tables: list[Shape] | None = None) -> list[Finding]:
    """What is wrong with one unit's figures: negative counts, a part larger than its whole,
    a percentage outside 0–100, a computed cell typed by hand that disagrees with the
    figures, cells left blank. ``tables``: ``shapes(appendix, unit)``, when already made."""
    found = []
    for shape in tables if tables is not None else shapes(appendix, unit):
        table = shape.table
        values = figures.get(table.id, {})
        for row, col in shape.inputs:
            value = values.get(row.id, {}).get(col.id)
            if value is None:
                found.append(Finding(table.id, row.id, col.id, f"ô «{col.title}» còn để trống"))
            elif row.type == "count" and isinstance(value, (int, float)) and value < 0:
                found.append(Finding(table.id, row.id, col.id, f"số âm ({_n(value)}) ở cột «{col.title}»"))
            elif row.type == "count" and isinstance(value, float) and not value.is_integer():
                found.append(Finding(table.id, row.id, col.id, f"số đếm không nguyên ({_n(value)}) ở "
                                                               f"cột «{col.title}»"))
        full = computed(table, values, unit, shape)
        rows = {r.id: r for r in table.rows}
        typed_here = typed_computed.get(table.id, {})
        for row, col in shape.totals:
            typed = typed_here.get(row.id, {}).get(col.id)
            if typed is None:
                continue
            mine = full[row.id].get(col.id)
            if mine is not None and abs(mine - typed) > 1e-9:
                found.append(Finding(table.id, row.id, col.id,
                                     f"tổng ghi tay {_n(typed)} khác tổng cộng từ số liệu "
                                     f"{_n(mine)} ở cột «{col.title}»"))
        for row, (top, bottom) in shape.formulas:
            for col in shape.cols:
                part, whole = full.get(top, {}).get(col.id), full.get(bottom, {}).get(col.id)
                if isinstance(part, (int, float)) and isinstance(whole, (int, float)) and part > whole:
                    found.append(Finding(table.id, row.id, col.id,
                                         f"«{rows[top].label}» ({_n(part)}) lớn hơn "
                                         f"«{rows[bottom].label}» ({_n(whole)}) ở cột «{col.title}»"))
                typed = typed_here.get(row.id, {}).get(col.id)
                if typed is None:
                    continue
                if not 0 <= typed <= 100:
                    found.append(Finding(table.id, row.id, col.id, f"tỷ lệ {_n(typed)}% nằm ngoài 0–100"))
                mine = full[row.id].get(col.id)
                if mine is not None and abs(mine - typed) > 0.1 + 1e-9:
                    found.append(Finding(table.id, row.id, col.id,
                                         f"tỷ lệ ghi tay {_n(typed)}% khác tỷ lệ tính từ số liệu "
                                         f"{_n(mine)}% ở cột «{col.title}»"))
    return found


def _n(value) -> str:
    return vnrules.figure(value, 1)


# --- adding up ----------------------------------------------------------------------------

def consolidate(table: Table, returns: list[tuple[object, Figures]]) -> dict:
    """A table summed over every unit that reported, in its own shape: counts added,
    percentages recomputed from the sums, yes/no answers counted (how many «Có», how many
    answered, how many left it blank, of how many units the row was asked of)."""
    cols = columns(table)
    sums: dict[str, dict[str, object]] = {r.id: {} for r in table.rows}
    yes: dict[str, int] = {r.id: 0 for r in table.rows}
    asked: dict[str, int] = {r.id: 0 for r in table.rows}
    answered: dict[str, int] = {r.id: 0 for r in table.rows}
    for unit, figures in returns:
        if not applies(table.applies_to, unit):
            continue
        values = figures.get(table.id, {})
        for row in visible_rows(table, unit):
            if row.type == "yesno":
                asked[row.id] += 1
                answer = next((values.get(row.id, {}).get(c.id) for c in cols if not c.total), None)
                if answer is not None:
                    answered[row.id] += 1
                if answer is True:
                    yes[row.id] += 1
            elif row.type == "count" and not row.total:
                for col in cols:
                    if col.total:
                        continue
                    value = values.get(row.id, {}).get(col.id)
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        sums[row.id][col.id] = sums[row.id].get(col.id, 0) + value
    full = computed(table, sums)
    basis = _rates_over_both(table, returns, full)
    blank = {r: asked[r] - answered[r] for r in asked}
    return {"values": full, "yes": yes, "asked": asked, "answered": answered, "blank": blank,
            "basis": basis}


def _rates_over_both(table: Table, returns: list[tuple[object, Figures]], full: dict) -> dict:
    """Each rate of the sum worked out over the units that gave both its figures (a unit that
    left its whole blank but filled its part would otherwise raise the rate above what any
    unit reported). Sets the rates in ``full``; returns, per rate row and column, how many
    units it was worked out over and how many were left out for giving only one figure."""
    rates = [(r, formula_parts(r)) for r in table.rows if r.type == "percent" and formula_parts(r)]
    if not rates:
        return {}
    cols = columns(table)
    top_sum = {(r.id, c.id): 0 for r, _ in rates for c in cols}
    bottom_sum = dict(top_sum)
    used = dict(top_sum)
    left = dict(top_sum)
    for unit, figures in returns:
        if not applies(table.applies_to, unit):
            continue
        mine = computed(table, figures.get(table.id, {}), unit)
        for row, (top, bottom) in rates:
            if row.id not in mine:
                continue
            for col in cols:
                a, b = mine.get(top, {}).get(col.id), mine.get(bottom, {}).get(col.id)
                numbers = [isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b)]
                if all(numbers):
                    top_sum[(row.id, col.id)] += a
                    bottom_sum[(row.id, col.id)] += b
                    used[(row.id, col.id)] += 1
                elif any(numbers):
                    left[(row.id, col.id)] += 1
    basis: dict[str, dict[str, tuple[int, int]]] = {}
    for row, _ in rates:
        for col in cols:
            k = (row.id, col.id)
            full.setdefault(row.id, {})[col.id] = ratio(top_sum[k], bottom_sum[k]) if used[k] else None
            basis.setdefault(row.id, {})[col.id] = (used[k], left[k])
    return basis
