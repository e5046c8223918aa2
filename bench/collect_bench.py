"""Benchmark: collecting N returned reports (default 1,000).

    python bench/collect_bench.py [N]

Makes a campaign of N units as `build_bench.py` does (the bundled example's 49 units repeated
under new ids and names), builds it, fills each unit's skeleton once as a user would
(tools/fill_returns.py: runs split, content controls removed), then times `vanban collect` over the folder: reading,
identifying, checking and storing — a batch this large is read on every core the process may
use (`collect.py`), the figures then written in one change. Prints the figures, the number of
cores, and Python's start-up; asserts nothing.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import resource
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import fill_returns  # noqa: E402
sys.path.insert(0, str(ROOT / "bench"))
from build_bench import make_campaign  # noqa: E402
from generator.app import main as pipeline  # noqa: E402
from generator.intake.collect import collect  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_campaign(root / "data", n)   # N units, as build_bench makes them: one return each
        pipeline.build(root / "data", root / "out")
        skeletons = sorted((root / "out" / "don-vi").glob("*.docx"))[:n]
        rng = random.Random(1)
        batch = root / "returns"
        batch.mkdir()
        started = time.perf_counter()
        for i, source in enumerate(skeletons):
            fill_returns.fill(source, batch / f"{i:05d}-{source.stem}.docx", rng)
        made = time.perf_counter() - started
        size = sum(p.stat().st_size for p in batch.iterdir())
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        python = time.perf_counter() - started
        print(f"máy có {os.cpu_count()} lõi, tiến trình này được dùng {len(os.sched_getaffinity(0))}; "
              f"khởi động Python: {python:.2f} s")
        started = time.perf_counter()
        report = collect([batch], root / "data", replace=True)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(f"tệp trả về: {n} ({size / 1024 / 1024:.1f} MB), tạo trong {made:.1f} s")
        from generator.intake.collect import PARALLEL_FROM
        from generator.app.main import workers_for
        workers = workers_for(n) if n >= PARALLEL_FROM else 1
        print(f"vanban collect ({workers} tiến trình đọc): {elapsed:.2f} s — {elapsed / n * 1000:.1f} ms/tệp, "
              f"{n / elapsed:.0f} tệp/s")
        print(f"  nhận mới {len(report.stored)}, thay {len(report.replaced)}, "
              f"không nhận {len(report.refused)}")
        print(f"  bộ nhớ cao nhất của tiến trình (cả bước tạo tệp): {peak / 1024 / 1024:.0f} MB")
        started = time.perf_counter()
        again = collect([batch], root / "data")
        print(f"thu lại cùng {n} tệp: {time.perf_counter() - started:.2f} s — không đổi "
              f"{len(again.unchanged)}, xung đột {len(again.conflicts)}")


if __name__ == "__main__":
    main()
