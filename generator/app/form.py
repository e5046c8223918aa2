"""A data file as a clerk's form: every value with its Vietnamese name (from the schema), the
choices a value has (by name, never by code), the lists whose items can be added, removed and
moved, and each place of the file said in words («Cấp «Chi bộ cơ sở» › Hạn gửi báo cáo»).

Nothing here writes: the form is read from the file as it is (round-trip YAML, see
``editing``), and ``editing.save_fields`` writes the values a person changed. Codes the
documents do not print — the ids that prose refers to, the format's overrides, a kit's link
to the campaign above, the outline's numbering formats — are not on the form; the
consolidated report's words (``narrative``) have a page of their own.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..model.loader import format_loc
from ..model.schema import DATA_FILES, models_in

# not on the form: codes and the machinery of other pages
HIDDEN = {"id", "format_overrides", "parent", "numbering", "narrative"}

FILE_NAMES = {"chien-dich.yaml": "Chiến dịch", "ke-hoach.yaml": "Kế hoạch",
              "de-cuong.yaml": "Đề cương", "phu-luc.yaml": "Phụ lục",
              "bao-cao-tong-hop.yaml": "Báo cáo tổng hợp", "don-vi.csv": "Danh sách đơn vị",
              "don-vi.xlsx": "Danh sách đơn vị", "kiem-tra.yaml": "Quy tắc kiểm tra số liệu"}

# what an item of a list is called, by its model
NOUNS = {"Level": "cấp", "UnitKind": "loại đơn vị", "ReviewedDoc": "văn bản được sơ kết",
         "Node": "mục", "OutlineNode": "phần", "Row": "dòng", "Column": "cột", "Table": "phụ lục",
         "Authority": "thẩm quyền ký", "Line": "dòng «-»"}

AUTHORITY_MODES = [("tm", "T/M — thay mặt"), ("kt", "K/T — ký thay"), ("tl", "T/L — thừa lệnh"),
                   ("tuq", "TUQ — thừa ủy quyền"), ("q", "Q. — quyền")]
CELL_TYPES = [("count", "Số (đơn vị điền)"), ("yesno", "Có / Không"),
              ("percent", "Tỷ lệ % (tự tính từ hai dòng)"), ("text", "Chữ")]
FORMAT_WORDS = {"dang": "Văn bản của Đảng — thể thức có hiệu lực vào ngày kế hoạch",
                "nha-nuoc": "Văn bản nhà nước — thể thức có hiệu lực vào ngày kế hoạch"}


@dataclass
class Field:
    """One value of a data file as a form shows it."""

    key: str                # the place as problems name it: levels[1].report_deadline
    loc: tuple
    value: str
    kind: str               # text | long | list | yesno | number | choice | multi | formula
    label: str
    comment: str = ""
    prose: bool = False     # may refer to data values with {{ … }}
    problems: list = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)   # (value, words)
    original: str = ""      # the value in the file when the form was made
    absent: bool = False    # not in the file yet: written only when given a value


@dataclass
class Group:
    """A map of the file (a list's item, or a named part such as the issuer): a fieldset."""

    key: str
    loc: tuple
    title: str
    children: list = field(default_factory=list)   # Field | Group | Items
    index: int | None = None                       # its place in its list (an item)
    count: int = 0                                 # how many items that list has
    noun: str = ""

    @property
    def fields(self) -> list[Field]:
        return [c for c in self.children if isinstance(c, Field) and not c.absent]

    @property
    def extra(self) -> list[Field]:
        return [c for c in self.children if isinstance(c, Field) and c.absent]

    @property
    def parts(self) -> list:
        return [c for c in self.children if not isinstance(c, Field)]


@dataclass
class Items:
    """A list of maps: its items can be added, removed and moved."""

    key: str
    loc: tuple
    title: str
    noun: str
    items: list[Group] = field(default_factory=list)
    kinds: list[tuple[str, str]] = field(default_factory=list)   # what «Thêm» may add (plan items)


# --- the schema, read for names ---------------------------------------------------------------

def _simple(annotation) -> str | None:
    """The kind of field an annotation is on a form when the value is absent from the file."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    text = repr(annotation)
    if models_in(annotation):
        return None
    if annotation is bool or bool in args:
        return "yesno"
    if any(getattr(a, "__origin__", None) is list for a in args) or "list[" in text:
        inner = typing.get_args(args[0]) if args else ()
        return "list" if not inner or inner[0] is str or "str" in repr(inner[0]) else None
    if date in args or "date" in text:
        return "text"
    if int in args or float in args:
        return "number"
    if str in args or "str" in text:
        return "text"
    return None


LABELS = {("KeyFigures", "table"): "Phụ lục lấy số liệu",
          ("KeyFigures", "rows"): "Các dòng của phụ lục ấy (mỗi dòng thành một cột)",
          ("Row", "formula"): "Tỷ lệ tính bằng", ("Row", "type"): "Kiểu ô",
          ("Authority", "mode"): "Cách ký", ("Authority", "of"): "Thay mặt, ký thay ai",
          ("Node", "outline"): "Các mục con là các phần của đề cương",
          ("Consolidated", "narrative"): "Lời viết từng phần"}


def label_of(model, key: str) -> str:
    name = model.__name__ if model is not None else ""
    if (name, key) in LABELS:
        return LABELS[(name, key)]
    info = getattr(model, "model_fields", {}).get(key) if model is not None else None
    return short_label(info.description if info else None, key)


def slug(text: str, limit: int = 40) -> str:
    """A code made from Vietnamese words: «Chi bộ Thử nghiệm» → ``chi-bo-thu-nghiem``."""
    import unicodedata

    plain = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    out = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return out[:limit].rstrip("-")


def short_label(description: str | None, key: str) -> str:
    """A field's name from its description: the words before «:», «;» or a bracket."""
    if not description:
        return key
    text = re.split(r":|;| \(|, dùng| — ", description, maxsplit=1)[0].strip()
    return text or key


_CODEY = re.compile(r"\.(ya?ml|csv|docx|xlsx|zip)\b|<mã>|\{\{|\{[a-z_]+\}|\bout/|\b[a-z_]+:\s|«[a-z_]+»"
                    r"|\b(id|key|true|false|null)\b")


def clean_comment(comment: str) -> str:
    """A comment of the file fit for a clerk's page: none when it speaks of codes, files or
    the file's syntax (those comments are for a person editing the file itself)."""
    return "" if not comment or _CODEY.search(comment) else comment


def _comment(node, key) -> str:
    try:
        tokens = node.ca.items.get(key)
    except AttributeError:
        return ""
    for token in tokens or []:
        first = token.value.split("\n")[0].strip() if hasattr(token, "value") else ""
        if first.startswith("#"):  # on the key's own line, not the block before the next key
            return first.lstrip("#").strip()
    return ""


def item_name(node, noun: str = "") -> str:
    """How an item of a list is named on a page: its name, title, label or text."""
    if isinstance(node, str):
        return _cut(node)
    if not isinstance(node, dict):
        return ""
    if "mode" in node and "of" in node:
        words = dict(AUTHORITY_MODES).get(str(node.get("mode")), str(node.get("mode")))
        return f"{words.split(' — ')[0]} {node.get('of') or ''}".strip()
    for key in ("name", "title", "label", "text", "symbol"):
        value = node.get(key)
        if value:
            return _cut(str(value))
    return noun


def _cut(text: str, limit: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the campaign's names, for choices --------------------------------------------------------

@dataclass
class Names:
    """What a choice may name: the campaign's levels and kinds, the forms and their rows."""

    levels: list[tuple[str, str]] = field(default_factory=list)
    kinds: list[tuple[str, str]] = field(default_factory=list)
    tables: list[tuple[str, str]] = field(default_factory=list)
    rows: dict[str, list[tuple[str, str]]] = field(default_factory=dict)   # table → rows

    @classmethod
    def of(cls, data_dir: Path) -> Names:
        from .editing import read_document as load_document

        names = cls()
        try:
            campaign = load_document(data_dir / "chien-dich.yaml")
            names.levels = [(str(lv.get("id")), str(lv.get("name") or lv.get("id")))
                            for lv in campaign.get("levels") or [] if isinstance(lv, dict)]
            names.kinds = [(str(k.get("id")), str(k.get("name") or k.get("id")))
                           for k in campaign.get("unit_kinds") or [] if isinstance(k, dict)]
        except Exception:   # a file that cannot be read: its problems are shown elsewhere
            pass
        try:
            forms = load_document(data_dir / "phu-luc.yaml")
            for n, table in enumerate(forms.get("tables") or [], 1):
                if not isinstance(table, dict):
                    continue
                tid = str(table.get("id"))
                names.tables.append((tid, f"Phụ lục {n}: {_cut(table.get('title') or '', 60)}"))
                names.rows[tid] = [(str(r.get("id")), _cut(r.get("label") or "", 60))
                                   for r in table.get("rows") or [] if isinstance(r, dict)]
        except Exception:
            pass
        return names


# --- the form of a file --------------------------------------------------------------------------

def tree(path: Path, name: str, names: Names | None = None) -> Group:
    """The form of the data file ``path`` (``name`` among ``DATA_FILES``)."""
    from .editing import read_document as load_document

    model = DATA_FILES.get(name)
    names = names if names is not None else Names.of(path.parent)
    document = load_document(path)
    root = Group("", (), FILE_NAMES.get(name, name))
    if isinstance(document, CommentedMap):
        _walk_map(document, (), model, root, names, document)
    return root


def _kind_of(model_name: str, key: str) -> str | None:
    return {("Authority", "mode"): "choice", ("Row", "type"): "choice",
            ("KeyFigures", "table"): "choice", ("Campaign", "format"): "choice",
            ("Row", "formula"): "formula", ("KeyFigures", "rows"): "multi",
            ("AppliesTo", "kinds"): "multi", ("AppliesTo", "levels"): "multi"}.get((model_name, key))


def _choices(model_name: str, key: str, node, names: Names, document) -> list[tuple[str, str]]:
    if (model_name, key) == ("Authority", "mode"):
        return AUTHORITY_MODES
    if (model_name, key) == ("Row", "type"):
        return CELL_TYPES
    if (model_name, key) == ("Campaign", "format"):
        return format_choices()
    if (model_name, key) == ("KeyFigures", "table"):
        return names.tables
    if (model_name, key) == ("KeyFigures", "rows"):
        return names.rows.get(str(node.get("table")), [])
    if (model_name, key) == ("AppliesTo", "kinds"):
        return names.kinds
    if (model_name, key) == ("AppliesTo", "levels"):
        return names.levels
    return []


def format_choices() -> list[tuple[str, str]]:
    """What ``format`` may say, in words: a kind (the format in force on the plan's date) or
    one format."""
    from ..formats import profiles

    out = list(FORMAT_WORDS.items())
    for profile_id in profiles.available():
        out.append((profile_id, str(profiles.raw_profile(profile_id).get("name", profile_id))))
    return out


def _value_text(kind: str, value) -> str:
    if kind == "yesno":
        return "có" if value else "không"
    if kind in ("list", "multi"):
        return "\n".join(str(v) for v in value or [])
    if kind == "formula":
        parts = [p.strip() for p in str(value or "").split("/")]
        return "\n".join(parts) if len(parts) == 2 else str(value or "")
    return "" if value is None else str(value)


def _walk_map(node: CommentedMap, loc: tuple, model, group: Group, names: Names, document) -> None:
    fields_ = getattr(model, "model_fields", {}) if model else {}
    model_name = model.__name__ if model else ""
    for key, value in node.items():
        if key in HIDDEN:
            continue
        here = loc + (key,)
        info = fields_.get(key)
        label = label_of(model, str(key))
        inner = models_in(info.annotation) if info else []
        special = _kind_of(model_name, str(key))
        if special:
            choices = _choices(model_name, str(key), node, names, document)
            if special == "formula":
                choices = names.rows.get(_table_of(document, loc), [])
            group.children.append(Field(format_loc(here), here, _value_text(special, value), special,
                                        label, clean_comment(_comment(node, key)), choices=choices))
        elif isinstance(value, CommentedMap):
            sub = Group(format_loc(here), here, label)
            _walk_map(value, here, inner[0] if inner else None, sub, names, document)
            if sub.children:
                group.children.append(sub)
        elif isinstance(value, CommentedSeq) and value and \
                any(isinstance(v, (CommentedMap, CommentedSeq)) for v in value):
            group.children.append(_walk_list(value, here, label, inner[0] if inner else None,
                                             names, document))
        elif isinstance(value, CommentedSeq) and inner and not value:
            # an empty list of items: shown so that its first item can be added
            group.children.append(_walk_list(value, here, label, inner[0], names, document))
        else:
            group.children.append(_field(node, key, value, here, label, info))
    if model is not None:
        for key, info in fields_.items():
            if key in node or key in HIDDEN:
                continue
            here = loc + (key,)
            label = label_of(model, key)
            special = _kind_of(model_name, key)
            if special == "formula" and node.get("type") != "percent":
                continue        # a rate's two rows: asked once the row is a rate
            if special:
                choices = _choices(model_name, key, node, names, document)
                if special == "formula":
                    choices = names.rows.get(_table_of(document, loc), [])
                group.children.append(Field(format_loc(here), here, "", special, label,
                                            choices=choices, absent=True))
                continue
            inner = models_in(info.annotation)
            if inner and inner[0].__name__ == "AppliesTo":
                for sub in ("kinds", "levels"):
                    sub_info = inner[0].model_fields[sub]
                    group.children.append(Field(
                        format_loc(here + (sub,)), here + (sub,), "", "multi",
                        f"{label}: {short_label(sub_info.description, sub).lower()}",
                        choices=_choices("AppliesTo", sub, {}, names, document), absent=True))
                continue
            kind = _simple(info.annotation)
            if kind is None:
                continue
            prose = "{{ … }}" in repr(info.annotation) or "Prose" in repr(info.annotation)
            if kind == "text" and prose:
                kind = "long"
            group.children.append(Field(format_loc(here), here, "có" if kind == "yesno" and info.default is True else
                                        ("" if kind != "yesno" else "không"), kind, label,
                                        prose=prose and kind in ("long", "list"), absent=True))


def _table_of(document, loc: tuple) -> str:
    """The id of the form a row at ``loc`` belongs to (``tables[i].rows[j]``)."""
    try:
        if loc[0] == "tables":
            return str(document["tables"][loc[1]].get("id"))
    except (IndexError, KeyError, TypeError, AttributeError):
        pass
    return ""


def _field(node, key, value, here: tuple, label: str, info) -> Field:
    comment = clean_comment(_comment(node, key))
    prose_type = info is not None and ("{{ … }}" in repr(info.annotation) or "Prose" in repr(info.annotation))
    if isinstance(value, CommentedSeq):
        text = "\n".join(str(v) for v in value)
        return Field(format_loc(here), here, text, "list", label, comment, prose_type or "{{" in text)
    if isinstance(value, bool):
        return Field(format_loc(here), here, "có" if value else "không", "yesno", label, comment)
    if isinstance(value, (int, float)):
        return Field(format_loc(here), here, str(value), "number", label, comment)
    text = "" if value is None else str(value)
    kind = "long" if len(text) > 90 or "\n" in text else "text"
    prose = "{{" in text or kind == "long" or prose_type
    return Field(format_loc(here), here, text, kind, label, comment, prose)


def _walk_list(value: CommentedSeq, here: tuple, label: str, model, names: Names, document) -> Items:
    noun = NOUNS.get(model.__name__, "mục") if model else "mục"
    items = Items(format_loc(here), here, label, noun)
    if model is not None and model.__name__ == "Node":
        items.kinds = [("title", "đề mục"), ("text", "đoạn văn")]
    for i, item in enumerate(value):
        at = here + (i,)
        if isinstance(item, CommentedMap):
            sub = Group(format_loc(at), at, f"{noun[:1].upper() + noun[1:]} «{item_name(item, noun)}»",
                        index=i, count=len(value), noun=noun)
            _walk_map(item, at, model, sub, names, document)
            items.items.append(sub)
        elif isinstance(item, str):   # a line written short (``- text``) among maps
            sub = Group(format_loc(at), at, f"{noun[:1].upper() + noun[1:]} «{item_name(item)}»",
                        index=i, count=len(value), noun=noun)
            sub.children.append(Field(format_loc(at), at, item, "long" if len(item) > 90 else "text",
                                      "Nội dung", prose=True))
            items.items.append(sub)
    return items


def flatten(group: Group) -> list[Field]:
    """Every field of a form, in the order of the file."""
    out: list[Field] = []
    for child in group.children:
        if isinstance(child, Field):
            out.append(child)
        elif isinstance(child, Group):
            out += flatten(child)
        else:
            for item in child.items:
                out += flatten(item)
    return out


# --- a place of a file, in words -----------------------------------------------------------------

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_loc(key: str) -> tuple:
    """``levels[2].report_deadline`` → ``("levels", 1, "report_deadline")`` (as ``format_loc``
    writes it, items counted from 1)."""
    out: list = []
    for name, number in _PART.findall(key):
        out.append(int(number) - 1 if number else name)
    return tuple(out)


def describe(document, name: str, key: str) -> str:
    """A place of a data file said in words: «Cấp «Chi bộ cơ sở» › Hạn gửi báo cáo»; the
    key itself when the file does not have it."""
    model = DATA_FILES.get(name)
    words: list[str] = []
    node = document
    current = model
    loc = parse_loc(key)
    for n, part in enumerate(loc):
        if isinstance(part, int):
            try:
                item = node[part]
            except (IndexError, KeyError, TypeError):
                words.append(f"mục thứ {part + 1}")
                break
            noun = NOUNS.get(current.__name__, "mục") if current is not None else "mục"
            words[-1:] = [f"{noun[:1].upper() + noun[1:]} «{item_name(item, noun)}»"]
            node = item
            continue
        info = getattr(current, "model_fields", {}).get(part) if current is not None else None
        words.append(label_of(current, str(part)))
        inner = models_in(info.annotation) if info is not None else []
        current = inner[0] if inner else None
        try:
            node = node[part] if node is not None else None
        except (KeyError, TypeError, IndexError):
            node = None
    return " › ".join(w for w in words if w)


def _noun_title(noun: str) -> str:
    return noun[:1].upper() + noun[1:]


def value_of(document, loc: tuple) -> Any:
    node = document
    for part in loc:
        node = node[part]
    return node


# --- what prose may insert, by name ---------------------------------------------------------------

@dataclass
class Insert:
    expression: str     # what is written in the sentence, inside {{ }}
    words: str          # its name, in Vietnamese
    value: str          # what it reads now


def insertable(data, render, name: str) -> list[tuple[str, list[Insert]]]:
    """The values a sentence of the file ``name`` may insert, grouped, each with its name and
    what it reads now (``render``: the campaign's prose renderer, ``text → text``)."""
    c = data.campaign

    def now(expression: str) -> str:
        try:
            return render("{{ " + expression + " }}")
        except Exception:
            return ""

    def group(title: str, pairs) -> tuple[str, list[Insert]]:
        return title, [Insert(e, w, now(e)) for e, w in pairs]

    out = [
        group("Văn bản được sơ kết", [p for d in c.reviewed for p in (
            (f"docs.{d.id}", f"{d.name} {d.symbol} — số, ngày"),
            (f"docs.{d.id}.short", f"{d.name} {d.symbol} — chỉ số ký hiệu"))]),
        group("Hạn của từng cấp", [p for lv in c.levels for p in (
            (f"levels.{lv.id}.review_deadline", f"Hạn sơ kết — {lv.name}"),
            (f"levels.{lv.id}.report_deadline", f"Hạn gửi báo cáo — {lv.name}"),
            (f"levels.{lv.id}.name", f"Tên cấp — {lv.name}"))]),
        group("Chiến dịch", [("campaign.final_deadline", "Hạn hoàn thành của cơ quan ban hành"),
                             ("campaign.period_start", "Kỳ số liệu từ ngày"),
                             ("campaign.period_end", "Kỳ số liệu đến ngày"),
                             ("campaign.report_to", "Nơi đơn vị gửi báo cáo về"),
                             ("issuer.name", "Tên cơ quan ban hành"),
                             ("issuer.short_name", "Tên gọi tắt của cơ quan ban hành"),
                             ("issuer.place", "Địa danh"),
                             ("plan.reference", "Kế hoạch — tên, số, ngày"),
                             ("plan.symbol", "Số ký hiệu của kế hoạch"),
                             ("plan.date", "Ngày của kế hoạch")]),
    ]
    if name == "de-cuong.yaml":
        each = "(mỗi báo cáo mẫu một khác)"
        out.append(("Của từng đơn vị (dòng nhắc hạn trên báo cáo mẫu)", [
            Insert("unit.name", "Tên đơn vị", each), Insert("unit.committee", "Tên cấp ủy ký báo cáo", each),
            Insert("unit.level.review_deadline", "Hạn sơ kết của cấp đơn vị", each),
            Insert("unit.level.report_deadline", "Hạn gửi báo cáo của cấp đơn vị", each)]))
        out += figures_insertable(data)
    if name == "bao-cao-tong-hop.yaml":
        from .status import LATE, statuses
        from ..config import store
        from ..formats import vnrules

        lines = statuses(data, store.today())
        sent = sum(1 for s in lines if s.received)
        late = sum(1 for s in lines if s.state == LATE)
        out.append(("Đơn vị gửi báo cáo (đoạn mở đầu)", [
            Insert("reported", "Số đơn vị đã gửi báo cáo", vnrules.figure(sent)),
            Insert("units", "Số đơn vị", vnrules.figure(len(lines))),
            Insert("late", "Số đơn vị gửi muộn", vnrules.figure(late)),
            Insert("missing", "Số đơn vị chưa gửi", vnrules.figure(len(lines) - sent))]))
    return [(title, items) for title, items in out if items]


def figures_insertable(data) -> list[tuple[str, list[Insert]]]:
    """The figures of the consolidated report a sentence of the outline may state, by the
    name of their form and row, with what they read now (from the returns received)."""
    if not data.appendix:
        return []
    try:
        from ..documents.contexts.consolidated import Totals

        functions = Totals(data).functions()
    except Exception:     # the returns cannot be added up now: names without values
        functions = {}

    def now(name: str, *args) -> str:
        try:
            return str(functions[name](*args))
        except Exception:
            return ""

    out = []
    for n, table in enumerate(data.appendix.tables, 1):
        items = []
        for row in table.rows:
            t, r = table.id, row.id
            if row.type == "yesno":
                items += [Insert(f"yes('{t}', '{r}')", f"Số đơn vị trả lời «Có»: {_cut(row.label, 50)}", now("yes", t, r)),
                          Insert(f"answered('{t}', '{r}')", f"Số đơn vị đã trả lời: {_cut(row.label, 50)}", now("answered", t, r)),
                          Insert(f"blank('{t}', '{r}')", f"Số đơn vị để trống: {_cut(row.label, 50)}", now("blank", t, r)),
                          Insert(f"yes_share('{t}', '{r}')", f"Tỷ lệ «Có»: {_cut(row.label, 50)}", now("yes_share", t, r))]
            elif row.type == "percent":
                items.append(Insert(f"share('{t}', '{r}')", f"Tỷ lệ: {_cut(row.label, 60)}", now("share", t, r)))
            elif row.type == "count":
                items.append(Insert(f"total('{t}', '{r}')", f"Tổng: {_cut(row.label, 60)}", now("total", t, r)))
        if items:
            out.append((f"Số liệu tổng hợp — Phụ lục {n}: {_cut(table.title, 50)}", items))
    return out
