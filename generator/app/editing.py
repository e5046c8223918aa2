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

from ..base import transaction
from ..base.exceptions import DataError, Problem, UsageError, VanbanError, printable
from ..model.loader import format_loc
from ..model.schema import DATA_FILES
from ..base.writer import write_atomic

PREVIOUS = Path(".vanban") / "truoc"    # the file before the last save, for «Hoàn tác»
EDITABLE = ("chien-dich.yaml", "ke-hoach.yaml", "de-cuong.yaml", "phu-luc.yaml", "bao-cao-tong-hop.yaml")
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


_READ: dict = {}     # (path, size, time, inode) → the document, for readers that do not change it


def read_document(path: Path) -> Any:
    """``path`` loaded round-trip for reading only (a form, a place named in words): parsed
    again only when the file changed. Never change what it returns — a save loads its own
    copy (:func:`load_document`)."""
    found = path.stat()
    key = (str(path), found.st_size, found.st_mtime_ns, found.st_ino)
    document = _READ.get(key)
    if document is None:
        if len(_READ) > 32:
            _READ.clear()
        document = _READ[key] = load_document(path)
    return document


def dump_document(document: Any) -> bytes:
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue().encode("utf-8")


from .form import Field, format_choices  # noqa: E402,F401  (the form of a data file)


def fields(path: Path, name: str) -> list[Field]:
    """The values of a YAML data file that a form edits, in the order of the file (see
    ``form.tree``): those in the file, and the ones its schema allows that it does not have yet."""
    from . import form

    return form.flatten(form.tree(path, name))


def _flow(node) -> bool:
    try:
        return bool(node.fa.flow_style())
    except AttributeError:
        return False


def _made(parent, kind: type):
    """A new map or list, written in the style of ``parent`` (``{…}`` inside ``{…}``)."""
    made = kind()
    if _flow(parent):
        made.fa.set_flow_style()
    return made


def _set(document, loc: tuple, kind: str, text: str) -> None:
    """Write the form's ``text`` at ``loc``; a value the file does not have yet is added
    (and the maps on its way), a choice left empty removes it."""
    node, trail = document, []
    for part in loc[:-1]:
        if isinstance(node, dict) and part not in node:
            node = None
            break
        trail.append((node, part))
        node = node[part]
    key = loc[-1]
    exists = node is not None and (key in node if isinstance(node, dict) else 0 <= key < len(node))
    old = node[key] if exists else None
    text = text.replace("\r\n", "\n")
    if kind in ("list", "multi"):
        items = [line.strip() for line in text.split("\n") if line.strip()]
        if not exists:
            if items:
                _make_way(document, loc)[key] = _seq(_make_way(document, loc), items, kind)
            return
        if kind == "multi" and not items:
            del node[key]
            _prune(trail)
            return
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
            value = stripped or None   # validation says what is wrong with it, at its place
    elif kind == "formula":
        parts = [p.strip() for p in text.split("\n") if p.strip()]
        value = " / ".join(parts) if parts else None
    else:
        value = text.strip() or None
    if not exists:
        if value is None or (kind == "yesno" and value is False):
            return      # nothing typed: the file stays without it
        _make_way(document, loc)[key] = value
        return
    if value is None and old in (None, "") and kind != "yesno":
        return  # still empty, written as it was
    if isinstance(old, str) and isinstance(value, str) and type(old) is not str:
        value = type(old)(value)  # a quoted or block scalar stays so
    if str(old if old is not None else "") != str(value if value is not None else "") \
            or type(old) is not type(value):
        node[key] = value


def _make_way(document, loc: tuple):
    """The map that holds ``loc``, the maps on the way made where the file has none."""
    node = document
    for part in loc[:-1]:
        if isinstance(node, dict) and part not in node:
            node[part] = _made(node, CommentedMap)
        node = node[part]
    return node


def _seq(parent, items: list[str], kind: str) -> CommentedSeq:
    seq = _made(parent, CommentedSeq) if kind == "multi" or _flow(parent) else CommentedSeq()
    if kind == "multi":
        seq.fa.set_flow_style()
    seq.extend(items)
    return seq


def _prune(trail: list) -> None:
    """Maps left empty by a removed choice (``applies_to: {}``) go too."""
    for parent, part in reversed(trail):
        if isinstance(parent[part], dict) and not parent[part]:
            del parent[part]
        else:
            break


# --- checking a change before it is written -----------------------------------------------

def problems_with(data_dir: Path, name: str, content: bytes, *, returns: bool = False) -> list[Problem]:
    """Every problem of the campaign if ``name`` held ``content``: the data files copied to
    a scratch folder with the new file (the folders beside them linked: the kit above, the
    reviews; the returns too when ``returns``), loaded and their contexts built (nothing
    rendered)."""
    from . import main as pipeline
    from .preview import scratch

    with scratch(data_dir, name, content, returns=returns) as copy:
        try:
            return pipeline.prepare(copy, repair=False).warnings
        except DataError as exc:
            return exc.problems


def blocking(problems: list[Problem], name: str, before: list[Problem] | None) -> list[Problem]:
    """The errors that stop a save of ``name``: those in ``name`` itself, and — given the
    problems the campaign had ``before`` — every error it did not have."""
    known = {(p.file, p.place, p.message) for p in before or [] if p.is_error}
    return [p for p in problems if p.is_error and (p.file == name or (
        before is not None and (p.file, p.place, p.message) not in known))]


def commit_file(data_dir: Path, name: str, content: bytes) -> None:
    """Write ``name``, keeping the file as it was for «Hoàn tác» and what was written, so
    that only this save is undone, once."""
    path = data_dir / name
    previous = data_dir / PREVIOUS / name
    if path.exists():
        previous.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(previous, path.read_bytes())
        write_atomic(_saved_mark(data_dir, name), hashlib.sha256(content).hexdigest()[:16].encode())
    write_atomic(path, content)


def _saved_mark(data_dir: Path, name: str) -> Path:
    return data_dir / PREVIOUS / f"{name}.da-luu"


def save(data_dir: Path, name: str, content: bytes, expected: str,
         before: list[Problem] | None = None) -> list[Problem]:
    """Write ``content`` as ``name`` if the file is still at version ``expected`` and the
    campaign with it has no error in that file — nor, given the problems it had ``before``,
    any error anywhere it did not have. Returns the problems of the campaign with the new
    file; when one of them stops the save (:func:`blocking`), nothing was written."""
    with transaction.lock(data_dir):
        if version(data_dir / name) != expected:
            raise Stale(name)
        problems = problems_with(data_dir, name, content, returns=before is not None)
        if blocking(problems, name, before):
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


REPORT_FILE = "bao-cao-tong-hop.yaml"


def paragraphs(text: str) -> list[str]:
    """A part's words as typed in a page: each line a paragraph, blank lines between them."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def narrative_text(words) -> str:
    return "\n\n".join(str(w) for w in words or [])


def save_narrative(data_dir: Path, values: dict[str, str], expected: str,
                   originals: dict[str, str], order: list[str]) -> list[Problem]:
    """The consolidated report's parts written in a page (``values``: part → text) saved as
    its ``narrative``, each part in the outline's ``order``; only the parts the person changed
    are written, and — as with :func:`save_fields` — a part changed meanwhile elsewhere (a
    second tab, words read back from Word) is a :class:`Stale` naming it, nothing written."""
    from ..config.structure import part_name

    path = data_dir / REPORT_FILE
    if not path.is_file():
        raise UsageError("Chiến dịch chưa có tệp dữ liệu của báo cáo tổng hợp.")
    with transaction.lock(data_dir):
        document = load_document(path)
        if document.get("narrative") is None:
            document["narrative"] = CommentedMap()
        narrative = document["narrative"]
        now_text = {k: narrative_text(v) for k, v in narrative.items()}
        changed = {k: v for k, v in values.items() if not _same_words(v, originals.get(k, ""))}
        now = version(path)
        if now != expected:
            clashes = [Clash(k, f"Phần {part_name(k)}", now_text.get(k, ""), v) for k, v in changed.items()
                       if not _same_words(now_text.get(k, ""), originals.get(k, ""))
                       and not _same_words(now_text.get(k, ""), v)]
            if clashes:
                raise Stale(REPORT_FILE, tuple(clashes))
        rank = {k: i for i, k in enumerate(order)}
        for key, text in changed.items():
            words = paragraphs(text)
            if not words:
                if key in narrative:
                    del narrative[key]
                continue
            if key in narrative:
                narrative[key] = CommentedSeq(words)
                continue
            at = sum(1 for k in narrative if rank.get(k, len(rank)) < rank.get(key, len(rank)))
            narrative.insert(at, key, CommentedSeq(words))
        return save(data_dir, REPORT_FILE, dump_document(document), now)


def _same_words(a: str, b: str) -> bool:
    return paragraphs(a) == paragraphs(b)


def undo(data_dir: Path, name: str) -> None:
    """Put back the file as it was before its last save — once: undoing again says there is
    nothing left to undo (it never redoes); a file changed since that save elsewhere is not
    undone either."""
    if name not in EDITABLE + (UNITS_FILE,):
        raise UsageError("Tệp này không hoàn tác được ở đây.")
    with transaction.lock(data_dir):
        previous = data_dir / PREVIOUS / name
        if not previous.is_file():
            raise Nothing("Không còn gì để hoàn tác: lần lưu trước đã được hoàn tác rồi.")
        if not _undoable(data_dir, name):
            raise Nothing("Không hoàn tác được: dữ liệu đã được sửa ở nơi khác (thẻ khác hoặc chương "
                          "trình khác) sau lần lưu trước.")
        before = previous.read_bytes()
        write_atomic(data_dir / name, before)
        previous.unlink()
        _saved_mark(data_dir, name).unlink(missing_ok=True)


class Nothing(UsageError):
    """Nothing to undo (said to the person, not an error of theirs)."""


def _undoable(data_dir: Path, name: str) -> bool:
    mark = _saved_mark(data_dir, name)
    if not mark.is_file():      # kept by an older vanban: the file as saved is not known
        return True
    return mark.read_text(encoding="ascii", errors="replace").strip() == version(data_dir / name)


def can_undo(data_dir: Path, name: str) -> bool:
    return (data_dir / PREVIOUS / name).is_file() and _undoable(data_dir, name)


# --- the unit list ------------------------------------------------------------------------

@dataclass
class UnitTable:
    """don-vi.csv as its columns and rows of text, with how the file was written."""

    columns: list[str]
    rows: list[dict[str, str]]
    delimiter: str = ","
    bom: bool = False


def read_units(data_dir: Path) -> UnitTable:
    from ..config.validate import UNIT_COLUMNS

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


# --- importing a unit list, previewed row by row ------------------------------------------------

ADD_ONLY, REPLACE = "them", "thay"     # how an imported list is taken


@dataclass
class ImportRow:
    """One row of an imported list, as the preview shows it."""

    line: int                       # its line in the file sent
    row: dict[str, str]             # its cells, level and kind as ids
    problems: list[Problem] = field(default_factory=list)
    state: str = ""                 # added | changed | same | bad
    before: dict[str, str] | None = None

    @property
    def bad(self) -> bool:
        return any(p.is_error for p in self.problems)


@dataclass
class ImportPlan:
    rows: list[ImportRow]
    removed: list[dict[str, str]]   # units the new list leaves out (``REPLACE`` only)
    table: UnitTable                # the list as it would be saved: the good rows only
    problems: list[Problem]         # of the file as a whole (its columns …)
    mode: str

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)


def read_import(path: Path, shown_name: str) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """A unit list sent by upload (.csv or .xlsx), read with the checks of the unit list and
    of files from elsewhere: its rows with their line in the file (the cells it fills), and
    the problems of the file as a whole."""
    from ..model.loader import load_csv, load_xlsx_table
    from ..config.validate import UNIT_COLUMN_NAMES, UNIT_COLUMNS

    problems: list[Problem] = []
    if shown_name.lower().endswith(".xlsx"):
        source = load_xlsx_table(path, shown_name, problems, UNIT_COLUMNS, UNIT_COLUMN_NAMES)
    elif shown_name.lower().endswith(".csv"):
        source = load_csv(path, shown_name, problems, UNIT_COLUMNS, UNIT_COLUMN_NAMES)
    else:
        return [], [Problem(shown_name, None, "", "chỉ nhận tệp .xlsx hoặc .csv")]
    # a unit without a code is given one from its name: the column may be left out
    problems = [p for p in problems if not (p.place == "cột «id»" and "thiếu cột" in p.message)]
    rows = []
    for index, row in enumerate(source.data or []):
        line = source.lines.get((index,), index + 2)
        rows.append((line, {c: str(v) for c, v in row.items() if c in UNIT_COLUMNS and v is not None}))
    return rows, problems


def read_unit_list(path: Path, shown_name: str) -> tuple[list[dict[str, str]], list[Problem]]:
    """The rows of an uploaded unit list, every known column present (see :func:`read_import`)."""
    from ..config.validate import UNIT_COLUMNS

    rows, problems = read_import(path, shown_name)
    return [{c: row.get(c, "") for c in UNIT_COLUMNS} for _, row in rows], problems


def _by_name(value: str, known: list[tuple[str, str]]) -> str:
    """A level or kind given by its id or by its name (as the unit table shows it)."""
    from .form import slug

    if not value or any(value == i for i, _ in known):
        return value
    wanted = slug(value, 200)
    return next((i for i, n in known if slug(n, 200) == wanted or slug(i, 200) == wanted), value)


def plan_import(data_dir: Path, rows: list[tuple[int, dict[str, str]]], mode: str,
                levels: list[tuple[str, str]], kinds: list[tuple[str, str]],
                file_problems: list[Problem] | None = None) -> ImportPlan:
    """What importing ``rows`` would do, row by row, before anything is saved: each row
    checked as ``vanban check`` checks the unit list (in the list as it would be), a bad row
    marked with its problems and left out — the others still taken. ``ADD_ONLY`` adds and
    changes units and removes none (a blank cell keeps the unit's value); ``REPLACE`` makes
    the list the file's. Levels and kinds may be given by name."""
    from .form import slug

    current = read_units(data_dir)
    taken: list[ImportRow] = []
    seen: set[str] = set()
    for line, row in rows:
        row = dict(row)
        row["level"] = _by_name(row.get("level", ""), levels)
        row["kind"] = _by_name(row.get("kind", ""), kinds)
        if not row.get("id") and row.get("name"):
            row["id"] = unique_id(slug(row["name"]), {r.get("id", "") for r in current.rows} | seen)
        item = ImportRow(line, row)
        if row.get("id") in seen:
            item.problems.append(Problem(UNITS_FILE, line, "cột «id»", f"mã «{row['id']}» đã có ở một "
                                                                       "dòng trên của tệp"))
        seen.add(row.get("id", ""))
        taken.append(item)

    def merged(chosen: list[ImportRow]) -> tuple[UnitTable, dict[int, ImportRow]]:
        table = UnitTable(list(current.columns), [dict(r) for r in current.rows], current.delimiter, current.bom)
        at = {r.get("id"): i for i, r in enumerate(table.rows)}
        placed: dict[int, ImportRow] = {}
        if mode == REPLACE:
            table.rows = []
            at = {}
        old = {r.get("id"): r for r in current.rows}
        for item in chosen:
            new = item.row
            for c, v in new.items():
                if v and c not in table.columns:
                    table.columns.append(c)
            uid = new.get("id", "")
            if uid in at:
                row = table.rows[at[uid]]
                row.update({c: v for c, v in new.items() if v})
                placed[at[uid]] = item
            else:
                base = dict(old.get(uid, {})) if mode == REPLACE else {}
                base.update({c: v for c, v in new.items() if v or mode == REPLACE})
                at[uid] = len(table.rows)
                table.rows.append(base)
                placed[at[uid]] = item
        return table, placed

    def check(chosen: list[ImportRow]) -> UnitTable:
        table, placed = merged(chosen)
        for p in problems_with(data_dir, UNITS_FILE, units_csv(table)):
            if p.file == UNITS_FILE and p.line and (p.line - 2) in placed:
                item = placed[p.line - 2]
                if p not in item.problems:
                    item.problems.append(Problem(p.file, item.line, p.place, p.message, p.level))
        return table

    good = [r for r in taken if not r.bad]
    check(good)
    for _ in range(2):     # a row left out may have been what another row clashed with
        good = [r for r in taken if not r.bad]
        table = check(good)
        if all(not r.bad for r in good):
            break
    old = {r.get("id"): r for r in current.rows}
    for item in taken:
        if item.bad:
            item.state = "bad"
            continue
        before = old.get(item.row.get("id"))
        after = next(r for r in table.rows if r.get("id") == item.row.get("id"))
        if before is None:
            item.state = "added"
        elif any((before.get(c) or "") != (after.get(c) or "") for c in table.columns):
            item.state, item.before = "changed", before
        else:
            item.state = "same"
        item.row = after
    kept = {r.get("id") for r in table.rows}
    removed = [r for r in current.rows if r.get("id") not in kept] if mode == REPLACE else []
    return ImportPlan(taken, removed, table, list(file_problems or []), mode)


def unique_id(base: str, taken: set[str]) -> str:
    base = base or "don-vi"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate
