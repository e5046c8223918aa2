"""Write ``generator/font_metrics.json``: the advance widths of Times New Roman's letters
(from Liberation Serif 2, which has its metrics), regular and bold, in 1/1000 em — a
developer's tool; vanban itself reads the JSON and needs no font installed.

    pip install fonttools && python tools/font_metrics.py [FONT_DIR]

Vietnamese letters are measured by their base letter (a tone or hat does not widen a letter
in these fonts), so the table holds the base letters, digits, punctuation and Đ đ Ơ ơ Ư ư.
"""

import json
import sys

from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/liberation2")
CHARS = [chr(c) for c in range(32, 127)] + list("ĐđƠơƯư–—…“”‘’«»")


def widths(path: Path) -> dict[str, int]:
    font = TTFont(path)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    per_em = font["head"].unitsPerEm
    out = {}
    for ch in CHARS:
        glyph = cmap.get(ord(ch))
        if glyph is not None:
            out[ch] = round(hmtx[glyph][0] * 1000 / per_em)
    return out


table = {"regular": widths(FONTS / "LiberationSerif-Regular.ttf"),
         "bold": widths(FONTS / "LiberationSerif-Bold.ttf")}
target = ROOT / "generator" / "font_metrics.json"
target.write_text(json.dumps(table, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
print(f"đã ghi {target}")
