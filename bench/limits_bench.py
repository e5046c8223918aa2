"""Benchmark: the limits of issue 18 — a long unit list checked, prose bombs refused, hostile
returns collected.

    python bench/limits_bench.py [N]

1. ``vanban check`` on the bundled example with a unit list of N rows (default 20.000), kept
   as CSV and as an Excel workbook, each in a new process: seconds and peak memory.
2. Each prose bomb of the trust tests put in ke-hoach.yaml and ``build`` run: seconds to the
   refusal and peak traced memory.
3. The hostile batch of tests/test_hostile.py is not rebuilt here: its test prints the files
   tried, refused, taken and the collect's peak memory (``pytest -s tests/test_hostile.py``).

Prints the figures; asserts nothing.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from generator.app import main as pipeline  # noqa: E402
from generator.base.exceptions import DataError  # noqa: E402

PEAK = ("import resource, sys; from generator.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
        "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n")


def unit_list(data: Path, rows: int) -> list[list[str]]:
    with open(data / "don-vi.csv", encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh))
    out = [lines[0]]
    for i in range(rows):
        row = list(lines[1 + i % (len(lines) - 1)])
        row[0], row[1] = f"{row[0]}-{i}", f"{row[1]} số {i}"
        out.append(row)
    return out


def timed_check(data: Path) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, "check", "--data", str(data)],
                          capture_output=True, text=True, cwd=ROOT)
    took = time.perf_counter() - started
    if "Dữ liệu hợp lệ" not in done.stdout:
        print(done.stderr[-2000:])
    peak = int(done.stderr.rsplit("PEAK", 1)[1]) // 1024
    return took, peak


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    work = Path(tempfile.mkdtemp(prefix="vanban-limits-"))
    try:
        data = work / "csv"
        shutil.copytree(ROOT / "data", data)
        table = unit_list(data, rows)
        text = io.StringIO()
        csv.writer(text).writerows(table)
        (data / "don-vi.csv").write_text(text.getvalue(), encoding="utf-8")
        took, peak = timed_check(data)
        shown = f"{rows:,}".replace(",", ".")
        print(f"vanban check, {shown} đơn vị (don-vi.csv): {took:.2f} s, bộ nhớ cao nhất {peak} MB")
        try:
            import openpyxl
        except ImportError:
            openpyxl = None
        if openpyxl is not None:
            xlsx = work / "xlsx"
            shutil.copytree(data, xlsx)
            (xlsx / "don-vi.csv").unlink()
            book = openpyxl.Workbook()
            for row in table:
                book.active.append(row)
            book.save(xlsx / "don-vi.xlsx")
            took, peak = timed_check(xlsx)
            print(f"vanban check, {shown} đơn vị (don-vi.xlsx): {took:.2f} s, bộ nhớ cao nhất {peak} MB")
        from test_trust import BOMBS
        marker = "          Kiểm điểm, đánh giá khách quan"
        for bomb in BOMBS:
            plan = work / "prose"
            shutil.rmtree(plan, ignore_errors=True)
            shutil.copytree(ROOT / "data", plan)
            source = (plan / "ke-hoach.yaml").read_text(encoding="utf-8")
            (plan / "ke-hoach.yaml").write_text(source.replace(marker, f"          Kiểm điểm {bomb}, đánh giá "
                                                                       "khách quan", 1), encoding="utf-8")
            tracemalloc.start()
            started = time.perf_counter()
            try:
                pipeline.build(plan, work / "out")
                said = "KHÔNG bị từ chối"
            except DataError:
                said = "từ chối"
            took = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            print(f"{bomb[:50]:50} {said}: {took:.2f} s, {peak:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
