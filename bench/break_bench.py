"""What breaking lines between Vietnamese words costs: start-up, import, µs per break.

    python bench/break_bench.py

Prints the import time of vanban's rules module (the segmenter is not loaded there), of the
segmenter (pyvi, loaded on the first text that needs breaking), and µs per break of the
names and titles of tests/fixtures/ten-co-quan.txt: cold (each text segmented the first
time) and warm (the same texts again: cached).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

t0 = time.perf_counter()
from generator.formats import vnrules  # noqa: E402
from generator.formats.profiles import build_profile  # noqa: E402
t1 = time.perf_counter()
loaded = "pycrfsuite" in sys.modules
from generator.formats import segment  # noqa: E402
segment.joins(("khởi", "động"))
t2 = time.perf_counter()

lines = [line.replace("_", " ") for line in
         (ROOT / "tests" / "fixtures" / "ten-co-quan.txt").read_text(encoding="utf-8").splitlines()
         if line.strip() and not line.startswith(("#", "["))]
profile = build_profile("dang-hd36")


def run() -> float:
    start = time.process_time()  # CPU time: the machine may be shared
    for text in lines:
        vnrules.header(superior=None, issuer_lines=[text], number="", place_date="",
                       profile=profile)
    return (time.process_time() - start) / len(lines) * 1e6


cold = run()
warm = run()
print(f"import generator.formats.vnrules: {(t1 - t0) * 1000:.0f} ms (segmenter loaded: {loaded})")
print(f"load the segmenter (pyvi's model, python-crfsuite) + first segmentation: "
      f"{(t2 - t1) * 1000:.0f} ms; scikit-learn imported: {'sklearn' in sys.modules}")
print(f"{len(lines)} names and titles, CPU per header: cold {cold:.0f} µs, warm {warm:.1f} µs")
