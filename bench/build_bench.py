"""Benchmark: building a large campaign, and the plain docxtpl way on the same skeleton.

    python bench/build_bench.py [N] [--plain M]

Makes a synthetic campaign of N units (default 1,000) from the bundled example (its 49 units
repeated under new ids and names), then prints, each as the `vanban build` command a user
runs (a new process each time, so Python's start-up is included), in this order:

- when N is over 1.000, a 1.000-unit campaign built cold, then the ratio of the two cold
  builds (the cost should grow linearly with N: about N / 1.000);
- cold full build into an empty folder;
- no-op rebuild (nothing changed), answered from the stamp the build before left
  (``generator/app/quick.py``), then the same going the whole way (``VANBAN_NO_QUICK=1``);
- rebuild after renaming one unit;
- skeleton generation alone on the same contexts: vanban's renderer (template compiled once,
  shared parts packed once, staged and committed as a build does) against the plain docxtpl
  loop (`DocxTemplate(path)`, `render(ctx)`, `save()` per unit) over M units (default
  min(N, 1000)), with the ratio of the two — twice, each in a new process: pinned to one core
  (`os.sched_setaffinity`: both engines on one core, the per-core comparison) and on every
  core (vanban then renders on every core, docxtpl on one);
- rebuild after changing the plan's date (everything changes), last: it replaces every file;
- the peak memory of those processes.

Nothing is deleted before the end. On ext4, files created in the minutes after many were
deleted cost several times more to create (the inodes just freed are passed over one by one),
and that would be measured instead of vanban: leave a few minutes between two runs of a
benchmark (the first one deletes its folder when it ends). Python's own start-up (`python -c
pass`) and the start-up with vanban's imports are printed beside the figures. Asserts
nothing; prints figures.

    python bench/build_bench.py --skeletons DATA WORK M [--cpu C]   (the child, used above)
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_campaign(target: Path, n: int) -> None:
    shutil.copytree(ROOT / "data", target)
    rows = list(csv.DictReader(open(ROOT / "data" / "don-vi.csv", encoding="utf-8")))
    with open(target / "don-vi.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for i in range(n):
            row = dict(rows[i % len(rows)])
            row["id"] = f"{row['id']}-{i:05d}"
            row["name"] = f"{row['name']} số {i + 1}"
            writer.writerow(row)


PEAK = {"kb": 0}   # the largest resident memory of a `vanban build` process or its workers


def vanban(*args: str, env: dict | None = None) -> tuple[float, str]:
    """``vanban build ARGS`` in a new process: its wall time and last line; its peak memory
    (``wait4``: the process and the workers it waited for) kept in ``PEAK``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "generator", "build", *args], cwd=ROOT,
                                stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"vanban build: {err.read().decode()}")
        PEAK["kb"] = max(PEAK["kb"], usage.ru_maxrss)
        return seconds, out.read().decode().strip().splitlines()[-1]


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def skeletons_only(data: Path, work: Path, plain_count: int, cpu: int | None = None) -> None:
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    from docxtpl import DocxTemplate

    from generator.app import main as pipeline
    from generator.base import transaction
    from generator.documents.environment import template_environment

    prepared = pipeline.prepare(data)
    units = [d for d in prepared.documents if d.output.startswith("don-vi/") and d.template]
    template = pipeline.find_template(data, "don-vi.docx")

    started = time.perf_counter()
    compiled = pipeline.compile_templates(units, prepared.data, data)
    change = transaction.Transaction(work / "vanban")
    for name, staged, *_ in pipeline.render_staged(units, compiled, work / "vanban", change.staging):
        change.adopt(staged, name)
    change.commit()
    ours = time.perf_counter() - started
    per_ours = ours / len(units)

    sample = units[:plain_count]
    env = template_environment(prepared.data.profile)
    (work / "plain").mkdir(exist_ok=True)
    started = time.perf_counter()
    for doc in sample:
        tpl = DocxTemplate(template)
        tpl.render(doc.context, env)
        tpl.save(work / "plain" / Path(doc.output).name)
    plain = time.perf_counter() - started
    per_plain = plain / len(sample)
    where = (f"cả hai ghim vào một lõi (lõi {cpu})" if cpu is not None else
             f"trên mọi lõi: vanban {pipeline.workers_for(len(units))} tiến trình, docxtpl 1")
    print(f"sinh báo cáo mẫu (cùng ngữ cảnh), {where}:")
    print(f"  vanban: {len(units)} tệp trong {ours:.2f} s — {per_ours * 1000:.2f} ms/tệp")
    print(f"  docxtpl thuần (DocxTemplate/render/save mỗi đơn vị): {len(sample)} tệp trong "
          f"{plain:.2f} s — {per_plain * 1000:.1f} ms/tệp")
    print(f"  vanban nhanh gấp {per_plain / per_ours:.1f} lần"
          + (" (mỗi lõi)" if cpu is not None else " (mọi lõi)"), flush=True)


def skeletons_child(data: Path, work: Path, plain_count: int, cpu: int | None) -> None:
    """Skeletons only, in a new process (pinned to ``cpu`` if given), its own work folder."""
    tag = f"cpu{cpu}" if cpu is not None else "all"
    (work / tag).mkdir()
    extra = ["--cpu", str(cpu)] if cpu is not None else []
    subprocess.run([sys.executable, __file__, "--skeletons", str(data), str(work / tag), str(plain_count),
                    *extra], cwd=ROOT, check=True)


def startup() -> tuple[float, float]:
    """Python's own start-up, and with vanban's command-line imports: the smallest of three."""
    bare, full = [], []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], cwd=ROOT, check=True)
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import generator.cli"], cwd=ROOT, check=True)
        full.append(time.perf_counter() - started)
    return min(bare), min(full)


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--skeletons":
        cpu = int(args[args.index("--cpu") + 1]) if "--cpu" in args else None
        skeletons_only(Path(args[1]), Path(args[2]), int(args[3]), cpu)
        return
    n = int(args[0]) if args and args[0].isdigit() else 1000
    plain_count = int(args[args.index("--plain") + 1]) if "--plain" in args else min(n, 1000)
    # nothing is deleted before the end: on ext4, files created in the minutes after many were
    # deleted cost up to ten times more to create (the inodes freed a moment ago are passed
    # over one by one), which would be measured instead of vanban (see README.md)
    with tempfile.TemporaryDirectory(prefix="vanban-bench-") as tmp:
        work = Path(tmp)
        data, out = work / "data", work / "out"
        make_campaign(data, n)
        bare, full = startup()
        print(f"chiến dịch tổng hợp: {n} đơn vị ({n + 4} văn bản Word và {n} tệp Excel), máy có "
              f"{os.cpu_count()} lõi, tiến trình này được dùng {len(os.sched_getaffinity(0))} lõi")
        print(f"khởi động Python: {bare:.2f} s; khởi động và nạp thư viện của vanban: {full:.2f} s")
        small_cold = None
        if n > 1000:
            small = work / "data-1000"
            make_campaign(small, 1000)
            small_cold, line = vanban("--data", str(small), "--out", str(work / "out-1000"))
            print(f"sinh lần đầu 1000 đơn vị: {small_cold:.2f} s — {line}", flush=True)
        seconds, line = vanban("--data", str(data), "--out", str(out))
        cold = seconds
        print(f"sinh lần đầu (thư mục trống): {seconds:.2f} s — {line}")
        if small_cold:
            print(f"tỉ lệ {n} / 1000 đơn vị (sinh lần đầu): {cold / small_cold:.1f} "
                  f"(tuyến tính: {n / 1000:.1f})", flush=True)
        seconds, line = vanban("--data", str(data), "--out", str(out))
        print(f"sinh lại khi không có gì đổi (trả lời từ dấu của lần sinh trước, generator/app/quick.py): "
              f"{seconds:.2f} s — {line}")
        seconds, line = vanban("--data", str(data), "--out", str(out), env={"VANBAN_NO_QUICK": "1"})
        print(f"sinh lại khi không có gì đổi, đi hết đường (VANBAN_NO_QUICK=1: nạp, kiểm tra dữ liệu, "
              f"so sổ ghi): {seconds:.2f} s — {line}")
        edit(data / "don-vi.csv", "Chi bộ Ban Dân tộc số", "Chi bộ Ban Dân tộc tỉnh số")
        seconds, line = vanban("--data", str(data), "--out", str(out))
        print(f"sinh lại sau khi đổi tên một đơn vị: {seconds:.2f} s — {line}", flush=True)
        cpu = min(os.sched_getaffinity(0))
        skeletons_child(data, work, plain_count, cpu)
        skeletons_child(data, work, plain_count, None)
        # last: it replaces every output, so frees as many files as it writes
        edit(data / "ke-hoach.yaml", "date: 23/02/2021", "date: 24/02/2021")
        seconds, line = vanban("--data", str(data), "--out", str(out))
        print(f"sinh lại sau khi đổi ngày kế hoạch: {seconds:.2f} s — {line}")
        print(f"bộ nhớ cao nhất của một tiến trình vanban (lệnh build và các tiến trình con của nó): "
              f"{PEAK['kb'] / 1024:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
