"""The checks of a campaign, written as data in ``kiem-tra.yaml``.

A rule::

    - id: hoc-tap-khong-qua-tong-so
      left: pl1.r5.so-luong                # a cell: bảng.dòng.cột
      op: "<="
      right: pl1.r1.so-luong
      missing: bỏ qua                      # bỏ qua | vi phạm | coi là 0
      severity: cao                        # cao | trung bình | thấp
      applies_to: {levels: [cb], kinds: [cq]}
      message: Số đảng viên được học tập nhiều hơn tổng số đảng viên

Sides are sums and differences of terms: a cell ``bảng.dòng.cột``, a number, or ``sum(…)``
over cells with ``*`` for every row or every column (``sum(pl4.*.tap-the)``). A ``*`` outside
``sum`` checks each row (or column) on its own, the same ``*`` on both sides standing for the
same row or column (``pl2.cong-nhan.* <= pl2.dang-ky.*``). A minus between terms has spaces
around it (``pl1.r1.so-luong - pl1.r5.so-luong``): ids themselves hold hyphens.

Operators: ``<=  <  ==  !=  >=  >`` compare the sides; «cả hai hoặc không» (both filled or both
blank) and «không cả hai» (not both filled) look at whether each side is filled, as DHIS2's
compulsory and exclusive pairs do; «số nguyên», «không âm» and «phải điền» take the left side
alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..base.exceptions import ERROR, Problem
from ..config.layout import columns
from ..model.loader import SourceFile, load_yaml
from ..model.schema import AppliesTo, Appendix

FILE = "kiem-tra.yaml"

COMPARISONS = ("<=", "<", "==", "!=", ">=", ">")
BOTH_OR_NEITHER, NOT_BOTH = "cả hai hoặc không", "không cả hai"
INTEGER, NOT_NEGATIVE, REQUIRED = "số nguyên", "không âm", "phải điền"
UNARY = (INTEGER, NOT_NEGATIVE, REQUIRED)
OPERATORS = COMPARISONS + (BOTH_OR_NEITHER, NOT_BOTH) + UNARY
SKIP, VIOLATION, ZERO = "bỏ qua", "vi phạm", "coi là 0"
HIGH, MEDIUM, LOW = "cao", "trung bình", "thấp"
SEVERITIES = (HIGH, MEDIUM, LOW)          # in order: the queue sorts by it


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Mã của quy tắc (chữ thường, số, gạch ngang)")
    left: str = Field(description="Vế trái: ô «bảng.dòng.cột», số, sum(…), nối bằng + và -")
    op: Literal["<=", "<", "==", "!=", ">=", ">", "cả hai hoặc không", "không cả hai",
                "số nguyên", "không âm", "phải điền"] = Field(description="Phép so sánh")
    right: str | None = Field(None, description="Vế phải (không có với «số nguyên», «không âm», «phải điền»)")
    missing: Literal["bỏ qua", "vi phạm", "coi là 0"] = Field(
        SKIP, description="Khi thiếu số liệu: bỏ qua, coi là vi phạm, hay coi là 0")
    severity: Literal["cao", "trung bình", "thấp"] = Field(MEDIUM, description="Mức: cao, trung bình, thấp")
    applies_to: AppliesTo | None = Field(None, description="Chỉ cho các cấp, loại đơn vị này")
    message: str = Field(min_length=1, description="Lời báo bằng tiếng Việt khi quy tắc không đạt")


class Rules(BaseModel):
    """kiem-tra.yaml — các quy tắc kiểm tra số liệu đơn vị gửi về."""

    model_config = ConfigDict(extra="forbid")
    rules: list[Rule] = Field(default_factory=list, description="Các quy tắc")


# --- the sides of a rule ---------------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """``pl1.r5.so-luong``; ``*`` for every row or column."""

    table: str
    row: str
    column: str

    def __str__(self) -> str:
        return f"{self.table}.{self.row}.{self.column}"


@dataclass(frozen=True)
class Term:
    sign: int                 # +1 or -1
    number: float | None = None
    ref: Ref | None = None
    summed: bool = False      # sum(ref): over its «*»


_ID = r"[a-z0-9][a-z0-9_-]*"
_PART = rf"(?:{_ID}|\*)"
_REF = re.compile(rf"^({_ID})\.({_PART})\.({_PART})$")
_SUM = re.compile(r"^sum\((.*)\)$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


class SideError(ValueError):
    """A side that cannot be read; ``str()`` says why, in Vietnamese."""


def parse_side(text: str) -> list[Term]:
    tokens = text.split()
    if not tokens:
        raise SideError("vế trống")
    terms, sign = [], 1
    expect_term = True
    for token in tokens:
        if token in ("+", "-"):
            if expect_term:
                raise SideError(f"thiếu số hạng trước «{token}»")
            sign = 1 if token == "+" else -1
            expect_term = True
            continue
        if not expect_term:
            raise SideError(f"giữa hai số hạng phải có «+» hoặc « - » (có dấu cách hai bên): «{token}»")
        terms.append(_term(token, sign))
        sign, expect_term = 1, False
    if expect_term:
        raise SideError("thiếu số hạng sau dấu cuối")
    return terms


def _term(token: str, sign: int) -> Term:
    if _NUMBER.match(token):
        return Term(sign, number=float(token.replace(",", ".")))
    summed = _SUM.match(token)
    inner = summed.group(1) if summed else token
    found = _REF.match(inner)
    if not found:
        raise SideError(f"«{token}» không phải một ô «bảng.dòng.cột», một số hay sum(…)")
    ref = Ref(*found.groups())
    if summed and "*" not in (ref.row, ref.column):
        raise SideError(f"sum({inner}) cần «*» ở chỗ dòng hoặc cột")
    return Term(sign, ref=ref, summed=bool(summed))


def free_stars(terms: list[Term]) -> set[str]:
    """Which of «row» and «column» a side leaves open (a ``*`` outside ``sum``)."""
    out = set()
    for t in terms:
        if t.ref is not None and not t.summed:
            if t.ref.row == "*":
                out.add("row")
            if t.ref.column == "*":
                out.add("column")
    return out


# --- reading the file ---------------------------------------------------------------------------

@dataclass
class Checks:
    """The rules of a campaign, each with its sides read."""

    rules: list[tuple[Rule, list[Term], list[Term] | None]]
    source: str                 # the file they come from, or «mặc định»


def load(data_dir: Path, appendix: Appendix | None, problems: list[Problem]) -> Checks:
    """The rules of ``kiem-tra.yaml`` (or, without it, the default rules of the forms),
    every mistake added to ``problems`` with file, line and key."""
    path = data_dir / FILE
    if not path.is_file():
        return Checks(default_rules(appendix), "mặc định")
    from pydantic import ValidationError

    from ..config.validate import pydantic_problems

    source = load_yaml(path, FILE, problems)
    raw = source.data
    if raw is None:
        return Checks([], FILE)
    unknown = [k for k in raw if k != "rules"]
    for k in unknown:
        problems.append(source.problem((k,), "mục không có trong tệp kiểm tra (chỉ có «rules»)"))
    items = raw.get("rules") or []
    if not isinstance(items, list):
        problems.append(source.problem(("rules",), "«rules» phải là một danh sách các quy tắc"))
        return Checks([], FILE)
    rules = []
    for i, item in enumerate(items):   # each rule on its own: one mistake hides no other
        try:
            rules.append((i, Rule.model_validate(item)))
        except ValidationError as exc:
            problems.extend(pydantic_problems(exc, source, ("rules", i)))
    out = []
    seen: dict[str, int] = {}
    for i, rule in rules:
        if rule.id in seen:
            problems.append(source.problem(("rules", i, "id"), f"mã «{rule.id}» trùng với quy tắc "
                                           f"thứ {seen[rule.id] + 1}"))
            continue
        seen[rule.id] = i
        read = _read_rule(rule, i, source, appendix, problems)
        if read is not None:
            out.append(read)
    return Checks(out, FILE)


def _read_rule(rule: Rule, i: int, source: SourceFile, appendix: Appendix | None,
               problems: list[Problem]):
    before = len(problems)
    sides = []
    for name in ("left", "right"):
        text = getattr(rule, name)
        if name == "right" and rule.op in UNARY:
            if text is not None:
                problems.append(source.problem(("rules", i, "right"), f"phép «{rule.op}» chỉ xét vế "
                                               "trái: bỏ «right»"))
            sides.append(None)
            continue
        if text is None:
            problems.append(source.problem(("rules", i, name), f"phép «{rule.op}» cần vế phải «right»"))
            sides.append(None)
            continue
        try:
            terms = parse_side(text)
        except SideError as exc:
            problems.append(source.problem(("rules", i, name), str(exc)))
            sides.append(None)
            continue
        for t in terms:
            if t.ref is not None:
                why = _unknown(t.ref, appendix)
                if why:
                    problems.append(source.problem(("rules", i, name), why))
        sides.append(terms)
    left, right = sides
    if left is not None and right is not None:
        lf, rf = free_stars(left), free_stars(right)
        if rf - lf:
            problems.append(source.problem(("rules", i, "right"), "vế phải có «*» (ngoài sum) mà vế "
                                           "trái không có: không biết so với dòng, cột nào"))
    if len(problems) > before:
        return None
    return rule, left, right


def _unknown(ref: Ref, appendix: Appendix | None) -> str:
    if appendix is None:
        return "chưa có phu-luc.yaml nên không có bảng nào"
    tables = {t.id: t for t in appendix.tables}
    table = tables.get(ref.table)
    if table is None:
        return f"không có phụ lục «{ref.table}»; có: {', '.join(tables)}"
    rows = [r.id for r in table.rows]
    if ref.row != "*" and ref.row not in rows:
        return f"phụ lục «{ref.table}» không có dòng «{ref.row}»; có: {', '.join(rows)}"
    cols = [c.id for c in columns(table)]
    if ref.column != "*" and ref.column not in cols:
        return f"phụ lục «{ref.table}» không có cột «{ref.column}»; có: {', '.join(cols)}"
    return ""


def default_rules(appendix: Appendix | None):
    """The checks every campaign has without a ``kiem-tra.yaml``: counts whole and not
    negative, and the part of each rate not larger than its whole (so no rate above 100 %)."""
    if appendix is None:
        return []
    out = []
    from ..config.layout import formula_parts

    for table in appendix.tables:
        counts = [r for r in table.rows if r.type == "count" and not r.total]
        if counts:
            ref = f"{table.id}.*.*"
            out.append(_made(f"{table.id}-so-nguyen", ref, INTEGER, None, MEDIUM,
                             "số đếm phải là số nguyên"))
            out.append(_made(f"{table.id}-khong-am", ref, NOT_NEGATIVE, None, HIGH, "số đếm không được âm"))
        for row in table.rows:
            parts = formula_parts(row)
            if row.type == "percent" and parts:
                top, bottom = parts
                out.append(_made(f"{table.id}-{row.id}-phan-khong-qua-tong", f"{table.id}.{top}.*", "<=",
                                 f"{table.id}.{bottom}.*", HIGH,
                                 f"phần lớn hơn tổng (tỷ lệ «{row.label}» quá 100%)"))
    return out


def _made(rule_id, left, op, right, severity, message):
    rule = Rule(id=rule_id, left=left, op=op, right=right, severity=severity, message=message)
    return rule, parse_side(left), parse_side(right) if right else None


__all__ = ["Checks", "Rule", "Ref", "Term", "load", "parse_side", "default_rules", "ERROR"]
