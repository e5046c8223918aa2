"""``vanban build --watch``: rebuild whenever a file under the data or templates folders is
saved. Polls the files' sizes and times twice a second (no extra dependency, works on every
file system, including shared folders)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

Snapshot = dict[Path, tuple[int, int]]


def snapshot(folders: list[Path]) -> Snapshot:
    """Size and modification time of every file under ``folders`` (hidden files and Word's
    lock files ``~$…`` left out)."""
    seen: Snapshot = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if path.name.startswith((".", "~$")) or not path.is_file():
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            seen[path] = (stat.st_size, stat.st_mtime_ns)
    return seen


def watch(folders: list[Path], on_change: Callable[[], None], *, interval: float = 0.5,
          should_stop: Callable[[], bool] = lambda: False) -> None:
    """Call ``on_change`` after files under ``folders`` change, until ``should_stop`` or
    Ctrl+C. Changes that arrive together (an editor saving twice) give one rebuild."""
    before = snapshot(folders)
    try:
        while not should_stop():
            time.sleep(interval)
            now = snapshot(folders)
            if now != before:
                time.sleep(interval)          # let a save that is still going finish
                before = snapshot(folders)
                on_change()
    except KeyboardInterrupt:
        pass
