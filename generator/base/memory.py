"""How glibc's allocator is set for vanban's work, in one place (nothing where the C library
has no such setting).

- **freed memory kept** (every process): glibc gives the top of its heap back to the system as
  soon as 128 KB of it are free, and asks for it again at the next allocation: packing a part
  — zlib's few hundred KB of working memory, freed right after — paid that every time, about
  50 µs of system time and a third more of its own (``bench/README.md``). Up to 4 MB free are
  kept instead, for the process and the workers it forks.
- **no fast bins** (the processes reading returned files): a file's parsed document is
  thousands of small blocks freed at once; glibc keeps them unmerged and merges them all at
  the next larger request — about 90 µs a file, spent where the record is made. Without fast
  bins they are merged as they are freed: 2 % less CPU a file.
"""

from __future__ import annotations

M_MXFAST, M_TRIM_THRESHOLD = 1, -1


def _mallopt(option: int, value: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(option, value)
    except (OSError, AttributeError, TypeError, ValueError):  # pragma: no cover - not glibc
        pass


def keep_freed_memory() -> None:
    _mallopt(M_TRIM_THRESHOLD, 4 << 20)


def no_fast_bins() -> None:
    _mallopt(M_MXFAST, 0)
