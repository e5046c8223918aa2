"""Benchmark: the review queue of a large campaign.

    python bench/review_bench.py [N] [--rules R]

Makes a synthetic campaign of N units (default 1.000) from the bundled example, gives every
unit a return (records written as `collect` writes them, with random figures — a few absurd
ones so that rules and peers find something), and a checks file of R rules (default 40: the
example's own, then more of the same kinds over other cells). Prints, in this process:

- loading the campaign (the N records validated);
- evaluating every rule over every unit, and the whole queue (rules, reading doubts, peers,
  sorting, decisions);
- the number of findings;
- the traced sources of every consolidated figure (nguon-so-lieu.xlsx's content);
- the workspace's Xem xét page for that campaign (median of 5 requests, its size).

Asserts nothing; prints figures.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from build_bench import make_campaign  # noqa: E402


def extra_rules(count: int) -> list[dict]:
    """More rules of the example's kinds, over other cells, to reach ``count``."""
    pairs = [("pl1.r3.so-luong", "<=", "pl1.r4.so-luong"), ("pl1.r7.so-luong", "<=", "pl1.r3.so-luong + 100"),
             ("pl4.huan-chuong.tap-the", "<=", "pl4.bang-khen-tinh.tap-the + 10"),
             ("pl2.dang-ky.*", ">=", "0"), ("sum(pl4.*.ca-nhan)", "<=", "pl1.r1.so-luong * 1"),
             ("pl1.r2.so-luong", "cả hai hoặc không", "pl1.r3.so-luong")]
    out = []
    for i in range(count):
        left, op, right = pairs[i % len(pairs)]
        if "*" in right.split()[-1:]:
            right = right.replace(" * 1", "")
        right = right.replace(" * 1", "")
        out.append({"id": f"them-{i}", "left": left, "op": op, "right": right,
                    "severity": ["cao", "trung bình", "thấp"][i % 3], "message": f"quy tắc thêm {i}"})
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1000
    rules = int(sys.argv[sys.argv.index("--rules") + 1]) if "--rules" in sys.argv else 40
    from generator.config import store
    from generator.review import queue
    from generator.documents import trace
    from generator.config.validate import load_campaign

    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        make_campaign(data, n)
        own = yaml.safe_load((data / "kiem-tra.yaml").read_text(encoding="utf-8"))
        own["rules"] += extra_rules(rules - len(own["rules"]))
        (data / "kiem-tra.yaml").write_text(yaml.safe_dump(own, allow_unicode=True), encoding="utf-8")
        campaign = load_campaign(data)
        store.folder(data).mkdir()
        for member in campaign.members.values():
            figures = {}
            for form in member.forms:
                for cell in form.cells:
                    if not cell.is_input:
                        continue
                    if cell.row.type == "yesno":
                        value = rng.random() < 0.7
                    else:
                        value = rng.randint(0, 400) if rng.random() > 0.002 else rng.randint(5000, 90000)
                    figures.setdefault(form.table.id, {}).setdefault(cell.row.id, {})[cell.column.id] = value
            record = store.Record(campaign=campaign.campaign.id, unit=member.id, unit_name=member.name,
                                  received=member.deadline, source=store.Source(
                                      file=f"{member.id}.docx", sha256=f"{rng.getrandbits(256):064x}",
                                      collected="2026-12-03T08:00:00+00:00", identified_by="dấu"),
                                  figures=figures)
            store.path_of(data, member.id).write_bytes(record.dump())
        started = time.perf_counter()
        campaign = load_campaign(data)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        items = queue.build(campaign, data)
        took = time.perf_counter() - started
        started = time.perf_counter()
        traced = trace.trace(campaign, items)
        traced_s = time.perf_counter() - started
        print(f"{n} đơn vị, {rules} quy tắc")
        print(f"nạp chiến dịch (kể cả {n} bản số liệu): {loaded:.2f} s")
        print(f"danh sách xem xét (quy tắc, chỗ ngờ khi đọc, so với đơn vị cùng cấp, sắp xếp): {took:.2f} s "
              f"— {len(items)} chỗ, {len(queue.open_high(items))} mức cao")
        print(f"nguồn của {len(traced)} số liệu tổng hợp: {traced_s:.2f} s")
        from starlette.testclient import TestClient

        from generator.web.app import create_app
        from generator.app.workspace import Workspace

        client = TestClient(create_app(Workspace(data, Path(tmp) / "out"), "t"),
                            base_url="http://127.0.0.1:8765", headers={"X-Vanban-Token": "t"})
        client.get("/xem-xet")                     # the campaign loaded once, as a server keeps it
        times, size = [], 0
        for _ in range(5):
            started = time.perf_counter()
            answer = client.get("/xem-xet")
            times.append(time.perf_counter() - started)
            size = len(answer.content)
        times.sort()
        print(f"trang Xem xét ({len(items)} chỗ, 50 một trang): trung vị {times[2] * 1000:.0f} ms, "
              f"{size // 1024} KB")


if __name__ == "__main__":
    main()
