"""The figures units sent back, kept under ``data/bao-cao/`` — one readable YAML file per unit.

Nothing is lost or silently overwritten: the same file collected again changes nothing; a
different return for a unit that already has figures is kept aside in ``xung-dot/`` (a
conflict) unless ``--replace`` is given, and then the replaced figures go to ``lich-su/``.
Every file is written atomically.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from itertools import chain
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from ..formats import vnrules
from ..model.schema import VnDate
from ..base import transaction
from ..base.transaction import Transaction

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when PyYAML has it: 10× faster
# A record is written by the events PyYAML's safe representer and serializer would emit for it
# (a record holds only text, numbers, true/false, null, mappings and lists), made directly and
# given to the same emitter: the same bytes at half the cost (``vanban collect`` writes a
# thousand at once). Anything else goes the general way.
_STR, _INT, _BOOL, _NULL, _FLOAT, _MAP, _SEQ = (
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "bool", "null", "float", "map", "seq"))
_RESOLVER = yaml.resolver.Resolver()
_REPRESENTER = yaml.representer.SafeRepresenter()
_IMPLICIT: dict[tuple[str, str], tuple[bool, bool]] = {}   # (scalar, tag) → its implicit flags
_COLLECTION_IMPLICIT = (_RESOLVER.resolve(yaml.MappingNode, [], True) == _MAP,
                        _RESOLVER.resolve(yaml.SequenceNode, [], True) == _SEQ)


# the first letters a scalar may resolve by (a text beginning with another is a text plain
# or quoted), when no resolver looks at every scalar or at its place in the document
_RESOLVED_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers)
_PLAIN_TEXT = None not in _RESOLVED_FIRST and not _RESOLVER.yaml_path_resolvers \
    and _RESOLVER.DEFAULT_SCALAR_TAG == _STR


class _Unusual(Exception):
    """A value the direct events do not cover (another type, an object met twice)."""


def _implicit(value: str, tag: str) -> tuple[bool, bool]:
    """Whether a scalar reads back as ``tag`` written plain, and written quoted (the
    serializer's question to the resolver), worked out once per scalar."""
    if tag is _STR and value and value[0] not in _RESOLVED_FIRST and _PLAIN_TEXT:
        return True, True             # no resolver for its first letter: a text either way
    key = (value, tag)
    found = _IMPLICIT.get(key)
    if found is None:
        found = (_RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == tag,
                 _RESOLVER.resolve(yaml.ScalarNode, value, (False, True)) == tag)
        if len(value) <= 100 and len(_IMPLICIT) < 50_000:   # what is remembered stays small
            _IMPLICIT[key] = found
    return found


def _events(data, out: list, seen: set) -> bool:
    """The events of ``data`` (as ``yaml.dump(…, sort_keys=False, default_flow_style=None)``
    makes them) added to ``out``; whether it is a scalar (a collection of scalars only is
    written in flow style). A short text, a whole number, true/false or null is one event,
    made once and given again wherever it comes (the emitter only reads an event)."""
    kind = type(data)
    if kind is dict or kind is list:
        if id(data) in seen:          # the same object twice: PyYAML writes an alias
            raise _Unusual
        seen.add(id(data))
        at = len(out)
        out.append(None)              # its start, once its style is known
        flow = True
        for item in chain.from_iterable(data.items()) if kind is dict else data:
            kind = type(item)
            if kind is str or kind is int or kind is bool or item is None:
                event = _SCALARS.get((kind, item))
                out.append(_scalar(kind, item) if event is None else event)
            else:
                flow = _events(item, out, seen) & flow
        if type(data) is dict:
            out[at] = _MAP_START[flow]
            out.append(_MAP_END)
        else:
            out[at] = _SEQ_START[flow]
            out.append(_SEQ_END)
        return False
    if kind is str or kind is int or kind is bool or data is None:
        event = _SCALARS.get((kind, data))
        out.append(_scalar(kind, data) if event is None else event)
    elif kind is float:
        value = _REPRESENTER.represent_float(data).value
        out.append(yaml.ScalarEvent(None, _FLOAT, _implicit(value, _FLOAT), value))
    else:
        raise _Unusual
    return True


# the events of a collection's start (by its style) and end, and of a scalar by its type and
# value (a float is not: 0.0 and -0.0 are equal keys)
_MAP_START = {flow: yaml.MappingStartEvent(None, _MAP, _COLLECTION_IMPLICIT[0], flow_style=flow)
              for flow in (True, False)}
_SEQ_START = {flow: yaml.SequenceStartEvent(None, _SEQ, _COLLECTION_IMPLICIT[1], flow_style=flow)
              for flow in (True, False)}
_MAP_END, _SEQ_END = yaml.MappingEndEvent(), yaml.SequenceEndEvent()
_SCALARS: dict[tuple[type, object], yaml.ScalarEvent] = {}


def _scalar(kind: type, data) -> yaml.ScalarEvent:
    """The event of a text, whole number, true/false or null; a short one remembered."""
    if kind is str:
        tag, value = _STR, data
    elif kind is bool:
        tag, value = _BOOL, "true" if data else "false"
    elif kind is int:
        tag, value = _INT, str(data)
    else:
        tag, value = _NULL, "null"
    event = yaml.ScalarEvent(None, tag, _implicit(value, tag), value)
    if len(value) <= 100 and len(_SCALARS) < 50_000:   # what is remembered stays small
        _SCALARS[(kind, data)] = event
    return event


FOLDER = "bao-cao"
CONFLICTS = "xung-dot"
HISTORY = "lich-su"
KEPT = "tep"          # bao-cao/tep/<sha256>.docx: every file a unit sent, as it came

HEADER = ("# Số liệu đơn vị gửi về — do «vanban collect» ghi từ tệp báo cáo của đơn vị.\n"
          "# Sửa tay được (ví dụ khi đơn vị báo đính chính); «vanban build» dùng các số này\n"
          "# để lập báo cáo tổng hợp. Ô để trống ghi là null; Có/Không ghi là true/false.\n")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str = Field(description="Tên tệp đơn vị gửi")
    sha256: str = Field(description="Dấu vân tay SHA-256 của tệp")
    collected: str = Field(description="Thời điểm đọc (ISO 8601)")
    identified_by: str = Field(description="Nhận ra đơn vị theo «dấu», «tiêu đề», hay «chọn tay» (người nhận chọn đơn vị)")


class Record(BaseModel):
    """bao-cao/<mã đơn vị>.yaml — số liệu một đơn vị gửi về."""

    model_config = ConfigDict(extra="forbid")
    campaign: str
    unit: str
    unit_name: str
    received: VnDate = Field(description="Ngày nhận báo cáo (tính đúng hạn hay muộn)")
    form_version: str | None = None
    source: Source
    figures: dict[str, dict[str, dict[str, Any]]]
    findings: list[str] = Field(default_factory=list, description="Những chỗ số liệu cần xem lại")
    branches_approved: str | None = Field(
        None, description="Báo cáo gửi lên từ chiến dịch của đơn vị: số chi bộ trực thuộc có báo cáo "
                          "đã duyệt / đã nhận / tổng số («3/5/7»)")
    texts: dict[str, list[str]] = Field(
        default_factory=dict, description="Những gì đơn vị viết dưới từng phần của đề cương "
                                          "(khóa là số của phần: I.1, II.1.a …), từng đoạn")

    def dump(self) -> bytes:
        data = self.model_dump(mode="json")
        data["received"] = vnrules.short_date(self.received)
        try:
            events = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False)]
            _events(data, events, set())
            events += [yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
            text = yaml.emit(events, Dumper=_DUMPER, allow_unicode=True, width=100)
        except _Unusual:
            text = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100,
                             default_flow_style=None)
        return (HEADER + text).encode("utf-8")


def _text(record: Record, text: bytes | None) -> bytes:
    """``record``'s file: ``text`` when its ``dump()`` was made already."""
    return text if text is not None else record.dump()


def folder(data_dir: Path) -> Path:
    return data_dir / FOLDER


def path_of(data_dir: Path, unit_id: str) -> Path:
    return folder(data_dir) / f"{unit_id}.yaml"


def aside_path(data_dir: Path, kind: str, record: Record) -> Path:
    """One file per unit and returned file: the same file put aside twice is kept once."""
    return folder(data_dir) / kind / f"{record.unit}-{record.source.sha256[:16]}.yaml"


class Changes:
    """The files a collection will write, applied together at the end (``commit``), all or
    nothing: through a journal in ``bao-cao/.vanban/`` (see ``transaction.py``). Each file is
    staged as soon as it is known (while the files after it are still being read), none is
    in place before ``commit``; ``discard`` forgets them all.

    The files a collection keeps (``tep/``) go, when that folder is new (a first collect),
    into a folder staged as it will stand, moved into place at once by the commit."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.root = folder(data_dir)
        self._root = str(self.root)
        self.files: dict[str, Path] = {}      # target (relative to bao-cao/) → its new content, staged
        self.change: Transaction | None = None
        self.kept_tree = not (self.root / KEPT).exists()

    @property
    def staging(self) -> Path:
        """Where the change's files are staged — by this process or by the processes reading
        the files (``stage``, ``stage_kept``), which then hand them over (the ``staged`` of the
        methods below)."""
        if self.change is None:
            self.change = Transaction(self.root)
        return self.change.staging

    def stage(self, data: bytes, what: Path) -> Path:
        """``data`` staged for a file not yet decided (``what`` names it in an error); from any
        process. A staged file no method below takes is removed with the others at the end."""
        return transaction.stage(self.staging, data, what)

    def stage_kept(self, original: Path, sha256: str, data: bytes) -> Path | None:
        """A returned file's bytes staged to be kept (``keep``), from any process: in the
        staged ``tep/`` folder when it is new — None when another file of the batch with the
        same bytes is there already."""
        if not self.kept_tree:
            return self.stage(data, original)
        return transaction.stage_in_tree(self.staging, data, self._kept_name(original, sha256),
                                         shared=True)

    def _exists(self, target: str) -> bool:
        return os.path.exists(os.path.join(self._root, target))

    def _stage(self, target: str, staged: Path) -> None:
        before = self.files.get(target)
        self.files[target] = staged
        if before is not None:            # a newer content for the same file: the last one counts
            before.unlink(missing_ok=True)

    def _offer(self, target: str, staged: Path | None, data) -> None:
        """A file named by its content (kept, put aside): staged — ``staged``, else ``data()``
        staged now — unless it is there already or staged by a file before (the same bytes)."""
        if self._exists(target) or target in self.files:
            self.forget(staged)
        else:
            self._stage(target, staged or self.stage(data(), self.root / target))

    def forget(self, staged: Path | None) -> None:
        """A staged file not taken (the same file again): removed, unless it stands for one."""
        if staged is not None and staged not in self.files.values():
            staged.unlink(missing_ok=True)

    def write(self, record: Record, text: bytes | None = None, staged: Path | None = None) -> None:
        """``record`` as the unit's figures; ``text``: its ``dump()``, when already made;
        ``staged``: that text already staged."""
        target = f"{record.unit}.yaml"
        self._stage(target, staged or self.stage(_text(record, text), self.root / target))

    @staticmethod
    def _kept_name(original: Path, sha256: str) -> str:
        return f"{KEPT}/{sha256}{original.suffix.lower()}"

    def keep(self, original: Path, sha256: str, data: bytes | None, staged: Path | None = None) -> None:
        """The file a unit sent, kept as it came under ``bao-cao/tep/<its hash><suffix>``:
        named by its content, so never overwritten and never kept twice. ``data``: its bytes
        as they were read (never read again: the file may have changed since), or ``staged``:
        those bytes already staged."""
        self._offer(self._kept_name(original, sha256), staged, lambda: data)

    def put_aside(self, kind: str, record: Record, text: bytes | None = None,
                  staged: Path | None = None) -> Path:
        target = aside_path(self.data_dir, kind, record)
        self._offer(f"{kind}/{target.name}", staged, lambda: _text(record, text))
        return target

    def sync_soon(self) -> None:
        """What is staged so far written to disk on a thread while the caller goes on (see
        ``transaction.sync_soon``)."""
        transaction.sync_soon(self.staging)

    def commit(self) -> None:
        change = self.change or Transaction(self.root)
        tree = self.staging / transaction.TREE / KEPT
        try:
            if self.kept_tree and tree.is_dir():   # the new tep/ at once, before anything into it
                change.adopt(tree, KEPT)
            for target, staged in self.files.items():
                if staged.parent != tree:
                    change.adopt(staged, target)
        except BaseException:
            change.discard()
            raise
        change.commit()

    def discard(self) -> None:
        """Every file staged so far removed; nothing was changed."""
        if self.change is not None:
            self.change.discard()
        self.files = {}


def read_record(path: Path) -> Record:
    return Record.model_validate(yaml.load(path.read_text(encoding="utf-8"),
                                           Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def aside(data_dir: Path, kind: str) -> list[tuple[str, Record]]:
    """The records kept in ``kind`` (``xung-dot`` or ``lich-su``): (file name, record), the
    newest first; a file that cannot be read is passed over."""
    out = []
    for path in sorted((folder(data_dir) / kind).glob("*.yaml")):
        try:
            out.append((path.name, read_record(path)))
        except (OSError, ValueError, yaml.YAMLError):
            continue
    return sorted(out, key=lambda pair: pair[1].source.collected, reverse=True)


def settle(data_dir: Path, unit_id: str, kept: str, take_new: bool) -> None:
    """Decide a conflict: the return kept aside as ``kept`` replaces the unit's current one
    (which goes to the history), or is set aside in the history itself; nothing is lost."""
    from ..base.exceptions import UsageError

    path = folder(data_dir) / CONFLICTS / kept
    if "/" in kept or "\\" in kept or not kept.startswith(f"{unit_id}-") or not path.is_file():
        raise UsageError(f"Không có bản xung đột «{kept}» của đơn vị «{unit_id}».")
    with transaction.lock(folder(data_dir)):
        new = read_record(path)
        change = Transaction(folder(data_dir))
        try:
            if take_new:
                current = path_of(data_dir, unit_id)
                if current.is_file():
                    old = read_record(current)
                    change.put(aside_path(data_dir, HISTORY, old).relative_to(folder(data_dir)).as_posix(),
                               old.dump())
                change.put(f"{unit_id}.yaml", new.dump())
            else:
                change.put(aside_path(data_dir, HISTORY, new).relative_to(folder(data_dir)).as_posix(),
                           new.dump())
            change.delete(f"{CONFLICTS}/{kept}")
        except BaseException:
            change.discard()
            raise
        change.commit()


def recover(data_dir: Path) -> list[str]:
    """Finish (or sweep away) a collection that was killed midway; what was done."""
    return transaction.recover(folder(data_dir)) if folder(data_dir).is_dir() else []


def pending(data_dir: Path) -> list[str]:
    return transaction.pending(folder(data_dir)) if folder(data_dir).is_dir() else []


def now_iso() -> str:
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def today() -> date:
    return date.today()
