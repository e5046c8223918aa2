"""Benchmark: building a large campaign, and the plain docxtpl way on the same skeleton.

    python bench/build_bench.py [N] [--plain M]

Makes a synthetic campaign of N units (default 1,000) from the bundled example (its 49 units
repeated under new ids and names), then prints, each as the `vanban build` command a user
runs (a new process each time, so Python's start-up is included):

- cold full build into an empty folder;
- no-op rebuild (nothing changed);
- rebuild after renaming one unit;
- rebuild after changing the plan's date (everything changes);
- the peak memory of those processes;

then, in this process, skeleton generation alone on the same contexts: vanban's renderer
(template compiled once, shared parts packed once) against the plain docxtpl loop
(`DocxTemplate(path)`, `render(ctx)`, `save()` per unit) over M units (default min(N, 1000)),
with the ratio of the two. Asserts nothing; prints figures.
"""

from __future__ import annotations

import csv
import resource
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


def vanban(*args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", "build", *args], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def skeletons_only(data: Path, work: Path, plain_count: int) -> None:
    from docxtpl import DocxTemplate

    from generator import main as pipeline
    from generator import transaction
    from generator.environment import template_environment

    prepared = pipeline.prepare(data)
    units = [d for d in prepared.documents if d.output.startswith("don-vi/") and d.template]
    template = pipeline.find_template(data, "don-vi.docx")

    started = time.perf_counter()
    compiled = pipeline.compile_templates(units, prepared.data, data)
    change = transaction.Transaction(work / "vanban")
    for name, staged in pipeline.render_staged(units, compiled, work / "vanban", change.staging):
        change.adopt(staged, name)
    change.commit()
    ours = time.perf_counter() - started
    per_ours = ours / len(units)

    sample = units[:plain_count]
    env = template_environment(prepared.data.profile)
    (work / "plain").mkdir()
    started = time.perf_counter()
    for doc in sample:
        tpl = DocxTemplate(template)
        tpl.render(doc.context, env)
        tpl.save(work / "plain" / Path(doc.output).name)
    plain = time.perf_counter() - started
    per_plain = plain / len(sample)
    print("sinh báo cáo mẫu (cùng ngữ cảnh, trong một tiến trình):")
    print(f"  vanban: {len(units)} tệp trong {ours:.2f} s — {per_ours * 1000:.2f} ms/tệp")
    print(f"  docxtpl thuần (DocxTemplate/render/save mỗi đơn vị): {len(sample)} tệp trong "
          f"{plain:.2f} s — {per_plain * 1000:.1f} ms/tệp")
    print(f"  vanban nhanh gấp {per_plain / per_ours:.1f} lần")


def main() -> None:
    args = sys.argv[1:]
    n = int(args[0]) if args and args[0].isdigit() else 1000
    plain_count = int(args[args.index("--plain") + 1]) if "--plain" in args else min(n, 1000)
    with tempfile.TemporaryDirectory(prefix="vanban-bench-") as tmp:
        work = Path(tmp)
        data, out = work / "data", work / "out"
        make_campaign(data, n)
        print(f"chiến dịch tổng hợp: {n} đơn vị ({n + 4} văn bản Word và {n} tệp Excel), máy có "
              f"{__import__('os').cpu_count()} lõi")
        seconds, line = vanban("--data", str(data), "--out", str(out))
        print(f"sinh lần đầu (thư mục trống): {seconds:.2f} s — {line}")
        seconds, line = vanban("--data", str(data), "--out", str(out))
        print(f"sinh lại khi không có gì đổi: {seconds:.2f} s — {line}")
        edit(data / "don-vi.csv", "Chi bộ Ban Dân tộc số", "Chi bộ Ban Dân tộc tỉnh số")
        seconds, line = vanban("--data", str(data), "--out", str(out))
        print(f"sinh lại sau khi đổi tên một đơn vị: {seconds:.2f} s — {line}")
        edit(data / "ke-hoach.yaml", "date: 23/02/2021", "date: 24/02/2021")
        seconds, line = vanban("--data", str(data), "--out", str(out))
        print(f"sinh lại sau khi đổi ngày kế hoạch: {seconds:.2f} s — {line}")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"bộ nhớ cao nhất của một tiến trình vanban: {peak:.0f} MB")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import generator.cli"], cwd=ROOT, check=True)
        print(f"(riêng khởi động Python và nạp thư viện: {time.perf_counter() - started:.2f} s)")
        skeletons_only(data, work, plain_count)


if __name__ == "__main__":
    main()
