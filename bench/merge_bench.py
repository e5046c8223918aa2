"""Benchmark: merging a new build into a person's copy of the consolidated report.

    python bench/merge_bench.py [N]

A synthetic campaign of N units (default 1.000): the consolidated report built with half the
units' returns (the base), a person's copy of it with a paragraph added and a sentence
reworded (as python-docx leaves it), then the report built with every return (the new build,
its key-figures table twice as long and every total changed). Prints the size of the three
documents, the time of ``merge_docx`` and the revisions it wrote. Asserts nothing.
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import time
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from build_bench import make_campaign  # noqa: E402


def write_returns(data: Path, members, rng) -> None:
    from generator.config import store

    store.folder(data).mkdir(exist_ok=True)
    for member in members:
        figures = {}
        for form in member.forms:
            for cell in form.cells:
                if cell.is_input:
                    value = rng.random() < 0.7 if cell.row.type == "yesno" else rng.randint(0, 400)
                    figures.setdefault(form.table.id, {}).setdefault(cell.row.id, {})[cell.column.id] = value
        record = store.Record(campaign="so-ket-nq01-ct01-2021", unit=member.id, unit_name=member.name,
                              received=member.deadline, source=store.Source(
                                  file=f"{member.id}.docx", sha256=f"{rng.getrandbits(256):064x}",
                                  collected="2026-12-03T08:00:00+00:00", identified_by="dấu"),
                              figures=figures)
        store.path_of(data, member.id).write_bytes(record.dump())


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    from generator.app import main as pipeline
    from generator.merge import merge_docx
    from generator.config.validate import load_campaign

    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "data", Path(tmp) / "out"
        make_campaign(data, n)
        (data / "kiem-tra.yaml").unlink()         # the default rules: no draft mark in the way
        members = list(load_campaign(data).members.values())
        write_returns(data, members[: n // 2], rng)
        pipeline.build(data, out)
        base = (out / "bao-cao-tong-hop.docx").read_bytes()
        document = docx.Document(io.BytesIO(base))
        paragraphs = document.paragraphs
        paragraphs[12].insert_paragraph_before("Đoạn văn phòng viết thêm.")
        target = next(p for p in paragraphs if p.text.startswith("Đảng bộ Khối"))
        target.runs[0].text = target.text + " (đã rà soát)"
        for r in target.runs[1:]:
            r.text = ""
        buffer = io.BytesIO()
        document.save(buffer)
        mine = buffer.getvalue()
        write_returns(data, members[n // 2:], rng)
        pipeline.build(data, out, force=True)
        new = (out / "bao-cao-tong-hop.docx").read_bytes()
        started = time.perf_counter()
        result = merge_docx(base, new, mine, "2026-12-03T00:00:00Z")
        took = time.perf_counter() - started
        print(f"{n} đơn vị: báo cáo tổng hợp {len(base) // 1024} KB (gốc), {len(new) // 1024} KB (mới), "
              f"{len(mine) // 1024} KB (bản của người)")
        print(f"gộp: {took:.2f} s — {result.inserted} chỗ thêm, {result.deleted} chỗ xóa, "
              f"{len(result.conflicts)} chỗ cùng sửa; kết quả {len(result.data) // 1024} KB")


if __name__ == "__main__":
    main()
