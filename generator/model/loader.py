"""Reading data files: YAML with the line of every key, and text hygiene on every string.

PyYAML composes the file into nodes, which carry their line; we build plain Python values from
them ourselves so that we can (1) remember the line of every key path, (2) refuse duplicate
keys, which PyYAML would silently accept, (3) keep dates as text for our own date parser, and
(4) clean every string on the way in (NFC, the broken ``Ƣ``, control characters).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from ..base.exceptions import ERROR, WARNING, Problem
from ..base.exceptions import os_reason
from ..base.thousands import thousands

Path_ = tuple[str | int, ...]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it


@dataclass
class SourceFile:
    """A data file read into plain values, with the line of each key path (1-based)."""

    path: Path
    name: str                      # what users see in messages: "chien-dich.yaml"
    data: Any = None
    lines: dict[Path_, int] = field(default_factory=dict)
    table: bool = False            # a CSV table: places are columns, lines are rows

    def line_of(self, loc: Path_) -> int | None:
        """Line of ``loc``, or of its nearest parent that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)

    def problem(self, loc: Path_, message: str, level: str = ERROR) -> Problem:
        if self.table:
            place = f"cột «{loc[1]}»" if len(loc) > 1 else ""
            return Problem(self.name, self.line_of(loc), place, message, level)
        return Problem(self.name, self.line_of(loc), format_loc(loc), message, level)


def format_loc(loc: Path_) -> str:
    """``("levels", 1, "id")`` → ``levels[2].id`` (items counted from 1, as users count)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# --- text hygiene -------------------------------------------------------------------------

_BROKEN_LETTERS = {"Ƣ": "Ư", "ƣ": "ư"}
# C0 controls but \n, C1 controls, the non-characters U+FFFE/U+FFFF, zero-width marks and BOMs.
_BAD_CHARS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ufffe\uffff\u200b\u200c\u200d\u2060\ufeff"
                        "\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_BROKEN = re.compile("[" + "".join(_BROKEN_LETTERS) + "]")


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X}" + (" (xuống dòng trong ô của Word)" if ch == "\x0b" else "")


def clean_text(text: str) -> tuple[str, list[str]]:
    """The text as it should be: NFC, ``Ƣ``/``ƣ`` repaired, control characters gone, runs
    of white space (new lines included) made one space. Returns the text and the warnings
    (Vietnamese) for what was repaired or removed."""
    if (text.isprintable() and unicodedata.is_normalized("NFC", text) and "  " not in text
            and text == text.strip() and not _BROKEN.search(text)):
        return text, []  # the common case, told at C speed: nothing to repair
    notes: list[str] = []
    text = unicodedata.normalize("NFC", text)
    broken = sorted({ch for ch in text if ch in _BROKEN_LETTERS})
    if broken:
        for ch in broken:
            text = text.replace(ch, _BROKEN_LETTERS[ch])
        pairs = ", ".join(f"«{ch}» → «{_BROKEN_LETTERS[ch]}»" for ch in broken)
        notes.append(f"đã sửa chữ lỗi phông {pairs}")
    bad = sorted({ch for ch in text if _BAD_CHARS.match(ch)})
    if bad:
        # a tab or a Word line break stands between words: keep a space there
        text = _BAD_CHARS.sub(lambda m: " " if m.group() in "\t\x0b\x0c" else "", text)
        notes.append("đã bỏ ký tự điều khiển không đưa được vào văn bản: "
                     + ", ".join(_char_name(ch) for ch in bad))
    text = _SPACES.sub(" ", text).strip()
    return text, notes


# --- YAML ---------------------------------------------------------------------------------

_PROBLEM_VI = [
    ("mapping values are not allowed", "dấu «:» không đúng chỗ (thiếu dấu nháy quanh một "
     "đoạn văn có dấu hai chấm, hoặc thụt lề sai)"),
    ("could not find expected ':'", "thiếu dấu «:» sau tên mục"),
    ("expected <block end>, but found", "thụt lề không khớp với các dòng trên"),
    ("found character '\\t' that cannot start any token", "có ký tự Tab: hãy thụt lề bằng dấu cách"),
    ("found unexpected end of stream", "tệp kết thúc khi một đoạn trong dấu nháy chưa đóng"),
    ("found undefined alias", "tham chiếu «*» tới một neo «&» không có"),
    ("found unknown escape character", "ký tự thoát «\\» không hợp lệ trong dấu nháy kép"),
    ("expected ',' or ']'", "danh sách trong «[ ]» thiếu dấu phẩy hoặc dấu «]»"),
    ("expected ',' or '}'", "nhóm trong «{ }» thiếu dấu phẩy hoặc dấu «}»"),
    ("while scanning a quoted scalar", "đoạn trong dấu nháy chưa được đóng"),
    ("while scanning a simple key", "thiếu dấu «:» sau tên mục"),
    ("found a tab character", "có ký tự Tab: hãy thụt lề bằng dấu cách"),
]


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    raw = " ".join(x for x in (exc.context, exc.problem) if x)
    for needle, vi in _PROBLEM_VI:
        if needle in raw:
            return f"lỗi cú pháp YAML: {vi}"
    return f"lỗi cú pháp YAML ({raw})"


MAX_NODES = 200_000   # values in one data file, aliases expanded: far above any real campaign
MAX_DEPTH = 50


class TooLarge(Exception):
    """A data file whose values, with its aliases (``*``) expanded, are too many or too deep."""


class _Builder:
    """Plain values from composed YAML nodes, recording lines and cleaning text."""

    _constructor = SafeConstructor()

    def __init__(self, source: SourceFile, problems: list[Problem], clean: bool):
        self.source = source
        self.problems = problems
        self.clean = clean
        self.count = 0

    def build(self, node: yaml.Node, loc: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES or len(loc) > MAX_DEPTH:
            raise TooLarge(node.start_mark.line + 1)
        self.source.lines.setdefault(loc, node.start_mark.line + 1)
        if not node.tag.startswith("tag:yaml.org,2002:") or "python" in node.tag:
            self.problems.append(Problem(self.source.name, node.start_mark.line + 1,
                                         format_loc(loc), f"giá trị không đọc được (thẻ YAML "
                                         f"«{node.tag}» không được dùng trong dữ liệu)"))
            return None
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, loc + ("<khóa>",))
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    self.problems.append(Problem(self.source.name, key_node.start_mark.line + 1,
                                                 format_loc(loc), "tên mục phải là chữ"))
                    continue
                key = str(key)
                if key in out:
                    self.problems.append(Problem(
                        self.source.name, key_node.start_mark.line + 1, format_loc(loc + (key,)),
                        f"mục «{key}» được khai báo hai lần (lần đầu ở dòng "
                        f"{self.source.lines.get(loc + (key,))})"))
                    continue
                self.source.lines[loc + (key,)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, loc + (key,))
            self.source.lines.pop(loc + ("<khóa>",), None)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, loc + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node, loc)

    def scalar(self, node: yaml.ScalarNode, loc: Path_) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # our own parser reads dates, with Vietnamese messages
        if node.tag == "tag:yaml.org,2002:str":
            value = node.value
        else:
            try:
                value = self._constructor.construct_object(node)
            except ConstructorError as exc:
                self.problems.append(Problem(self.source.name, node.start_mark.line + 1,
                                             format_loc(loc), f"giá trị không đọc được ({exc.problem})"))
                return None
            except (ValueError, OverflowError):  # a number of thousands of digits
                self.problems.append(Problem(self.source.name, node.start_mark.line + 1,
                                             format_loc(loc), f"số có {thousands(len(node.value))} chữ số: quá "
                                             "lớn để là một giá trị của dữ liệu"))
                return None
        if isinstance(value, str) and self.clean:
            value, notes = clean_text(value)
            for note in notes:
                self.problems.append(Problem(self.source.name, node.start_mark.line + 1,
                                             format_loc(loc), note, WARNING))
        return value


MAX_DATA_FILE = 10 * 1024 * 1024   # bytes of one data file: a campaign's are under 100 KB, a
                                   # list of 20.000 units about 2,5 MB
MAX_ROWS = 20_000                  # rows of a table file (the unit list)


def _too_large(path: Path, name: str, problems: list[Problem]) -> bool:
    """Whether ``path`` is past :data:`MAX_DATA_FILE` (then said, and not read)."""
    try:
        size = path.stat().st_size
    except OSError:
        return False  # the read that follows says what is wrong
    if size <= MAX_DATA_FILE:
        return False
    problems.append(Problem(name, None, "", f"tệp quá lớn ({size / 2**20:.1f} MB; một tệp dữ liệu "
                            f"không quá {MAX_DATA_FILE // 2**20} MB): không đọc — có phải đã chép nhầm "
                            "nội dung khác vào tệp?".replace(".", ",", 1)))
    return True


def read_text(path: Path, name: str, problems: list[Problem]) -> str | None:
    """A text file's content, or ``None`` with a problem if it cannot be read as UTF-8 or is
    past the size limit."""
    raw = read_bytes(path, name, problems)
    return None if raw is None else decode_text(raw, name, problems)


def read_bytes(path: Path, name: str, problems: list[Problem]) -> bytes | None:
    """A data file's bytes, or ``None`` with a problem if it is past the size limit or cannot
    be read."""
    if _too_large(path, name, problems):
        return None
    try:
        return path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(name, None, "", "không tìm thấy tệp"))
    except OSError as exc:
        problems.append(Problem(name, None, "", f"không đọc được tệp ({os_reason(exc)})"))
    return None


def decode_text(raw: bytes, name: str, problems: list[Problem]) -> str | None:
    """A data file's bytes as UTF-8 text, or ``None`` with a problem."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(name, line, "", "tệp không ở mã UTF-8: hãy lưu lại với "
                                "mã hóa UTF-8 (trong Notepad: Save As → Encoding: UTF-8)"))
        return None


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_table_text(path: Path, name: str, problems: list[Problem]) -> str | None:
    """A table file as Excel on a Vietnamese Windows may save it: UTF-8 (CSV UTF-8), UTF-16
    («Unicode Text», cells between tabs), or Windows-1258 (plain «CSV», tone marks as
    combining characters, joined again here). The last two are read with a warning."""
    if _too_large(path, name, problems):
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return read_text(path, name, problems)  # says what is wrong
    if raw.startswith(_UTF16_BOMS):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            problems.append(Problem(name, None, "", "tệp Unicode Text (UTF-16) bị hỏng: hãy lưu lại "
                                    "từ Excel dạng «CSV UTF-8»"))
            return None
        problems.append(Problem(name, None, "", "tệp được lưu dạng «Unicode Text» của Excel: đã đọc "
                                "được; lần sau nên lưu dạng «CSV UTF-8 (Comma delimited)»", WARNING))
        return text
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
    try:
        text = unicodedata.normalize("NFC", raw.decode("cp1258"))
    except UnicodeDecodeError:
        problems.append(Problem(name, line, "", "tệp không ở mã UTF-8: hãy lưu lại với mã hóa "
                                "UTF-8 (trong Excel: Save As → CSV UTF-8)"))
        return None
    sample = next((l for l in text.splitlines()[1:] if l.strip()), "")[:60]
    problems.append(Problem(name, None, "", "tệp không ở mã UTF-8; đã đọc theo bảng mã tiếng Việt "
                            f"của Windows (Windows-1258), ví dụ dòng 2: «{sample}» — nếu chữ hiện sai, "
                            "hãy lưu lại từ Excel dạng «CSV UTF-8 (Comma delimited)»", WARNING))
    return text


def load_yaml(path: Path, name: str, problems: list[Problem], *, clean: bool = True,
              raw: bytes | None = None) -> SourceFile:
    """Read a YAML data file (``raw``: its bytes, when read already). Problems go to
    ``problems``; ``data`` is ``None`` when the file cannot be used at all (missing, not UTF-8,
    bad syntax, empty)."""
    source = SourceFile(path=path, name=name)
    text = read_text(path, name, problems) if raw is None else decode_text(raw, name, problems)
    if text is None:
        return source
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        # an unclosed bracket or quote is best shown where it opened
        opened = exc.context and ("flow" in exc.context or "quoted" in exc.context)
        mark = (exc.context_mark if opened else None) or exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = _yaml_message(exc)
        lines = text.splitlines()
        if line and line <= len(lines) and "{{" in lines[line - 1].split("#")[0]:
            message += "; một đoạn văn có «{{ … }}» ở đầu phải đặt trong dấu nháy kép"
        problems.append(Problem(name, line, "", message))
        return source
    except yaml.YAMLError as exc:
        problems.append(Problem(name, None, "", f"lỗi cú pháp YAML ({exc})"))
        return source
    if node is None:
        problems.append(Problem(name, None, "", "tệp trống: chưa có dữ liệu nào"))
        return source
    try:
        source.data = _Builder(source, problems, clean).build(node, ())
    except TooLarge as exc:
        problems.append(Problem(name, exc.args[0], "", f"tệp có quá nhiều giá trị hoặc lồng quá "
                                f"{MAX_DEPTH} cấp (kể cả các tham chiếu «*» tới «&»): không đọc"))
        source.data = None
        return source
    if not isinstance(source.data, dict):
        problems.append(Problem(name, 1, "", "tệp phải là một nhóm các mục «tên: giá trị»"))
        source.data = None
    return source


def read_yaml_plain(path: Path) -> dict:
    """A trusted YAML file of the package (a profile) as plain values; text kept as written."""
    problems: list[Problem] = []
    source = load_yaml(path, path.name, problems, clean=False)
    if problems or source.data is None:
        raise ValueError("; ".join(str(p) for p in problems) or f"{path.name}: trống")
    return source.data


# --- CSV ----------------------------------------------------------------------------------

def load_csv(path: Path, name: str, problems: list[Problem], columns: dict[str, bool],
             aliases: dict[str, str] | None = None) -> SourceFile:
    """Read a CSV table saved by Excel (UTF-8, with or without BOM; «,» or «;» between
    cells) into a list of rows, each a mapping of the header's names to cleaned cell text.

    ``columns`` maps each known column to whether it is required; ``aliases`` maps other
    header names (Vietnamese ones an office may type) to them. Row ``i`` of the data is line
    ``i + 2`` of the file (the header is line 1); that is the line reported.
    """
    source = SourceFile(path=path, name=name, table=True)
    text = read_table_text(path, name, problems)
    if text is None:
        return source
    if not text.strip():
        problems.append(Problem(name, None, "", "tệp trống: chưa có dữ liệu nào"))
        return source
    first = text.splitlines()[0]
    delimiter = max(("\t", ";", ","), key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = []
    for cells in reader:
        lines.append((reader.line_num, cells))
    return _table(source, lines, problems, columns, aliases)


def load_xlsx_table(path: Path, name: str, problems: list[Problem], columns: dict[str, bool],
                    aliases: dict[str, str] | None = None) -> SourceFile:
    """The same as :func:`load_csv` for a list kept as an Excel workbook (its first sheet),
    opened with the checks for files that come from elsewhere."""
    from ..base.ooxml import TABLE_NODES, Package, Refused, Workbook

    source = SourceFile(path=path, name=name, table=True)
    if _too_large(path, name, problems):
        return source
    try:
        package = Package(path, budget=TABLE_NODES)
        if package.kind != "xlsx":
            raise Refused("không phải tệp .xlsx của Excel")
        rows = Workbook(package).table()
    except Refused as exc:
        problems.append(Problem(name, None, "", str(exc)))
        return source
    if not rows:
        problems.append(Problem(name, None, "", "tệp trống: chưa có dữ liệu nào"))
        return source
    return _table(source, rows, problems, columns, aliases)


def _table(source: SourceFile, lines: list[tuple[int, list[str]]], problems: list[Problem],
           columns: dict[str, bool], aliases: dict[str, str] | None) -> SourceFile:
    """Rows under a header row, checked against the known columns, cleaned, with lines."""
    name = source.name
    header_line, header = lines[0]
    rows = sum(1 for _, cells in lines[1:] if any(c.strip() for c in cells))
    if rows > MAX_ROWS:
        problems.append(Problem(name, None, "", f"bảng có {thousands(rows)} dòng, quá giới hạn "
                                f"{thousands(MAX_ROWS)} dòng của một danh sách: không đọc"))
        return source
    header = [clean_text(h)[0].lower() for h in header]
    header = [(aliases or {}).get(h, h) for h in header]
    source.lines[()] = header_line
    unknown = [h for h in header if h and h not in columns]
    missing = [c for c, required in columns.items() if required and c not in header]
    for h in unknown:
        problems.append(Problem(name, header_line, f"cột «{h}»", "cột không xác định; các cột "
                                "dùng được: " + ", ".join(columns)))
    for c in missing:
        problems.append(Problem(name, header_line, f"cột «{c}»", "thiếu cột bắt buộc ở dòng tiêu đề"))
    for h in {h for h in header if h and header.count(h) > 1}:
        problems.append(Problem(name, header_line, f"cột «{h}»", "cột có hai lần ở dòng tiêu đề"))
    rows: list[dict[str, str | None]] = []
    for line, cells in lines[1:]:
        if not any(c.strip() for c in cells):
            continue  # a blank line Excel left at the end
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(Problem(name, line, "", f"dòng có {len(cells)} ô, nhiều hơn "
                                    f"{len(header)} cột của dòng tiêu đề"))
        row: dict[str, str | None] = {}
        index = len(rows)
        for h, cell in zip(header, cells):
            if not h or h not in columns:
                continue
            value, notes = clean_text(cell)
            for note in notes:
                problems.append(Problem(name, line, f"cột «{h}»", note, WARNING))
            row[h] = value or None
            source.lines[(index, h)] = line
        source.lines[(index,)] = line
        rows.append({k: v for k, v in row.items() if v is not None})
    source.data = rows
    return source
