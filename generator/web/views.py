"""What the pages show, shaped from the engine's own results (no rule decided here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from .. import editing, store, vnrules
from ..exceptions import Problem
from ..status import LATE, MISSING, OVERDUE, REPORTED, UnitStatus, counts_by_level

STATES = [(REPORTED, "dung-han"), (LATE, "muon"), (OVERDUE, "qua-han"), (MISSING, "chua-gui")]
READ_ONLY = ("de-cuong.yaml", "phu-luc.yaml", "bao-cao-tong-hop.yaml")
DATA_PAGES = editing.EDITABLE + READ_ONLY

DOCUMENT_NAMES = {"ke-hoach.docx": "Kế hoạch", "de-cuong.docx": "Đề cương chi tiết",
                  "phu-luc.docx": "Phụ lục (biểu mẫu trống)",
                  "bao-cao-tong-hop.docx": "Báo cáo tổng hợp",
                  "tong-hop-y-kien.docx": "Tổng hợp ý kiến của các đơn vị"}


def field_id(key: str) -> str:
    """The HTML id of a form field for a place such as ``levels[1].report_deadline``."""
    return "o-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def problem_link(problem: Problem) -> str:
    """Where on the pages a problem is fixed."""
    name = problem.file
    if name in editing.EDITABLE:
        anchor = f"#{field_id(problem.place)}" if problem.place else ""
        return f"/du-lieu?tep={quote(name)}{anchor}"
    if name in READ_ONLY:
        return f"/du-lieu?tep={quote(name)}" + (f"#dong-{problem.line}" if problem.line else "")
    if name in (editing.UNITS_FILE, "don-vi.xlsx"):
        return "/don-vi" + (f"#dong-{problem.line}" if problem.line else "")
    if name.startswith(store.FOLDER):
        return "/nhan-bao-cao"
    return "/van-ban"


def days_left(deadline: date, today: date) -> str:
    days = (deadline - today).days
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "hết hạn hôm nay"
    return f"đã quá hạn {-days} ngày"


@dataclass
class LevelCounts:
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def bars(self, width: float = 100.0) -> list[tuple[str, str, float, int]]:
        """(state, css class, width %, count) for a stacked bar."""
        total = self.total or 1
        return [(state, css, width * self.counts.get(state, 0) / total, self.counts.get(state, 0))
                for state, css in STATES]


def level_counts(lines: list[UnitStatus]) -> list[LevelCounts]:
    return [LevelCounts(level, counts) for level, counts in counts_by_level(lines)]


def totals(lines: list[UnitStatus]) -> dict[str, int]:
    out = {state: 0 for state, _ in STATES}
    for line in lines:
        out[line.state] += 1
    return out


def state_class(state: str) -> str:
    return dict(STATES).get(state, "")


def value(v) -> str:
    """A collected figure as a document prints it: «1.097», «Có», blank for none."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "Có" if v else "Không"
    if isinstance(v, (int, float)):
        return vnrules.figure(v, 2 if isinstance(v, float) else 0)
    return str(v)


def moment(iso: str) -> str:
    """When a file was read, as people write it: «07:28 ngày 28/11/2026»."""
    from datetime import datetime

    try:
        at = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{at:%H:%M} ngày {vnrules.short_date(at.date())}"


def short(d: date | None) -> str:
    return vnrules.short_date(d) if d else ""


def references(values: dict) -> list[str]:
    """The names prose may refer to, as ``{{ name }}`` is written."""
    from ..environment import Namespace

    names = []
    for key, value in values.items():
        if isinstance(value, Namespace):
            for sub, inner in value._values.items():
                if isinstance(inner, Namespace):
                    names += [f"{key}.{sub}.{k}" for k in inner._values]
                else:
                    names.append(f"{key}.{sub}")
        else:
            names.append(key)
    return names


def plan_line(data) -> str:
    """«Kế hoạch số 150-KH/ĐUK, ngày 23/02/2021»."""
    from ..contexts.common import plan_symbol

    plan = data.plan
    return f"{plan.doc_name} số {plan_symbol(data)}, ngày {vnrules.short_date(plan.date)}"


def reviewed_line(doc) -> str:
    return f"{doc.name} số {doc.symbol}, ngày {vnrules.short_date(doc.date)} của {doc.issuer} về {doc.subject}"
