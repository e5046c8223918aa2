"""Changing a folder all or nothing: stage, journal, apply — and finish or undo on the next run.

A build (into ``out/``) and a collect (into ``data/bao-cao/``) change many files at once. Each
does it through a :class:`Transaction` on its folder:

1. every new content is written to ``.vanban/tam/`` inside the folder (the same disk, so a
   rename moves it), nothing else is touched;
2. the list of renames and removals — the journal — is written to ``.vanban/nhat-ky.json``
   in one atomic rename: this is the moment the change is decided;
3. the renames and removals are carried out, then the journal is removed.

A run killed before step 2 leaves the folder as it was (its staged files are swept away by
the next run); killed after it, the next run finds the journal and finishes the change. So the
folder is always seen before or after, never half-changed. :func:`recover` does that repair
and also removes the temporary files of runs killed while writing one file; :func:`pending`
only says what it would do, for ``vanban check``, which writes nothing.

One process at a time changes a folder: :func:`lock` holds a lock on it (where the system
offers one).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .exceptions import OutputError, UsageError, os_reason
from .writer import TEMP_SUFFIX, write_atomic

STATE = ".vanban"
STAGING = "tam"
JOURNAL = "nhat-ky.json"
LOCK = "khoa"
LOCK_WAIT = 30.0              # seconds to wait for another vanban working on the same folder

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows: one office PC, one user; no lock
    fcntl = None

_HELD: dict[str, int] = {}


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - a system that cannot open folders (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file ``path`` (it must not exist), with the mode a plain
    ``open()`` gives. Not forced to disk here: a transaction makes every file it staged
    durable at once before it decides the change (:func:`make_durable`)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


_NAMES = {"pid": 0, "next": 0}


def _staged_name(staging: Path) -> Path:
    """A name no other process staging into ``staging`` uses: the process id and a counter
    (the ids of a parent and its workers differ)."""
    if _NAMES["pid"] != os.getpid():    # a forked worker counts from its own start
        _NAMES["pid"], _NAMES["next"] = os.getpid(), 0
    _NAMES["next"] += 1
    return staging / f"van-ban-{_NAMES['pid']}-{_NAMES['next']}"


def stage(staging: Path, data: bytes, target: Path | str) -> Path:
    """``data`` written to a new file in ``staging`` (from any process: the names never
    clash), with the mode a plain file gets; ``target`` only names it in an error.

    The file is not forced to disk one by one (an fsync each cost more than rendering the
    document): :meth:`Transaction.commit` makes the whole staging folder durable in one
    call before the journal is written."""
    try:
        path = _staged_name(staging)
        try:
            write_file(path, data)
        except FileNotFoundError:          # the first file of the run: the folder is made
            staging.mkdir(parents=True, exist_ok=True)
            write_file(path, data)
        except FileExistsError:            # left by a killed run of a process of the same id
            fd, name = tempfile.mkstemp(dir=staging, prefix="van-ban-")
            os.close(fd)
            os.unlink(name)
            path = Path(name)
            write_file(path, data)
    except OSError as exc:
        raise OutputError(f"Không ghi được tệp tạm cho {target}: {os_reason(exc)}") from None
    return path


TREE = "cay"   # under the staging folder: new folders staged whole, as they will stand


def stage_in_tree(staging: Path, data: bytes, target: str, shared: bool = False) -> Path | None:
    """``data`` written to ``target``'s place in a new folder staged whole (``target`` a
    path relative to the changed folder: ``don-vi/x.docx``), from any process; the folder is
    then moved into place by one rename (:meth:`Transaction.adopt`) instead of one per file
    — a first build of 10.000 units writes 26.000 files. ``target`` names no file yet, or
    (``shared``: a file named by its content) one staged with the same content by another
    process: None then."""
    path = staging / TREE / target
    try:
        try:
            write_file(path, data)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_file(path, data)
    except FileExistsError:
        if shared:
            return None
        raise OutputError(f"Không ghi được tệp tạm cho {target}: tệp đã có") from None
    except OSError as exc:
        raise OutputError(f"Không ghi được tệp tạm cho {target}: {os_reason(exc)}") from None
    return path


@functools.cache
def _syncfs_call():
    """Linux's ``syncfs``, or None where the system has no such call."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return None


def _syncfs(folder: Path) -> bool:
    """Every file written to the file system that holds ``folder`` forced to disk, by any
    process (Linux ``syncfs``); False where the system has no such call."""
    import ctypes

    syncfs = _syncfs_call()
    if syncfs is None:  # pragma: no cover - not Linux
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
    finally:
        os.close(fd)
    return True


def make_durable(staging: Path, root: Path, staged: list[str]) -> None:
    """The files staged for a change (``staged``, relative to ``root``), their contents and
    their names, forced to disk before the journal that names them is written.

    Why one call is enough for the all-or-nothing guarantee: the journal is the only thing
    that makes a staged file count, and it is written (and forced to disk) after this call
    returns. So after a power cut either there is no journal — the staged files, whatever
    state they are in, are swept away by the next run — or there is one, and every file it
    names was already on disk, whole, when it was written: ``syncfs`` returns only once every
    file written before it to that file system (by this process or its workers: the page
    cache is the system's, not the process's) is on disk, data and directory entries. A kill
    (SIGKILL, Ctrl+C) needs no sync at all: what was written stays in the system's cache.
    Where there is no ``syncfs``, each staged file and the staging folder are synced."""
    if not staged:
        return
    if _syncfs(staging):
        return
    for name in staged:  # pragma: no cover - not Linux
        path = root / name
        files = [path] if not path.is_dir() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            fd = os.open(file, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        if path.is_dir():
            for folder in [path, *[p for p in path.rglob("*") if p.is_dir()]]:
                _fsync_dir(folder)
    _fsync_dir(staging)


def sync_soon(staging: Path) -> threading.Thread:
    """Write to disk what is staged in ``staging`` so far, on a thread of its own (a sync
    the system does while the process goes on rendering): the sync that makes the change
    durable (:func:`make_durable`) is still made before the journal, and finds less to do.
    A failure here is said by that one."""
    def run() -> None:
        try:
            _syncfs(staging)
        except OSError:
            pass

    thread = threading.Thread(target=run, name="vanban-sync", daemon=True)
    thread.start()
    return thread


def release_inherited() -> None:
    """In a process forked from one holding folder locks: close its copies of their files,
    so that the locks end with the process that took them (a worker outliving its parent must
    not keep the folder locked)."""
    for fd in _HELD.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


@contextmanager
def lock(root: Path):
    """Hold the lock of ``root`` (the same process may take it again inside)."""
    key = str(root.resolve())
    if fcntl is None or key in _HELD:
        yield
        return
    state = root / STATE
    try:
        state.mkdir(parents=True, exist_ok=True)
        fd = os.open(state / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"Không ghi được vào thư mục {root}: {os_reason(exc)}") from None
    try:
        waited = 0.0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waited >= LOCK_WAIT:
                    raise UsageError(f"Một lệnh vanban khác đang ghi vào thư mục {root}; chờ lệnh "
                                     "đó xong rồi chạy lại.") from None
                time.sleep(0.1)
                waited += 0.1
        _HELD[key] = fd
        try:
            yield
        finally:
            del _HELD[key]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class Transaction:
    """The changes to the files under ``root``, applied together by :meth:`commit`."""

    def __init__(self, root: Path):
        self.root = root
        self.staging = root / STATE / STAGING
        self._staging = os.fspath(self.staging)
        self.moves: list[tuple[str, str]] = []   # (staged, target), relative to root
        self.deletes: list[str] = []

    def put(self, target: str, data: bytes) -> Path:
        """Stage ``data`` as the new content of ``target`` (a path relative to ``root``);
        return the staged file (its size and time are those the target will have)."""
        staged = stage(self.staging, data, self.root / target)
        self.adopt(staged, target)
        return staged

    def adopt(self, staged: Path, target: str) -> None:
        """Take a file staged in :attr:`staging` (by another process too) as ``target`` — or
        a whole folder staged under :data:`TREE` (:func:`stage_in_tree`) as the folder
        ``target``, which must not exist yet: a new folder is moved into place at once."""
        path = os.fspath(staged)
        inside = self._staging + os.sep
        name = path[len(inside):].replace(os.sep, "/") if path.startswith(inside) else \
            staged.relative_to(self.staging).as_posix()   # (raises: not staged here)
        self.moves.append((f"{STATE}/{STAGING}/{name}", target))

    def delete(self, target: str) -> None:
        self.deletes.append(target)

    def commit(self) -> None:
        """Decide the change (the journal), then carry it out."""
        if not self.moves and not self.deletes:
            self.discard()
            return
        journal = {"moves": self.moves, "deletes": self.deletes}
        state = self.root / STATE
        try:
            make_durable(self.staging, self.root, [staged for staged, _ in self.moves])
        except OSError as exc:   # a disk that failed while writing back what was staged
            self.discard()
            raise OutputError(f"Không ghi được vào thư mục {self.root}: {os_reason(exc)}") from None
        try:
            write_atomic(state / JOURNAL, json.dumps(journal, ensure_ascii=False).encode("utf-8"))
        except OutputError:
            self.discard()
            raise
        _fsync_dir(state)
        _apply(self.root, journal)

    def discard(self) -> None:
        """Forget the change: every staged file is removed (the lock is held, so they are
        all this change's)."""
        if self.staging.is_dir():
            for staged in self.staging.iterdir():
                _remove(staged)
        self.moves, self.deletes = [], []
        _remove_empty(self.staging)


def _apply(root: Path, journal: dict | None = None) -> int:
    """Carry out the journal of ``root`` (again, if a run was killed while doing it); return
    how many files it changed. ``journal``: what the journal file holds, when the caller has
    just written it."""
    path = root / STATE / JOURNAL
    if journal is None:
        journal = json.loads(path.read_text(encoding="utf-8"))
    changed = 0
    base = os.fspath(root)
    try:
        for staged, target in journal["moves"]:   # plain strings: thousands of files
            source, dest = os.path.join(base, staged), os.path.join(base, target)
            try:
                os.replace(source, dest)
            except FileNotFoundError:
                if not os.path.exists(source):    # moved by the run that was killed
                    continue
                os.makedirs(os.path.dirname(dest), exist_ok=True)   # a new folder
                os.replace(source, dest)
            except OSError:
                if not os.path.isdir(source):
                    raise
                _merge_folder(source, dest)      # a new folder that came to be meanwhile
            changed += 1
        for target in journal["deletes"]:
            dest = root / target
            if dest.exists():
                dest.unlink()
                changed += 1
        for folder in {t.rpartition("/")[0] for _, t in journal["moves"]}:
            _fsync_dir(Path(base, folder) if folder else Path(base))
        path.unlink()
    except OSError as exc:
        raise OutputError(f"Không hoàn tất được việc ghi vào thư mục {root}: "
                          f"{os_reason(exc)}; chạy lại lệnh để ghi tiếp") from None
    _remove_empty_tree(root / STATE / STAGING / TREE)
    _remove_empty(root / STATE / STAGING)
    return changed


def _merge_folder(source: str, dest: str) -> None:
    """A staged folder moved into ``dest`` that exists already: entry by entry."""
    os.makedirs(dest, exist_ok=True)
    for name in os.listdir(source):
        inner, there = os.path.join(source, name), os.path.join(dest, name)
        if os.path.isdir(inner) and os.path.isdir(there):
            _merge_folder(inner, there)
        else:
            os.replace(inner, there)
    os.rmdir(source)


def _remove(path: Path) -> None:
    """A staged file, or a staged folder with everything in it."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _remove_empty_tree(folder: Path) -> None:
    """The staged tree's folders, emptied by the moves (a folder moved into one the out
    folder came to have is moved file by file)."""
    if not folder.is_dir():
        return
    for inner in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        _remove_empty(inner)
    _remove_empty(folder)


def _remove_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _leftovers(root: Path) -> list[Path]:
    """Staged files of runs that never decided their change, and the temporary files of
    runs killed while writing one file."""
    staging = root / STATE / STAGING
    out = sorted(staging.iterdir()) if staging.is_dir() else []
    if root.is_dir():
        out += sorted(p for p in root.rglob(f".*{TEMP_SUFFIX}") if p.is_file())
    return out


def pending(root: Path) -> list[str]:
    """What :func:`recover` would do, in Vietnamese; nothing is changed."""
    out = []
    if (root / STATE / JOURNAL).is_file():
        out.append("một lần ghi bị ngắt giữa chừng (sẽ được ghi nốt ở lần chạy lệnh tiếp theo)")
    left = _leftovers(root)
    if left:
        out.append(f"{len(left)} tệp tạm của lần chạy bị ngắt (sẽ được dọn ở lần chạy lệnh tiếp theo)")
    return out


def recover(root: Path) -> list[str]:
    """Finish the change a killed run had decided, remove what killed runs left; return what
    was done, in Vietnamese (nothing when there was nothing to do)."""
    if not root.is_dir():
        return []
    done = []
    with lock(root):
        if (root / STATE / JOURNAL).is_file():
            try:
                changed = _apply(root)
            except (ValueError, KeyError, TypeError):  # a journal cut short: never decided
                (root / STATE / JOURNAL).unlink()
                changed = None
            if changed is not None:
                done.append(f"đã ghi nốt lần ghi bị ngắt trước đó ({changed} tệp)")
        left = _leftovers(root)
        for path in left:
            _remove(path)
        if left:
            done.append(f"đã dọn {len(left)} tệp tạm của lần chạy bị ngắt")
        _remove_empty(root / STATE / STAGING)
    return done
