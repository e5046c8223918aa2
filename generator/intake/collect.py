"""``vanban collect``: read the units' returned files into ``data/bao-cao/``.

Every file is read before anything is written, and then everything is written together (see
``store.Changes`` and ``transaction.py``); one bad file never stops the others:
each is refused with its reason, the rest of the batch goes on. Then, per unit: the same
file again changes nothing; a first return is stored; a different return for a unit that
already has figures is a conflict, kept aside unless ``replace`` is asked, in which case the
old figures go to the history first. A file whose marks name one unit and whose header
another is stored for neither (``disputed``), with or without ``replace``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..config import store
from ..base import transaction
from ..review import states as review_states
from ..base.exceptions import UsageError
from .returns import Disputed, Reader, Refused, Returned, Unrecognised, files_in
from ..config.validate import load_campaign


@dataclass
class CollectReport:
    stored: list[tuple[Path, str]] = field(default_factory=list)       # (file, unit id)
    unchanged: list[tuple[Path, str]] = field(default_factory=list)
    replaced: list[tuple[Path, str]] = field(default_factory=list)
    conflicts: list[tuple[Path, str, Path]] = field(default_factory=list)  # (file, unit, kept at)
    refused: list[tuple[Path, str]] = field(default_factory=list)     # (file, why)
    # a file whose marks and header name different units: stored for neither, the units named
    # (it is among ``refused`` too: not taken — a caller that knows this list shows it apart)
    disputed: list[tuple[Path, list[str], str]] = field(default_factory=list)  # (file, units, why)
    notes: list[tuple[Path, str]] = field(default_factory=list)       # (file, note)
    # a file whose unit could not be told (none, two, or marks and header apart): among
    # ``refused`` too; a person may assign it to a unit by hand (``collect(…, unit=…)``)
    unrecognised: list[tuple[Path, str]] = field(default_factory=list)  # (file, why)
    # a new file from a unit whose return was approved: among ``conflicts`` (figures locked
    # until someone unlocks them with a reason: ``vanban review --mo-khoa``)
    locked: list[tuple[Path, str]] = field(default_factory=list)       # (file, unit)
    findings: list[tuple[str, str]] = field(default_factory=list)     # (unit id, finding)


def _record(data, got: Returned, received: date) -> store.Record:
    unit = data.member(got.unit_id).unit
    return store.Record(
        campaign=data.campaign.id, unit=unit.id, unit_name=unit.name, received=received,
        form_version=got.form_version,
        source=store.Source(file=got.path.name, sha256=got.sha256, collected=store.now_iso(),
                            identified_by=got.identified_by),
        figures=got.figures, findings=got.findings, texts=got.texts, branches_approved=got.branches)


def collect(paths: list[Path], data_dir: Path, *, replace: bool = False,
            received: date | None = None, unit: str | None = None) -> CollectReport:
    """Read ``paths`` (files or folders) and apply what they bring to ``data/bao-cao/`` in one
    change; one collect at a time changes the folder. ``unit``: the unit a person assigned
    the files to by hand (a file vanban could not tell the unit of), recorded as such."""
    if not data_dir.is_dir():
        return _collect(paths, data_dir, replace, received, unit)  # load_campaign says what is wrong
    with transaction.lock(store.folder(data_dir)):
        return _collect(paths, data_dir, replace, received, unit)


def _collect(paths: list[Path], data_dir: Path, replace: bool, received: date | None,
             unit: str | None = None) -> CollectReport:
    data = load_campaign(data_dir)
    if not (data.appendix and data.units):
        raise UsageError("Chiến dịch chưa có phụ lục (phu-luc.yaml) hoặc danh sách đơn vị "
                         "(don-vi.csv): không có gì để nhận.")
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError("Không có: " + ", ".join(str(p) for p in missing))
    reader = Reader(data)
    report = CollectReport()
    received = received or store.today()
    files = files_in(paths)
    current = {unit: rec.source.sha256 for unit, rec in data.returns.items()}
    approved = {u: s.sha256 for u, s in review_states.load(data_dir).items() if s.state == review_states.APPROVED}
    changes = store.Changes(data_dir)
    dumped: dict[int, bytes] = {}    # id(Record) → its text, for a record of this batch put aside
    try:
        # each file decided in order as soon as it is read (its files staged while the
        # readers go on); nothing is in place before the commit, after every file was read
        early = int(len(files) * EARLY_SYNC) if len(files) >= PARALLEL_FROM * 4 else None
        changes.staging            # made before the readers are forked: theirs too
        read = _read_all(reader, files, unit, received, changes)
        for done, (path, (outcome, got, why, units, record, staged)) in enumerate(zip(files, read), 1):
            if done == early:
                changes.sync_soon()
            if outcome == DISPUTED:
                report.disputed.append((path, units, why))
                report.refused.append((path, why))
                report.unrecognised.append((path, why))
            elif outcome == UNRECOGNISED:
                report.unrecognised.append((path, why))
                report.refused.append((path, why))
            elif outcome == REFUSED:
                report.refused.append((path, why))
            else:
                report.notes += [(path, n) for n in got.notes]
                _apply(data, got, record, staged, current, approved, changes, dumped, replace, report)
        changes.commit()  # everything read first; then all files written together
    except BaseException:
        changes.discard()
        raise
    return report


def _apply(data, got: Returned, made: tuple, staged: tuple | None, current: dict, approved: dict,
           changes: store.Changes, dumped: dict, replace: bool, report: CollectReport) -> None:
    """What one file read brings, given the files before it: unchanged, stored, replacing
    the unit's figures (the old ones to the history), or kept aside as a conflict.
    ``staged``: the file and its record's text, already staged by the reader (or None)."""
    record, text = made
    original, written = staged if staged is not None else (None, None)
    previous = current.get(got.unit_id)
    if previous == got.sha256:
        report.unchanged.append((got.path, got.unit_id))
        changes.forget(original)
        changes.forget(written)
        return
    if text is None:
        text = record.dump()
    dumped[id(record)] = text
    # the evidence: the file itself as it was read, by its hash
    changes.keep(got.path, got.sha256, got.raw, staged=original)
    if previous is not None and approved.get(got.unit_id) == previous:
        kept = changes.put_aside(store.CONFLICTS, record, text, written)    # approved: figures locked
        report.conflicts.append((got.path, got.unit_id, kept))
        report.locked.append((got.path, got.unit_id))
        return
    if previous is None:
        changes.write(record, text, written)
        report.stored.append((got.path, got.unit_id))
    elif replace:
        old = data.returns.get(got.unit_id)
        if old is not None:
            changes.put_aside(store.HISTORY, old, dumped.get(id(old)))
        changes.write(record, text, written)
        report.replaced.append((got.path, got.unit_id))
    else:
        kept = changes.put_aside(store.CONFLICTS, record, text, written)
        report.conflicts.append((got.path, got.unit_id, kept))
        return
    current[got.unit_id] = got.sha256
    data.returns[got.unit_id] = record
    report.findings += [(got.unit_id, f) for f in got.findings]


READ, DISPUTED, UNRECOGNISED, REFUSED = "read", "disputed", "unrecognised", "refused"
UNREADABLE = ("không đọc được tệp: bên trong không giống một tệp Word hay Excel bình thường (hãy "
              "mở, lưu lại rồi gửi lại)")


def _read_one(reader: Reader, path: Path, unit: str | None, received: date,
              changes: store.Changes) -> tuple:
    """One file read: (outcome, what it brings, why refused, the units a dispute names, its
    record and the record's text, the file and that text staged) — plain data, so that it
    travels back from a worker process as it is; the record is made, dumped and staged there
    too (with the file's bytes as they were read), unless the unit's figures came from this
    very file (its text is then most likely not needed, and made by ``_apply`` if it is)."""
    try:
        got = reader.read(path, unit=unit)
    except Disputed as exc:
        return DISPUTED, None, str(exc), list(exc.units), None, None
    except Unrecognised as exc:
        return UNRECOGNISED, None, str(exc), [], None, None
    except Refused as exc:
        return REFUSED, None, str(exc), [], None, None
    except Exception:  # one file must never stop the batch
        return REFUSED, None, UNREADABLE, [], None, None
    record = _record(reader.data, got, received)
    stored = reader.data.returns.get(got.unit_id)
    if stored is not None and stored.source.sha256 == got.sha256:
        return READ, got, "", [], (record, None), None   # the same file again, most likely: dumped if not
    text = record.dump()
    staged = (changes.stage_kept(got.path, got.sha256, got.raw), changes.stage(text, got.path))
    got.raw = None               # staged: not sent back
    return READ, got, "", [], (record, text), staged


PARALLEL_FROM = 48   # files; fewer are read in this process
# once this share of a large batch is read, what is staged so far is written to disk while the
# rest is read: the sync before the journal then waits for the last files only
EARLY_SYNC = 0.8
_JOB = None


def _read_chunk(indexes: range) -> list:
    reader, files, unit, received, changes = _JOB
    return [_read_one(reader, files[i], unit, received, changes) for i in indexes]


def _chunks(count: int, workers: int) -> list[range]:
    """The batch cut for the readers: chunks of up to 32 files, smaller towards the end (a
    quarter of what is left for each reader), so that the readers finish together instead of
    one waiting for the other's last chunk."""
    chunks, start = [], 0
    while start < count:
        size = max(4, min(32, (count - start) // (workers * 4)))
        chunks.append(range(start, min(start + size, count)))
        start += size
    return chunks


def _read_all(reader: Reader, files: list[Path], unit: str | None, received: date,
              changes: store.Changes):
    """Every file read, in order, each given as soon as it and those before it are read; a
    large batch on every core (processes forked as the build's render workers are,
    ``workers.worker_start``: they read, the parent alone writes). They keep the priority of
    the command: a person waits for a collect, and on a machine others use readers at a lower
    priority took longer than one process did."""
    from ..base.workers import forking, reader_start, workers_for

    workers = workers_for(len(files)) if len(files) >= PARALLEL_FROM else 1
    if workers == 1:
        for path in files:
            yield _read_one(reader, path, unit, received, changes)
        return
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _JOB
    chunks = _chunks(len(files), workers)
    _JOB = (reader, files, unit, received, changes)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=reader_start, initargs=(os.getpid(),)) as pool:
            with forking():
                parts = pool.map(_read_chunk, chunks)
            try:
                for part in parts:
                    yield from part
            except GeneratorExit:   # the caller stopped (an error): the rest is not read
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    except BrokenProcessPool:
        raise UsageError("Một tiến trình đọc tệp bị dừng đột ngột (máy hết bộ nhớ hoặc bị tắt); chưa "
                         "ghi gì, hãy chạy lại.") from None
    finally:
        _JOB = None
