"""Worker processes: how many a batch is given, and how each one starts.

The build renders on every core, and ``collect`` reads a large batch the same way: both fork
their workers from here, so what a worker does with signals, its parent's death and its
priority is decided once.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from contextlib import contextmanager

from . import transaction
from .memory import no_fast_bins

PARALLEL_FROM = 64  # documents; fewer are not worth a second process


def workers_for(count: int) -> int:
    """How many processes render ``count`` documents: every core this process may use, for a
    batch large enough to be worth it."""
    if count < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, count // 16))


def worker_start(parent: int, nice: int | None = None) -> None:
    """A render worker's own signal handling: stopping the pool (SIGTERM) ends it, Ctrl+C is
    the parent's to handle, and a file larger than the system allows is an error the worker
    reports (EFBIG), not its death (SIGXFSZ). A worker never outlives its parent (killed, it
    takes them along: Linux's parent-death signal) and holds none of its folder locks."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    transaction.release_inherited()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:          # the parent died before the line above
        os._exit(1)
    try:   # a person waiting for a page comes first: the process that answers keeps its priority
        nice = WORKER_NICE if nice is None else nice
        if nice:
            os.nice(nice)
    except (OSError, AttributeError):  # pragma: no cover - not allowed, or not POSIX
        pass


WORKER_NICE = 5


def reader_start(parent: int) -> None:
    """A worker reading returned files (``collect``): as :func:`worker_start`, without
    glibc's fast bins (``memory.py``)."""
    worker_start(parent, 0)
    no_fast_bins()


@contextmanager
def forking():
    """Around what forks the workers (a ``fork`` pool forks them all at the first task given):
    the objects of this process frozen (``gc.freeze``), then at once thawed here. The workers'
    collections then leave the objects they were forked with alone — walking them would copy
    every page they are on, for nothing: a worker's garbage is its own — and this process
    collects as ever (a workspace forks again and again)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
