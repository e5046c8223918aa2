"""The figures units sent back, kept under ``data/bao-cao/`` — one readable YAML file per unit.

Nothing is lost or silently overwritten: the same file collected again changes nothing; a
different return for a unit that already has figures is kept aside in ``xung-dot/`` (a
conflict) unless ``--replace`` is given, and then the replaced figures go to ``lich-su/``.
Every file is written atomically.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from ..formats import vnrules
from ..model.schema import VnDate
from ..base import transaction
from ..base.transaction import Transaction

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when PyYAML has it: 10× faster
_STR, _INT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "bool", "null"))
_RESOLVED: dict[tuple, str] = {}   # (scalar, implicit) → its tag, for _RecordDumper
_RESOLVED_MAX = 100_000


class _RecordDumper(_DUMPER):
    """The dumper of the records (one per returned file: ``vanban collect`` makes a thousand
    at once): PyYAML's safe representer and resolver give the same nodes and tags, here
    without their general machinery for the plain scalars a record holds (text, whole
    numbers, true/false, null), and a scalar's tag worked out once."""

    def represent_data(self, data):
        kind = type(data)    # exact types: a subclass goes the general way
        if kind is str:
            return yaml.ScalarNode(_STR, data, style=self.default_style)
        if kind is int:
            return yaml.ScalarNode(_INT, str(data), style=self.default_style)
        if kind is bool:
            return yaml.ScalarNode(_BOOL, "true" if data else "false", style=self.default_style)
        if data is None:
            return yaml.ScalarNode(_NULL, "null", style=self.default_style)
        return super().represent_data(data)

    def resolve(self, kind, value, implicit):
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) < _RESOLVED_MAX:
                _RESOLVED[key] = tag
        return tag

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
        text = yaml.dump(data, Dumper=_RecordDumper, allow_unicode=True, sort_keys=False, width=100,
                         default_flow_style=None)
        return (HEADER + text).encode("utf-8")


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
    in place before ``commit``; ``discard`` forgets them all."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.files: dict[Path, Path] = {}     # target → its new content, staged
        self.change: Transaction | None = None

    def _stage(self, target: Path, data: bytes) -> None:
        if self.change is None:
            self.change = Transaction(folder(self.data_dir))
        staged = transaction.stage(self.change.staging, data, target)
        before = self.files.get(target)
        self.files[target] = staged
        if before is not None:            # a newer content for the same file: the last one counts
            before.unlink(missing_ok=True)

    def write(self, record: Record, text: bytes | None = None) -> None:
        """``record`` as the unit's figures; ``text``: its ``dump()``, when already made."""
        self._stage(path_of(self.data_dir, record.unit), text if text is not None else record.dump())

    def keep(self, original: Path, sha256: str) -> None:
        """The file a unit sent, kept as it came under ``bao-cao/tep/<its hash><suffix>``:
        named by its content, so never overwritten and never kept twice."""
        target = folder(self.data_dir) / KEPT / f"{sha256}{original.suffix.lower()}"
        if not target.exists() and target not in self.files:
            self._stage(target, original.read_bytes())

    def put_aside(self, kind: str, record: Record, text: bytes | None = None) -> Path:
        target = aside_path(self.data_dir, kind, record)
        if not target.exists() and target not in self.files:
            self._stage(target, text if text is not None else record.dump())
        return target

    def commit(self) -> None:
        root = folder(self.data_dir)
        change = self.change or Transaction(root)
        try:
            for path, staged in self.files.items():
                change.adopt(staged, path.relative_to(root).as_posix())
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
