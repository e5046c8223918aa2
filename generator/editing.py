"""Editing the campaign's data files from a form (the web workspace), not by hand.

The YAML files are changed in place with a round-trip YAML library, so their comments,
order and layout stay as the office wrote them; the unit list is rewritten as the same CSV
(same columns, delimiter and BOM). Every save:

- checks that the file is still the one the form was made from (:func:`version`), so a
  second tab or an edit in another program is never silently overwritten (:class:`Stale`);
- validates the campaign *as it would be* with the new file, in a scratch copy, and writes
  nothing when the saved file would have errors (they are returned, each with its place);
- keeps the file as it was before in ``.vanban/truoc/`` so the last save can be undone;
- writes atomically.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import transaction
from .exceptions import DataError, Problem, UsageError, VanbanError, printable
from .loader import format_loc
from .schema import DATA_FILES
from .writer import write_atomic

PREVIOUS = Path(".vanban") / "truoc"    # the file before the last save, for «Hoàn tác»
EDITABLE = ("chien-dich.yaml", "ke-hoach.yaml")
UNITS_FILE = "don-vi.csv"


@dataclass(frozen=True)
class Clash:
    """A field both the person and somebody else (another tab, another program) changed."""

    key: str
    label: str
    theirs: str      # the value in the file now
    mine: str        # the value the person typed


class Stale(VanbanError):
    """The file changed since the form was made from it; ``clashes``: the fields changed on
    both sides (empty when the form did not say what it was made from)."""

    def __init__(self, name: str, clashes: tuple = ()):
        if clashes:
            message = (f"Tệp {name} đã được lưu ở một thẻ khác (hoặc chương trình khác) sau khi bạn mở "
                       f"trang này, và {len(clashes)} ô bạn sửa cũng đã bị sửa ở đó; chưa ghi gì. Xem "
                       "từng ô dưới đây (giá trị đang có trong tệp và giá trị bạn nhập), giữ giá trị "
                       "bạn muốn rồi bấm Lưu lần nữa.")
        else:
            message = (f"Tệp {name} đã được thay đổi sau khi bạn mở trang này (ở một thẻ khác hoặc "
                       "trong chương trình khác); chưa ghi gì. Hãy tải lại trang để xem bản mới rồi "
                       "sửa lại.")
        super().__init__(message)
        self.name, self.clashes = name, tuple(clashes)
        self._made_from = (name, tuple(clashes))


def version(path: Path) -> str:
    """A short fingerprint of the file as it is now ("-": no such file)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "-"


# --- YAML, round trip ---------------------------------------------------------------------

def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096                      # never re-wrap a long sentence
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return y


def load_document(path: Path) -> Any:
    return _yaml().load(path.read_text(encoding="utf-8"))


def dump_document(document: Any) -> bytes:
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue().encode("utf-8")


@dataclass
class Field:
    """One value of a data file as a form shows it."""

    key: str                # the place as problems name it: levels[1].report_deadline
    loc: tuple
    value: str
    kind: str               # text | long | list | yesno | number
    label: str
    comment: str = ""
    prose: bool = False     # may refer to data values with {{ … }}
    problems: list[Problem] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)   # (value, words) for a list
    original: str = ""      # the value in the file when the form was made


def format_choices() -> list[tuple[str, str]]:
    """What ``format`` may say: a kind (the profile in force on the plan's date) or a profile."""
    from . import profiles

    out = [("dang", "dang — văn bản của Đảng, thể thức có hiệu lực vào ngày kế hoạch"),
           ("nha-nuoc", "nha-nuoc — văn bản nhà nước, thể thức có hiệu lực vào ngày kế hoạch")]
    for profile_id in profiles.available():
        out.append((profile_id, f"{profile_id} — {profiles.raw_profile(profile_id).get('name', '')}"))
    return out


def _model_field(model, loc: tuple):
    """The pydantic field of ``loc`` in ``model`` (for its label), or None."""
    import typing

    current, found = model, None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return None
        found = fields[part]
        annotation = found.annotation
        current = None
        for candidate in [annotation, *typing.get_args(annotation)]:
            for inner in [candidate, *typing.get_args(candidate)]:
                if hasattr(inner, "model_fields"):
                    current = inner
    return found


def _comment(node, key) -> str:
    """The comment written after ``key`` on its line, if any."""
    try:
        tokens = node.ca.items.get(key)
    except AttributeError:
        return ""
    if not tokens:
        return ""
    for token in tokens:
        first = token.value.split("\n")[0].strip() if hasattr(token, "value") else ""
        if first.startswith("#"):  # on the key's own line, not the block before the next key
            return first.lstrip("#").strip()
    return ""


def _prose_field(info, text: str, kind: str) -> bool:
    """Whether a value may refer to data values: a sentence or a list of them."""
    return "{{" in text or kind in ("long", "list") or (
        info is not None and "{{ … }}" in repr(info.annotation))


def fields(path: Path, name: str) -> list[Field]:
    """The values of a YAML data file that a form edits: every text, number and yes/no, and
    every list of texts; in the order of the file."""
    model = DATA_FILES.get(name)
    out: list[Field] = []

    def walk(node, loc: tuple) -> None:
        items = node.items() if isinstance(node, CommentedMap) else enumerate(node)
        for key, value in items:
            here = loc + (key,)
            info = _model_field(model, here) if model else None
            label = (info.description if info is not None and info.description else str(key))
            if isinstance(value, CommentedMap):
                walk(value, here)
            elif isinstance(value, CommentedSeq):
                if all(isinstance(v, str) for v in value) and value:
                    text = "\n".join(value)
                    out.append(Field(format_loc(here), here, text, "list", label,
                                     _comment(node, key), _prose_field(info, text, "list")))
                elif all(isinstance(v, (CommentedMap, CommentedSeq)) for v in value):
                    walk(value, here)
            elif isinstance(value, bool):
                out.append(Field(format_loc(here), here, "có" if value else "không", "yesno",
                                 label, _comment(node, key)))
            elif isinstance(value, (int, float)):
                out.append(Field(format_loc(here), here, str(value), "number", label,
                                 _comment(node, key)))
            elif value is None or isinstance(value, (str, date)):
                text = "" if value is None else str(value)
                kind = "long" if len(text) > 90 or "\n" in text else "text"
                out.append(Field(format_loc(here), here, text, kind, label, _comment(node, key),
                                 _prose_field(info, text, kind)))

    document = load_document(path)
    if isinstance(document, CommentedMap):
        walk(document, ())
    for f in out:
        if name == "chien-dich.yaml" and f.key == "format":
            f.choices = format_choices()
    return out


def group_labels(name: str) -> dict[str, str]:
    """The top-level keys of a data file with their descriptions, to title a form's groups."""
    model = DATA_FILES.get(name)
    fields_ = getattr(model, "model_fields", {}) if model else {}
    return {key: (info.description or key).split(";")[0] for key, info in fields_.items()}


def _set(document, loc: tuple, kind: str, text: str) -> None:
    node = document
    for part in loc[:-1]:
        node = node[part]
    key = loc[-1]
    old = node[key]
    text = text.replace("\r\n", "\n")
    if kind == "list":
        items = [line.strip() for line in text.split("\n") if line.strip()]
        if [str(v) for v in old] != items:
            del old[:]
            old.extend(items)
        return
    if kind == "yesno":
        value: Any = text.strip().lower() in ("có", "co", "true", "1", "yes", "on")
    elif kind == "number":
        stripped = text.strip()
        try:
            value = int(stripped) if stripped.lstrip("-").isdigit() else float(stripped.replace(",", "."))
        except ValueError:
            value = stripped        # validation says what is wrong with it, at its place
    else:
        value = text.strip() or None
        if value is None and old in (None, ""):
            return  # still empty, written as it was
        if isinstance(old, str) and value is not None and type(old) is not str:
            value = type(old)(value)  # a quoted or block scalar stays so
    if str(old if old is not None else "") != str(value if value is not None else "") \
            or type(old) is not type(value):
        node[key] = value


# --- checking a change before it is written -----------------------------------------------

def problems_with(data_dir: Path, name: str, content: bytes) -> list[Problem]:
    """Every problem of the campaign if ``name`` held ``content``: the data files copied to
    a scratch folder with the new file, loaded and their contexts built (nothing rendered)."""
    from . import main as pipeline

    with tempfile.TemporaryDirectory(prefix="vanban-kiem-tra-") as scratch:
        copy = Path(scratch) / "data"
        copy.mkdir()
        for entry in data_dir.iterdir():
            if entry.is_file():
                shutil.copy2(entry, copy / entry.name)
        (copy / name).write_bytes(content)
        try:
            return pipeline.prepare(copy, repair=False).warnings
        except DataError as exc:
            return exc.problems


def commit_file(data_dir: Path, name: str, content: bytes) -> None:
    path = data_dir / name
    previous = data_dir / PREVIOUS / name
    if path.exists():
        previous.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(previous, path.read_bytes())
    write_atomic(path, content)


def save(data_dir: Path, name: str, content: bytes, expected: str) -> list[Problem]:
    """Write ``content`` as ``name`` if the file is still at version ``expected`` and the
    campaign with it has no error in that file. Returns the problems of the campaign with the
    new file; when one of them is an error in ``name``, nothing was written."""
    with transaction.lock(data_dir):
        if version(data_dir / name) != expected:
            raise Stale(name)
        problems = problems_with(data_dir, name, content)
        if any(p.is_error and p.file == name for p in problems):
            return problems
        commit_file(data_dir, name, content)
        return problems


def _same(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def save_fields(data_dir: Path, name: str, values: dict[str, str], expected: str,
                originals: dict[str, str] | None = None) -> list[Problem]:
    """The form's ``values`` (by key) written into ``name``, keeping its comments and layout;
    see :func:`save`. Keys the file does not have are refused.

    Given ``originals`` — the values the form was made with — only the fields the person
    changed are written. When the file changed since the form was made (version
    ``expected``), those changes are written onto it if nobody changed the same fields
    meanwhile; otherwise nothing is written and :class:`Stale` names each such field with the
    value in the file and the person's (a form made anew from the file, with the person's
    values over it, is then saved deliberately)."""
    if name not in EDITABLE:
        raise UsageError(f"Tệp {name} chỉ xem được ở đây; sửa trong trình soạn thảo.")
    path = data_dir / name
    with transaction.lock(data_dir):
        known = {f.key: f for f in fields(path, name)}
        unknown = [k for k in values if k not in known]
        if unknown:
            raise UsageError(f"Biểu mẫu có ô không thuộc tệp {name}: "
                             f"{', '.join(printable(k)[:80] for k in unknown[:5])}")
        changed = values if originals is None else \
            {k: v for k, v in values.items() if k not in originals or not _same(v, originals[k])}
        now = version(path)
        if now != expected:
            if originals is None:
                raise Stale(name)
            clashes = [Clash(k, known[k].label, known[k].value, v) for k, v in changed.items()
                       if not _same(known[k].value, originals.get(k, known[k].value))
                       and not _same(known[k].value, v)]
            if clashes:
                raise Stale(name, tuple(clashes))
        document = load_document(path)
        for key, text in changed.items():
            _set(document, known[key].loc, known[key].kind, text)
        return save(data_dir, name, dump_document(document), now)


def undo(data_dir: Path, name: str) -> None:
    """Put back the file as it was before its last save (the undone version is kept in its
    place, so undoing again redoes)."""
    previous = data_dir / PREVIOUS / name
    if name not in EDITABLE + (UNITS_FILE,) or not previous.is_file():
        raise UsageError(f"Chưa có bản trước của {name} để hoàn tác.")
    with transaction.lock(data_dir):
        before = previous.read_bytes()
        commit_file(data_dir, name, before)


def can_undo(data_dir: Path, name: str) -> bool:
    return (data_dir / PREVIOUS / name).is_file()


# --- the unit list ------------------------------------------------------------------------

@dataclass
class UnitTable:
    """don-vi.csv as its columns and rows of text, with how the file was written."""

    columns: list[str]
    rows: list[dict[str, str]]
    delimiter: str = ","
    bom: bool = False


def read_units(data_dir: Path) -> UnitTable:
    from .validate import UNIT_COLUMNS

    path = data_dir / UNITS_FILE
    if not path.exists():
        return UnitTable(list(UNIT_COLUMNS), [])
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max(("\t", ";", ","), key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = [cells for cells in reader]
    columns = [c.strip() for c in lines[0]] if lines else list(UNIT_COLUMNS)
    rows = [{c: (cells[i].strip() if i < len(cells) else "") for i, c in enumerate(columns)}
            for cells in lines[1:] if any(cell.strip() for cell in cells)]
    return UnitTable(columns, rows, delimiter, bom)


def units_csv(table: UnitTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=table.delimiter, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([row.get(c, "") for c in table.columns])
    return ("\ufeff" if table.bom else "").encode() + out.getvalue().encode("utf-8")


def save_units(data_dir: Path, table: UnitTable, expected: str) -> list[Problem]:
    if (data_dir / "don-vi.xlsx").exists() and not (data_dir / UNITS_FILE).exists():
        raise UsageError("Danh sách đơn vị đang giữ trong don-vi.xlsx: hãy sửa trong Excel.")
    return save(data_dir, UNITS_FILE, units_csv(table), expected)


@dataclass
class UnitChanges:
    """What importing a list would change, unit by unit."""

    added: list[dict[str, str]]
    changed: list[tuple[dict[str, str], dict[str, str]]]   # (old, new)
    removed: list[dict[str, str]]
    same: int

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def compare_units(old: list[dict[str, str]], new: list[dict[str, str]], columns: list[str]) -> UnitChanges:
    before = {r.get("id", ""): r for r in old}
    after = {r.get("id", ""): r for r in new}
    added = [r for k, r in after.items() if k not in before]
    removed = [r for k, r in before.items() if k not in after]
    changed, same = [], 0
    for k, r in after.items():
        if k in before:
            if any((before[k].get(c) or "") != (r.get(c) or "") for c in columns):
                changed.append((before[k], r))
            else:
                same += 1
    return UnitChanges(added, changed, removed, same)


def read_unit_list(path: Path, shown_name: str) -> tuple[list[dict[str, str]], list[Problem]]:
    """A unit list sent by upload (.csv or .xlsx), read with the checks of the unit list
    and of files from elsewhere: its rows (known columns only) and its problems."""
    from .loader import load_csv, load_xlsx_table
    from .validate import UNIT_COLUMN_NAMES, UNIT_COLUMNS

    problems: list[Problem] = []
    if shown_name.lower().endswith(".xlsx"):
        source = load_xlsx_table(path, shown_name, problems, UNIT_COLUMNS, UNIT_COLUMN_NAMES)
    elif shown_name.lower().endswith(".csv"):
        source = load_csv(path, shown_name, problems, UNIT_COLUMNS, UNIT_COLUMN_NAMES)
    else:
        return [], [Problem(shown_name, None, "", "chỉ nhận tệp .xlsx hoặc .csv")]
    rows = []
    for row in source.data or []:
        rows.append({c: ("" if row.get(c) is None else str(row.get(c))) for c in UNIT_COLUMNS})
    return rows, problems
