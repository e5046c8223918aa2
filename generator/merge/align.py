"""Which item of one version is which item of another: the alignment a three-way merge needs.

Items (paragraphs, tables, rows) are compared by their keys — their words. Runs of equal keys
are the same items; inside a stretch where both sides differ, items are paired when they are
alike enough (a sentence with one figure changed, a row with one cell changed), in order.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

ALIKE = 0.5          # share of common characters from which two items are one item changed
_LARGE = 250_000     # pairs in one stretch beyond which items are paired by position
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    if a[:2] != b[:2] and (a[:2] in ("P:", "T:", "R:") or b[:2] in ("P:", "T:", "R:")):
        return 0.0  # a paragraph is never a table
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < ALIKE or matcher.quick_ratio() < ALIKE:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= ALIKE else 0.0


def pair(base: list[str], other: list[str]) -> list[int | None]:
    """For each item of ``base``, the index of the same item in ``other`` (None: not there)."""
    out: list[int | None] = [None] * len(base)
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out[i1 + k] = j1 + k
        elif tag == "replace":
            for i, j in _stretch(base, other, i1, i2, j1, j2):
                out[i] = j
    return out


def _stretch(base, other, i1, i2, j1, j2) -> list[tuple[int, int]]:
    """Pairs of alike items inside a stretch where the two sides differ, in order, as many
    and as alike as can be (a small dynamic programme)."""
    n, m = i2 - i1, j2 - j1
    if n == m == 1 and base[i1][:2] == other[j1][:2]:
        return [(i1, j1)]   # one item changed in place (a cell's only paragraph, a figure)
    if n * m > _LARGE:
        return [(i1 + k, j1 + k) for k in range(min(n, m))]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    sims = [[similarity(base[i1 + a], other[j1 + b]) for b in range(m)] for a in range(n)]
    for a in range(n - 1, -1, -1):
        row, below = score[a], score[a + 1]
        for b in range(m - 1, -1, -1):
            best = max(below[b], row[b + 1])
            s = sims[a][b]
            if s > 0:
                best = max(best, s + below[b + 1])
            row[b] = best
    pairs, a, b = [], 0, 0
    while a < n and b < m:
        s = sims[a][b]
        if s > 0 and abs(score[a][b] - (s + score[a + 1][b + 1])) < 1e-12:
            pairs.append((i1 + a, j1 + b))
            a, b = a + 1, b + 1
        elif abs(score[a][b] - score[a + 1][b]) < 1e-12:
            a += 1
        else:
            b += 1
    return pairs


def inverse(mapping: list[int | None]) -> dict[int, int]:
    return {j: i for i, j in enumerate(mapping) if j is not None}


def same_additions(new_only: list[int], new_keys: list[str], mine_only: list[int],
                   mine_keys: list[str]) -> dict[int, int]:
    """Items both sides added with the same words: new index → mine index."""
    a = [new_keys[j] for j in new_only]
    b = [mine_keys[m] for m in mine_only]
    out = {}
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out[new_only[i1 + k]] = mine_only[j1 + k]
    return out


def word_changes(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """Where ``new`` differs from ``old``, word by word: ``(old_start, old_end, new_start,
    new_end)`` character ranges, from the end of the text to its start."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    at_a, at_b = _offsets(a), _offsets(b)
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append((at_a[i1], at_a[i2], at_b[j1], at_b[j2]))
    return out[::-1]


def _offsets(tokens: list[str]) -> list[int]:
    out, at = [0], 0
    for t in tokens:
        at += len(t)
        out.append(at)
    return out
