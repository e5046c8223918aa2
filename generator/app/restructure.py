"""Changing the shape of the campaign's data from a page: an item of a list added, removed
or moved — a level or a kind of unit, a reviewed document, a section or paragraph of the
plan, a part of the outline, a row or column of a form.

A change is first a :class:`Change`: the data file as it would be, made from the file as it
is (round-trip YAML: comments and layout kept). It is previewed (``preview.py``: what
``vanban check`` would say, which documents change and how), then written by the same save
as every form (:func:`editing.save`: the version checked, the campaign validated in a scratch
copy, the file before kept for «Hoàn tác») — and refused when it would give the campaign an
error it did not have (a level still used by units, a row a return has figures for).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import editing, form
from ..base.exceptions import UsageError
from ..model.schema import models_in

ADD, REMOVE, UP, DOWN = "them", "bo", "len", "xuong"
OPS = {ADD: "Thêm", REMOVE: "Bỏ", UP: "Chuyển lên", DOWN: "Chuyển xuống"}

# the field that names an item when it is added, by the item's model
TITLE_FIELD = {"Level": "name", "UnitKind": "name", "ReviewedDoc": "symbol", "OutlineNode": "title",
               "Row": "label", "Column": "title", "Authority": "of", "Table": "title", "Node": "title",
               "Line": "text"}
ASKED = {"Level": "Tên cấp", "UnitKind": "Tên loại đơn vị", "ReviewedDoc": "Số và ký hiệu",
         "OutlineNode": "Tên phần", "Row": "Nội dung dòng", "Column": "Tiêu đề cột",
         "Authority": "Thay mặt, ký thay ai", "Table": "Tên phụ lục", "Node": "Tên đề mục hoặc đoạn văn",
         "Line": "Nội dung dòng"}


@dataclass
class Change:
    """A data file as it would be after one change of its shape."""

    name: str           # the data file
    op: str             # ADD | REMOVE | UP | DOWN
    key: str            # the place of the item (for ADD: of the new item)
    words: str          # what the change is, in Vietnamese
    content: bytes      # the file with the change
    expected: str       # the version of the file it was made from


def _list_model(name: str, loc: tuple):
    """The model of the items of the list at ``loc`` in the file ``name``."""
    from ..model.schema import DATA_FILES

    model = DATA_FILES[name]
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return None
        inner = models_in(info.annotation)
        model = inner[0] if inner else None
    return model


def _parent(document, loc: tuple):
    node = document
    for part in loc:
        node = node[part]
    return node


def propose(data_dir: Path, name: str, op: str, key: str, title: str = "", kind: str = "") -> Change:
    """The change ``op`` of the item at ``key`` (for ``ADD``: of the list at ``key``, the new
    item named ``title``; a plan's item is a heading or, ``kind="text"``, a paragraph)."""
    if name not in editing.EDITABLE or op not in OPS:
        raise UsageError("Thay đổi này không làm được ở đây.")
    path = data_dir / name
    expected = editing.version(path)
    document = editing.load_document(path)
    loc = form.parse_loc(key)
    if not loc:
        raise UsageError("Không rõ thay đổi ở chỗ nào của dữ liệu.")
    list_loc = loc if op == ADD else loc[:-1]
    try:
        items = _parent(document, list_loc)
    except (KeyError, IndexError, TypeError):
        raise UsageError("Chỗ này không còn trong dữ liệu (có thể vừa được sửa ở thẻ khác); hãy "
                         "tải lại trang.") from None
    model = _list_model(name, list_loc)
    if not isinstance(items, CommentedSeq) or model is None or any(k in form.HIDDEN for k in list_loc
                                                                   if isinstance(k, str)):
        raise UsageError("Chỗ này không phải một danh sách sửa được ở đây.")
    noun = form.NOUNS.get(model.__name__, "mục")
    if op == ADD:
        title = " ".join(title.split())
        if not title:
            raise UsageError(f"Hãy gõ {ASKED.get(model.__name__, 'tên').lower()} của {noun} mới.")
        item = _new_item(model.__name__, items, title, kind)
        items.append(item)
        at = len(items) - 1
        words = f"Thêm {noun} «{form.item_name(item, noun)}»"
        key = form.format_loc(list_loc + (at,))
    else:
        index = loc[-1]
        if not isinstance(index, int) or not 0 <= index < len(items):
            raise UsageError("Mục này không còn trong dữ liệu (có thể vừa được sửa ở thẻ khác); hãy "
                             "tải lại trang.")
        shown = form.item_name(items[index], noun)
        if op == REMOVE:
            _remove(items, index)
            words = f"Bỏ {noun} «{shown}»"
        else:
            other = index - 1 if op == UP else index + 1
            if not 0 <= other < len(items):
                raise UsageError(f"{noun[:1].upper() + noun[1:]} «{shown}» đã ở "
                                 f"{'đầu' if op == UP else 'cuối'} danh sách.")
            items[index], items[other] = items[other], items[index]
            words = f"Chuyển {noun} «{shown}» {'lên' if op == UP else 'xuống'}"
            key = form.format_loc(list_loc + (other,))
    return Change(name, op, key, words, editing.dump_document(document), expected)


def _fresh_id(items, base: str, numbered: bool = False) -> str:
    """An id not yet in ``items``: ``base`` (``-2``, ``-3`` … when taken); rows numbered
    ``r1``, ``r2`` … get the next number."""
    taken = {str(i.get("id")) for i in items if isinstance(i, dict)}
    if numbered and all(t.startswith("r") and t[1:].isdigit() for t in taken):
        return f"r{max((int(t[1:]) for t in taken), default=0) + 1}"
    return editing.unique_id(base or "moi", taken)


def _like(items, made: CommentedMap) -> CommentedMap:
    """A new item written in the style of its neighbours (``{…}`` on one line, or a block)."""
    neighbour = next((i for i in reversed(items) if isinstance(i, CommentedMap)), None)
    if neighbour is not None and editing._flow(neighbour):
        made.fa.set_flow_style()
    return made


def _new_item(model: str, items, title: str, kind: str):
    field = TITLE_FIELD.get(model, "title")
    if model == "Line":
        return title
    made = CommentedMap()
    if model == "Level":
        last = next((i for i in reversed(items) if isinstance(i, CommentedMap)), None)
        made = copy.deepcopy(last) if last is not None else CommentedMap()
        _forget_comments(made)
        made.pop("branches", None)
        made["id"] = _fresh_id(items, form.slug(title, 20))
        made.move_to_end("id", last=False)
        made["name"] = title
        return made
    if model == "ReviewedDoc":
        last = next((i for i in reversed(items) if isinstance(i, CommentedMap)), None)
        made = copy.deepcopy(last) if last is not None else CommentedMap()
        _forget_comments(made)
        made["id"] = _fresh_id(items, form.slug(title, 20))
        made.move_to_end("id", last=False)
        made["symbol"] = title
        return made
    if model in ("UnitKind", "Column", "Table", "Row"):
        made["id"] = _fresh_id(items, form.slug(title, 24), numbered=model == "Row")
    if model == "Authority":
        made["mode"] = "tm"
    if model == "Node" and kind == "text":
        field = "text"
    made[field] = title
    if model == "Table":
        columns = CommentedSeq([_flowing(CommentedMap([("id", "so-luong"), ("title", "Số lượng")]))])
        made["columns"] = columns
        made["rows"] = CommentedSeq([_flowing(CommentedMap([("id", "r1"), ("label", "Dòng thứ nhất")]))])
        return made
    return _like(items, made)


def _flowing(made: CommentedMap) -> CommentedMap:
    made.fa.set_flow_style()
    return made


def _forget_comments(node) -> None:
    """A copied item does not carry its model's comments (they speak of that item)."""
    if isinstance(node, (CommentedMap, CommentedSeq)):
        node.ca.items.clear()
        node.ca.comment = None
        for value in (node.values() if isinstance(node, CommentedMap) else node):
            _forget_comments(value)


def _remove(items: CommentedSeq, index: int) -> None:
    """The item removed; the comment lines written after it (before what follows in the
    file) stay, passed to the item before it."""
    trailing = _trailing(items[index]) if index == len(items) - 1 else None
    del items[index]
    if trailing is not None and len(items):
        holder, key = _last_place(items[-1]) if isinstance(items[-1], (CommentedMap, CommentedSeq)) \
            else (items, len(items) - 1)
        if holder is not None:
            holder.ca.items[key] = trailing


def _last_place(node):
    """The innermost map or list holding the last value written under ``node``, and that
    value's key: where a comment after ``node`` is kept."""
    while True:
        if isinstance(node, CommentedMap) and len(node):
            key = list(node.keys())[-1]
            value = node[key]
        elif isinstance(node, CommentedSeq) and len(node):
            key = len(node) - 1
            value = node[key]
        else:
            return None, None
        if isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
            node = value
            continue
        return node, key


def _trailing(node):
    holder, key = _last_place(node) if isinstance(node, (CommentedMap, CommentedSeq)) else (None, None)
    if holder is None:
        return None
    return holder.ca.items.get(key)


def asked(name: str, key: str) -> str:
    """What a page asks for when an item is added to the list at ``key``."""
    model = _list_model(name, form.parse_loc(key))
    return ASKED.get(model.__name__, "Tên") if model is not None else "Tên"
