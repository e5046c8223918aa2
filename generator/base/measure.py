"""How wide a line of text is in Times New Roman — to draw a rule as long as a title.

The widths are those of Liberation Serif 2, which has Times New Roman's metrics
(``font_metrics.json``, written by ``tools/font_metrics.py``). A Vietnamese letter is as wide
as its base letter in these fonts (the tone and the hat sit above or below it); Đ, Ơ and Ư
have their own widths.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

POINT_CM = 2.54 / 72
CELL_MARGINS_CM = 2 * 0.19  # Word's default left and right cell margins


class _Widths(dict):
    """The width of each character, the widths of a letter with a tone or a hat taken from
    its base letter the first time it is asked for."""

    def __missing__(self, ch: str) -> int:
        base = unicodedata.normalize("NFD", ch)[0]
        width = self[ch] = super().get(base, super().get("n"))
        return width


@lru_cache(maxsize=1)
def _table() -> dict[str, _Widths]:
    table = json.loads((Path(__file__).parent / "font_metrics.json").read_text(encoding="utf-8"))
    return {style: _Widths(widths) for style, widths in table.items()}


def width_cm(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of ``text`` on one line at ``size_pt`` (an unknown character counts as an
    «n», a fair average)."""
    widths = _table()["bold" if bold else "regular"]
    total = sum(map(widths.__getitem__, unicodedata.normalize("NFC", text)))
    return total / 1000 * size_pt * POINT_CM
