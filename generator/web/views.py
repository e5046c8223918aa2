"""What the pages show, shaped from the engine's own results (no rule decided here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from ..app import editing
from ..config import store
from ..formats import vnrules
from ..base.exceptions import Problem
from ..app.status import LATE, MISSING, OVERDUE, REPORTED, UnitStatus, counts_by_level

STATES = [(REPORTED, "dung-han"), (LATE, "muon"), (OVERDUE, "qua-han"), (MISSING, "chua-gui")]
READ_ONLY: tuple[str, ...] = ()
DATA_PAGES = editing.EDITABLE
UNIT_LABELS = {"id": "Mã đơn vị", "name": "Tên đơn vị", "level": "Cấp", "kind": "Loại",
               "committee_name": "Tên cấp ủy ký báo cáo", "symbol": "Ký hiệu riêng",
               "header_lines": "Dòng tiêu đề (ngắt bằng |)",
               "superior": "Dòng cấp trên (trống: theo cấp; «không»: không có)"}

DOCUMENT_NAMES = {"ke-hoach.docx": "Kế hoạch", "de-cuong.docx": "Đề cương chi tiết",
                  "phu-luc.docx": "Phụ lục (biểu mẫu trống)",
                  "bao-cao-tong-hop.docx": "Báo cáo tổng hợp",
                  "tong-hop-y-kien.docx": "Tổng hợp ý kiến của các đơn vị",
                  "nguon-so-lieu.xlsx": "Nguồn của từng số liệu (Excel)"}


def field_id(key: str) -> str:
    """The HTML id of a form field for a place such as ``levels[1].report_deadline``."""
    return "o-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def problem_link(problem: Problem) -> str:
    """Where on the pages a problem is fixed."""
    name = problem.file
    if name in editing.EDITABLE:
        if problem.place == "narrative" or problem.place.startswith("narrative."):
            return "/bao-cao-tong-hop"
        anchor = f"&mo={quote(problem.place)}#{field_id(problem.place)}" if problem.place else ""
        return f"/du-lieu?tep={quote(name)}{anchor}"
    if name in (editing.UNITS_FILE, "don-vi.xlsx"):
        return "/don-vi" + (f"?dong={problem.line}" if problem.line else "")
    if name.startswith(store.FOLDER):
        return "/nhan-bao-cao"
    return "/van-ban"


# --- problems said in a clerk's words --------------------------------------------------------------

_DOCUMENTS: dict = {}      # (path, size, time) → the data file read, to name its places


def _document(path):
    from pathlib import Path

    try:
        st = Path(path).stat()
    except OSError:
        return None
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _DOCUMENTS:
        if len(_DOCUMENTS) > 20:
            _DOCUMENTS.clear()
        try:
            _DOCUMENTS[key] = editing.read_document(Path(path))
        except Exception:
            _DOCUMENTS[key] = None
    return _DOCUMENTS[key]


def file_name(name: str) -> str:
    """A data file by what it holds: «Chiến dịch», «Danh sách đơn vị» …"""
    from ..app.form import FILE_NAMES

    if name in FILE_NAMES:
        return FILE_NAMES[name]
    if name.startswith(store.FOLDER + "/"):
        return "Số liệu đơn vị gửi về"
    if name.endswith((".csv", ".xlsx")):
        return f"Tệp «{name}»"            # a list sent by upload, by the name it came with
    return "Dữ liệu" if name.endswith(".yaml") else "Văn bản"


def where(problem: Problem, data_dir) -> str:
    """Where a problem is, in words: «Chiến dịch › Cấp «Chi bộ cơ sở» › Hạn gửi báo cáo»."""
    from ..app.form import describe

    name, place = problem.file, problem.place
    shown = file_name(name)
    if name in editing.EDITABLE and place:
        document = _document(data_dir / name)
        if document is not None:
            return f"{shown} › {describe(document, name, place)}"
        return shown
    if name.endswith((".csv", ".xlsx")):
        said = shown + (f", dòng {problem.line}" if problem.line else "")
        column = re.match(r"cột «(\w+)»", place or "")
        if column:
            said += f", cột «{UNIT_LABELS.get(column.group(1), column.group(1))}»"
        return said
    return shown


def _field_labels() -> dict[str, str]:
    from ..model import schema
    from ..app.form import label_of

    out: dict[str, str] = {}
    for model in vars(schema).values():
        if isinstance(model, type) and hasattr(model, "model_fields") and model.__module__ == schema.__name__:
            for key in model.model_fields:
                if key not in ("id", "name", "title", "text", "type"):
                    out.setdefault(key, label_of(model, key))
    return out


_LABELS: dict[str, str] = {}
_REPLACED = [(re.compile(r": viết vào (mục )?«narrative».*$"), ": viết ở trang «Báo cáo tổng hợp»")]
_ADVICE = [re.compile(p) for p in (r" ?\(thiếu dấu nháy[^)]*\)", r" ?\(đặt trong dấu nháy[^)]*\)", r"; ?một đoạn văn có «\{\{ … \}\}» ở đầu[^;.]*",
                                   r"; ?các giá trị dẫn được:.*$", r" ?\(có: [^)]*\)", r"; có: [^;]*$")]
_FILES = re.compile(r"\b(chien-dich|ke-hoach|de-cuong|phu-luc|bao-cao-tong-hop|kiem-tra)\.yaml\b|\bdon-vi\.(csv|xlsx)\b")


def plain(message: str) -> str:
    """A problem's message for a page: no advice about the file's syntax, data files named
    by what they hold, the schema's keys by their Vietnamese names, phụ lục without its code."""
    from ..app.form import FILE_NAMES

    if not _LABELS:
        _LABELS.update(_field_labels())
    text = message
    for pattern, words in _REPLACED:
        text = pattern.sub(words, text)
    for pattern in _ADVICE:
        text = pattern.sub("", text)
    text = _FILES.sub(lambda m: f"«{FILE_NAMES.get(m.group(0), m.group(0))}»", text)
    text = re.sub(r"«([a-z_]+)»", lambda m: f"«{_LABELS.get(m.group(1), m.group(1))}»", text)
    return tables_by_name(text)


_TABLE_CODE = re.compile(r"(phụ lục \d+) \([a-z0-9-]+\)", re.IGNORECASE)


def tables_by_name(text: str) -> str:
    """«phụ lục 1 (pl1), dòng …» → «phụ lục 1, dòng …»: a form by its number, not its code."""
    return _TABLE_CODE.sub(r"\1", text)


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
    from ..documents.environment import Namespace

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
    from ..documents.contexts.common import plan_symbol

    plan = data.plan
    return f"{plan.doc_name} số {plan_symbol(data)}, ngày {vnrules.short_date(plan.date)}"


def reviewed_line(doc) -> str:
    return f"{doc.name} số {doc.symbol}, ngày {vnrules.short_date(doc.date)} của {doc.issuer} về {doc.subject}"


def unit_names(ws) -> dict[str, str]:
    """Unit id → name, from the campaign as last loaded (empty when it cannot be read)."""
    try:
        return {u.id: u.name for u in ws.loaded().data.units}
    except Exception:
        return {}


def output_title(name: str, units: dict[str, str]) -> str:
    """An output by what it is: «Kế hoạch», «Báo cáo mẫu — Đảng bộ Sở Tài chính» …"""
    if name in DOCUMENT_NAMES:
        return DOCUMENT_NAMES[name]
    stem, _, suffix = name.rpartition(".")
    folder, _, unit = stem.partition("/")
    who = units.get(unit, unit)
    if folder == "don-vi":
        return f"{'Báo cáo mẫu' if suffix == 'docx' else 'Biểu mẫu Excel'} — {who}"
    if folder == "bo-du-lieu":
        return f"Bộ dữ liệu cho chi bộ trực thuộc — {who}"
    if folder == "gui-cap-tren":
        return "Báo cáo gửi cấp trên"
    return name


def identified(how: str) -> str:
    """How the unit of a return was told, in words."""
    return {"dấu": "nhận ra theo dấu của báo cáo mẫu", "tiêu đề": "nhận ra theo tên ở tiêu đề",
            "chọn tay": "đơn vị do người nhận chọn tay"}.get(how, f"nhận ra theo {how}")


def part(key: str) -> str:
    from ..config.structure import part_name

    return part_name(key)


def edit_lines(report, units: dict[str, str]) -> list[str]:
    """What a build did with the documents people edited in Word, as the command line says it
    (``edits.lines``), with the documents named by what they are and no file or command."""
    from pathlib import Path

    from ..app import edits

    names = [m.output for m in report.merged] + list(report.edited) + [n for n, _ in report.kept] \
        + [n for n, _ in report.locked] + (["bao-cao-tong-hop.docx"] if report.read_back else [])
    out = []
    for line in edits.lines(Path(), report):
        for name in sorted(set(names), key=len, reverse=True):
            line = line.replace(name, f"«{output_title(name, units)}»")
        line = line.replace("vào bao-cao-tong-hop.yaml (mục «narrative»)", "vào dữ liệu của báo cáo tổng hợp")
        line = line.replace("«vanban build»", "«Sinh văn bản»")
        out.append(line[:1].upper() + line[1:])
    return out


def outputs_summary(names: list[str]) -> str:
    """Outputs said in a line: the documents by name, the units' files counted by kind."""
    main = [DOCUMENT_NAMES.get(n, n) for n in names if "/" not in n]
    kinds = [("don-vi/", ".docx", "báo cáo mẫu"), ("don-vi/", ".xlsx", "biểu mẫu Excel"),
             ("bo-du-lieu/", ".zip", "bộ dữ liệu"), ("gui-cap-tren/", ".docx", "báo cáo gửi cấp trên")]
    counted = []
    for folder, suffix, word in kinds:
        n = sum(1 for x in names if x.startswith(folder) and x.endswith(suffix))
        if n:
            counted.append(f"{vnrules.figure(n)} {word}")
    parts = main + counted
    return ", ".join(parts[:-1]) + (" và " if len(parts) > 1 else "") + parts[-1] if parts else ""
