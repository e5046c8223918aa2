"""How well a word segmenter finds the words of the names and titles of the corpus.

    python bench/segmenter_compare.py pyvi|underthesea

Run it with a Python where the candidate is installed (underthesea is not a dependency:
``python -m venv /tmp/uts && /tmp/uts/bin/pip install underthesea`` then
``/tmp/uts/bin/python bench/segmenter_compare.py underthesea``). The truth is the marking of
``tests/fixtures/ten-co-quan.txt`` («_» inside a word). For each way of casing the text
(U: capitals as in a header, L: lower case, T: each syllable title-cased, S: sentence case)
it prints: the word-inner spaces the segmenter missed (a line could break inside a word
there), the spaces it joined that a reader keeps apart (fewer places to break), and µs per
text; then the import time.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("segment", ROOT / "generator" / "segment.py")
segment = importlib.util.module_from_spec(spec)
spec.loader.exec_module(segment)  # only its reading of «_» back onto spaces (no generator import)

which = sys.argv[1] if len(sys.argv) > 1 else "pyvi"
start = time.perf_counter()
if which == "underthesea":
    from underthesea import word_tokenize

    def tokenize(text: str) -> str:
        return word_tokenize(text, format="text")
else:
    from pyvi.ViTokenizer import ViTokenizer
    tokenize = ViTokenizer.tokenize
imported = time.perf_counter() - start
start = time.perf_counter()
tokenize("khởi động")
first = time.perf_counter() - start

lines = [line for line in (ROOT / "tests" / "fixtures" / "ten-co-quan.txt")
         .read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith(("#", "["))]

for case in ("U", "L", "T", "S"):
    missed = wrong = kept = 0
    spent = 0.0
    for line in lines:
        truth = [c == "_" for c in line if c in " _"]
        plain = line.replace("_", " ")
        low = plain.lower()
        text = {"U": plain.upper(), "L": low,
                "T": " ".join(w[:1].upper() + w[1:] for w in low.split(" ")),
                "S": low[:1].upper() + low[1:]}[case]
        t0 = time.perf_counter()
        out = tokenize(text)
        spent += time.perf_counter() - t0
        got = segment._gaps(text, out)
        for a, b in zip(truth, got):
            missed += a and not b
            wrong += b and not a
            kept += a and b
    print(f"{which} {case}: {missed + kept} word-inner spaces, missed {missed}, "
          f"wrongly joined {wrong}, {spent / len(lines) * 1e6:.0f} µs per text")
print(f"import {imported * 1000:.0f} ms, first call {first * 1000:.0f} ms")
