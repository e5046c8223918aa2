"""One campaign held open by a long-running program (the web workspace): the same pipeline
as the command line — load, check, build, collect, status — with the campaign kept loaded
between requests and one change at a time.

Nothing here decides a rule of its own: it calls ``main``, ``collect``, ``status``,
``editing`` and keeps what they computed while the inputs on disk stay the same.

Two locks: one change at a time (build, collect, save, undo, a conflict settled), and one
load at a time. Reading never waits for a change: while one runs, pages are answered from the
campaign as it was last loaded — the last consistent state — and :attr:`busy` says what runs.
A build can be stopped (:meth:`cancel`): it ends before anything is written.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import editing, main as pipeline
from ..documents import manifest
from ..config import store
from ..intake.collect import CollectReport, collect
from ..base.exceptions import DataError, Problem, UsageError
from .status import UnitStatus, statuses


@dataclass
class Progress:
    """The build under way, for a page that shows it."""

    running: bool = False
    done: int = 0
    total: int = 0
    report: pipeline.BuildReport | None = None
    error: str | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Output:
    name: str
    fresh: bool            # up to date with the data
    exists: bool
    size: int
    edited: bool = False   # a person's copy: changed in Word since vanban wrote it


class Workspace:
    """The campaign of ``data_dir`` building into ``out_dir``."""

    def __init__(self, data_dir: Path, out_dir: Path):
        self._lock = threading.RLock()         # one change at a time in this process
        self._load_lock = threading.RLock()    # one load at a time
        self._cancel = threading.Event()
        self.busy: str | None = None           # what change runs now, in Vietnamese
        self._templates: dict = {}
        self._book: tuple | None = None        # (the manifest file's size and time, the manifest)
        self.switch(data_dir, out_dir)

    def switch(self, data_dir: Path, out_dir: Path) -> None:
        """Work on another campaign from now on (one started from a kit, say)."""
        with self._lock, self._load_lock:
            self.data_dir = data_dir
            self.out_dir = out_dir
            self._loaded: pipeline.Loaded | None = None
            self._checked: tuple | None = None      # (the Loaded they were found in, problems)
            self.progress = Progress()

    # --- campaigns: where this one is, new ones, others opened --------------------------------

    @property
    def folder(self) -> Path:
        """This campaign's folder: the one holding its data folder."""
        return self.data_dir.resolve().parent

    def new_folder(self, name: str) -> Path:
        """Where a campaign named ``name`` is made: a new folder beside this campaign's own."""
        from .form import slug

        words = slug(name, 60)
        if not words:
            raise UsageError("Hãy đặt tên cho chiến dịch mới (chữ hoặc số).")
        return self.folder.parent / words

    def start_from_kit(self, kit_path: Path, name: str) -> Path:
        """A unit's campaign made from a kit, in a new folder beside this campaign's own."""
        from ..documents.kit import new_from_kit

        target = self.new_folder(name)
        new_from_kit(target, kit_path, pipeline.BUNDLED_TEMPLATES)
        return target

    def start_from_example(self, name: str, example: str) -> Path:
        """A campaign made from a bundled example (``dang``, ``nha-nuoc``) beside this one."""
        target = self.new_folder(name)
        pipeline.new_campaign(target, example)
        return target

    def open(self, data_dir: Path, out_dir: Path) -> None:
        """Work on the campaign of ``data_dir`` from now on, and list it among the recent ones."""
        from . import recent

        self.switch(data_dir, out_dir)
        recent.remember(data_dir, out_dir, self.title())

    def title(self) -> str:
        """The campaign in a few words: its issuer and plan, as lists of campaigns show it."""
        try:
            data = self.loaded().data
        except Exception:   # the data has errors: named by its folder
            return self.folder.name
        from ..documents.contexts.common import plan_symbol
        from ..formats.vnrules import short_date

        return f"{data.campaign.issuer.short_name} — {data.plan.doc_name} số {plan_symbol(data)}, " \
               f"ngày {short_date(data.plan.date)}"

    # --- reading ------------------------------------------------------------------------

    def loaded(self) -> pipeline.Loaded:
        """The campaign as the files are now (loaded again only when one changed) — or, while
        a change runs, as it was last loaded; raises :class:`DataError` when it cannot be
        built."""
        last = self._loaded
        if self.busy and last is not None:
            return last
        return self._fresh()

    def _fresh(self) -> pipeline.Loaded:
        with self._load_lock:
            self._loaded = pipeline.load(self.data_dir, self._loaded)
            return self._loaded

    def problems(self) -> list[Problem]:
        """Every problem ``vanban check`` finds in the data (errors and warnings), found
        again only when a file changed."""
        try:
            loaded = self.loaded()
        except DataError as exc:
            return exc.problems
        checked = self._checked
        if checked is None or checked[0] is not loaded:
            checked = self._checked = (loaded, pipeline.problems_of(loaded))
        return checked[1]

    def statuses(self, today: date | None = None) -> list[UnitStatus]:
        return statuses(self.loaded().data, today or store.today())

    def outputs(self, only=None) -> list[Output]:
        """Every output the data makes (or those named in ``only``), each up to date or to be
        rebuilt, and whether a person edited it: one question to the system per file, the
        manifest read again only when it changed."""
        import os
        import stat as st

        loaded = self.loaded()
        book = self._manifest()
        root = str(self.out_dir) + os.sep
        wanted = None if only is None else set(only)
        out = []
        for spec in loaded.every:
            name = spec.output
            if wanted is not None and name not in wanted:
                continue
            try:
                found = os.stat(root + name)
                exists = st.S_ISREG(found.st_mode)
            except OSError:
                found, exists = None, False
            state = book.state(name, found) if exists else manifest.MISSING
            entry = book.entries.get(name)
            fresh = entry is not None and entry.key == loaded.keys[name] and state != manifest.MISSING
            out.append(Output(name, fresh, exists, found.st_size if exists else 0, state == manifest.EDITED))
        return out

    def _manifest(self) -> manifest.Manifest:
        """The out folder's manifest, read again only when the file changed."""
        path = self.out_dir / manifest.MANIFEST
        try:
            found = path.stat()
            mark = (str(self.out_dir), found.st_size, found.st_mtime_ns, found.st_ino)
        except OSError:
            mark = (str(self.out_dir), -1, -1, -1)
        kept = self._book
        if kept is None or kept[0] != mark:
            kept = self._book = (mark, manifest.Manifest(self.out_dir))
        return kept[1]

    def digest(self):
        """The units' words part by part (``contexts.digest``), as the digest document has them."""
        from ..documents.contexts.common import outline_prose
        from ..documents.contexts.digest import digest_parts

        data = self.loaded().data
        return digest_parts(data, outline_prose(data)) if data.outline else []

    def prose(self):
        """The renderer of prose against the campaign's values (a form's «Sẽ đọc là»), or
        None when the data cannot be read."""
        from ..documents.contexts.common import prose_values
        from ..documents.environment import ProseRenderer

        try:
            return ProseRenderer(prose_values(self.loaded().data))
        except DataError:
            return None

    # --- changing -------------------------------------------------------------------------

    def build(self, *, force: bool = False) -> pipeline.BuildReport:
        """Build like ``vanban build``, reporting progress in :attr:`progress`; raises
        :class:`Cancelled` when stopped by :meth:`cancel`."""
        with self._lock:
            self._cancel.clear()
            self.progress = Progress(running=True)
            try:
                loaded = self._fresh()
                with self._running("Đang sinh văn bản"):
                    report = pipeline.build(self.data_dir, self.out_dir, force=force,
                                            progress=self._start, loaded=loaded,
                                            templates=self._templates, cancel=self._cancel)
            except DataError as exc:
                self.progress = Progress(error="Dữ liệu có lỗi; chưa ghi tệp nào.",
                                         problems=exc.problems)
                raise
            except Exception as exc:
                self.progress = Progress(error=str(exc))
                raise
            self.progress = Progress(done=self.progress.total, total=self.progress.total,
                                     report=report)
            return report

    def cancel(self) -> bool:
        """Stop the build under way (it writes nothing); whether one was running."""
        running = self.progress.running
        self._cancel.set()
        return running

    def idle(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the change under way to end; whether it did."""
        if not self._lock.acquire(timeout=timeout):
            return False
        self._lock.release()
        return True

    @contextmanager
    def _running(self, what: str):
        self.busy = what
        try:
            yield
        finally:
            self.busy = None

    def _start(self, total: int):
        self.progress.total = total

        def step(count: int) -> None:
            self.progress.done += count
        return step

    def collect(self, paths: list[Path], *, replace: bool = False,
                received: date | None = None) -> CollectReport:
        with self._lock, self._running("Đang nhận báo cáo"):
            return collect(paths, self.data_dir, replace=replace, received=received)

    def save_fields(self, name: str, values: dict[str, str], expected: str,
                    originals: dict[str, str] | None = None) -> list[Problem]:
        with self._lock:
            return editing.save_fields(self.data_dir, name, values, expected, originals)

    def save_units(self, table: editing.UnitTable, expected: str) -> list[Problem]:
        with self._lock:
            return editing.save_units(self.data_dir, table, expected)

    def undo(self, name: str) -> None:
        with self._lock:
            editing.undo(self.data_dir, name)

    def save_narrative(self, values: dict[str, str], expected: str, originals: dict[str, str],
                       order: list[str]) -> list[Problem]:
        with self._lock:
            return editing.save_narrative(self.data_dir, values, expected, originals, order)

    def preview(self, change):
        """What a change of the data's shape (``restructure.Change``) would do, before it is
        written (``preview.Preview``)."""
        from .preview import preview

        try:
            before = self.loaded()
        except DataError:
            before = None
        return preview(self.data_dir, change.name, change.content, before, self.problems(),
                       self._templates)

    def apply(self, change) -> list[Problem]:
        """Write a change of the data's shape, unless it would give the campaign an error it
        does not have (then nothing is written; the problems are returned)."""
        before = self.problems()
        with self._lock:
            return editing.save(self.data_dir, change.name, change.content, change.expected,
                                before=before)

    def status_xlsx(self) -> bytes:
        from .status import as_xlsx

        return as_xlsx(self.statuses())

    # --- returns whose unit could not be told -----------------------------------------------

    def held(self):
        from . import unassigned

        return unassigned.held(self.data_dir)

    def hold(self, path: Path, shown: str, reason: str):
        from . import unassigned

        return unassigned.hold(self.data_dir, path, shown, reason)

    def assign(self, held_id: str, unit_id: str, *, replace: bool = False,
               received: date | None = None) -> CollectReport:
        from . import unassigned

        with self._lock, self._running("Đang nhận báo cáo"):
            return unassigned.assign(self.data_dir, held_id, unit_id, replace=replace, received=received)

    def drop_held(self, held_id: str):
        from . import unassigned

        with self._lock:
            return unassigned.drop(self.data_dir, held_id)

    # --- returns kept aside ----------------------------------------------------------------

    def aside(self, kind: str) -> list[tuple[str, store.Record]]:
        """The records kept in ``xung-dot/`` (conflicts) or ``lich-su/`` (replaced)."""
        return store.aside(self.data_dir, kind)

    def settle(self, unit_id: str, kept: str, take_new: bool) -> None:
        """A conflict decided: the new return replaces the current one (which goes to the
        history), or is dropped."""
        from ..review import states

        with self._lock:
            if take_new and states.locked(self.data_dir, unit_id):
                raise UsageError("Báo cáo của đơn vị này đã được duyệt, số liệu đã khóa: mở khóa (kèm lý "
                                 "do) trước khi thay bằng bản mới.")
            store.settle(self.data_dir, unit_id, kept, take_new)


def safe_name(name: str) -> str:
    """An uploaded file's name reduced to a plain file name (no folders, no odd characters)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    keep = "".join(ch if ch.isalnum() or ch in "-_. ()" else "_" for ch in name)
    if not keep:
        raise UsageError("tên tệp trống")
    return keep[:150]
