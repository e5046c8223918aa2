"""Benchmark: collecting N returned reports (default 1,000) with the command a user types.

    python bench/collect_bench.py [N]

Makes a campaign of N units as `build_bench.py` does (the bundled example's 49 units repeated
under new ids and names), builds it, fills each unit's skeleton once as a user would
(tools/fill_returns.py: runs split, content controls removed), then times `vanban collect`
over the folder three times (each into a fresh copy of the data; the middle figure is reported),
run as a new process the way a user runs it (`python -m generator collect
<thư mục> --data <dữ liệu>`): Python's start-up, vanban's imports, reading, identifying,
checking and storing — a batch this large is read on every core the process may use
(`collect.py`), the figures then written in one change. Then the same collect called in this
process (the figure of earlier sessions), and the same files collected again (nothing
changes). Prints the figures, the number of cores, and Python's start-up; asserts nothing.
Nothing is deleted before the end (on some disks, files made just after many were deleted
cost many times more).
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
        # the command as on a user's machine, where Python keeps the modules it compiled
        # (__pycache__); a sandbox may forbid that (PYTHONDONTWRITEBYTECODE): every start then
        # compiles vanban's sources again
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPATH"] = str(ROOT)
        load = [sys.executable, "-c", "import generator.intake.collect"]
        subprocess.run(load, check=True, env=env)     # compiled once, as a first run does
        started = time.perf_counter()
        subprocess.run(load, check=True, env=env)
        imports = time.perf_counter() - started
        print(f"máy có {os.cpu_count()} lõi, tiến trình này được dùng {len(os.sched_getaffinity(0))}; "
              f"khởi động Python: {python:.2f} s, Python và các mô-đun của vanban collect: {imports:.2f} s")
        print(f"tệp trả về: {n} ({size / 1024 / 1024:.1f} MB), tạo trong {made:.1f} s")
        from generator.intake.collect import PARALLEL_FROM
        from generator.app.main import workers_for
        workers = workers_for(n) if n >= PARALLEL_FROM else 1

        def command(data: Path, *extra: str) -> tuple[float, float, str]:
            """`vanban collect` as a new process: its wall time, its CPU (with its readers),
            the last line it prints."""
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "generator", "collect", str(batch),
                                   "--data", str(data), *extra], env=env, capture_output=True,
                                  text=True)
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            return elapsed, cpu, done.stdout.strip().splitlines()[-1]

        # three times, each into its own copy of the data (all made first): a disk still busy
        # with the files just made slows one run; the middle figure is the one reported
        copies = [root / f"data-lenh-{k}" for k in (1, 2, 3)]
        for copy in copies:
            shutil.copytree(root / "data", copy)
        os.sync()   # what was just made is on the disk, as a user's received files are: its
                    # writing back does not run during the command
        runs = [command(copy) for copy in copies]
        elapsed, cpu, said = sorted(runs)[1]
        print(f"vanban collect {n} tệp, lệnh chạy như người dùng gõ ({workers} tiến trình đọc): "
              f"{elapsed:.2f} s (giữa ba lần: {', '.join(f'{r[0]:.2f}' for r in runs)} s) — "
              f"{elapsed / n * 1000:.2f} ms/tệp; CPU {cpu:.2f} s")
        print(f"  {said}")
        elapsed, cpu, said = command(copies[0])
        print(f"vanban collect lại cùng {n} tệp: {elapsed:.2f} s — {said}")
        elapsed, cpu, said = command(copies[0])   # the records now in the memo of the last load
        print(f"… và lần nữa (các bản số liệu đã đọc ở lần trước, record_memo): {elapsed:.2f} s — {said}")

        started = time.perf_counter()
        report = collect([batch], root / "data", replace=True)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(f"collect() gọi trong tiến trình này (sau khi sinh và điền): {elapsed:.2f} s — "
              f"{elapsed / n * 1000:.2f} ms/tệp; nhận mới {len(report.stored)}, thay "
              f"{len(report.replaced)}, không nhận {len(report.refused)}")
        print(f"  bộ nhớ cao nhất của tiến trình này (cả bước sinh, điền): {peak / 1024 / 1024:.0f} MB")

if __name__ == "__main__":
    main()
