"""Benchmark: the web workspace on a large campaign, measured from the server's side of
HTTP (a real uvicorn on loopback, requests from this process).

    python bench/web_bench.py [N] [--repeat R]

A synthetic campaign of N units (default 1,000; see build_bench.py), served by `vanban
serve`'s application. Prints, for requests to the running server:

- the first build (cold: the campaign is loaded, everything rendered);
- a warm no-op rebuild: POST /api/build with nothing changed (median of R, default 20);
- one unit renamed through the page as a browser does it (POST /don-vi/<id>/sua: version
  check, validation of the whole campaign in a scratch copy, atomic write; then the unit's page
  the answer leads to, which reads the saved campaign), then the rebuild it causes
  (POST /api/build; median of R edits);
- 50 returned reports uploaded at once: POST /api/collect (multipart, 50 files);
- the Đơn vị and Văn bản pages of the N-unit campaign (the first page of each, a page further
  on, a search): time and size of the HTML (targets for 1.000 units: ≤ 300 ms, ≤ 300 KB);
- pages asked for while a forced build of every document runs (target ≤ 200 ms): each page
  answered from the campaign as last loaded, the build going on in its worker processes.

Asserts nothing; prints figures.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "bench"))

try:
    import httpx2 as httpx  # noqa: E402  (the name the test extras install; starlette's own choice)
except ImportError:
    import httpx  # noqa: E402

from build_bench import make_campaign  # noqa: E402
from generator.web import security  # noqa: E402
from workspace_demo import serving  # noqa: E402


CPU: list[float] = []   # the process's CPU time of each timed request (server and client)


def timed(call):
    """Wall time of one request; its CPU time (this process runs both the server and the
    client) goes to ``CPU``: on a machine shared with others, CPU time is what the work cost,
    wall time what a user waited."""
    started, cpu = time.perf_counter(), time.process_time()
    answer = call()
    answer.raise_for_status() if answer.status_code >= 400 else None
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - started, answer


def cpu_median(count: int) -> str:
    return f"CPU trung vị {statistics.median(CPU[-count:]) * 1000:.1f} ms"


def main() -> None:
    args = sys.argv[1:]
    n = int(args[0]) if args and args[0].isdigit() else 1000
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 20
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_campaign(root / "data", n)
        with serving(root / "data", root / "out") as (base, token, ws):
            client = httpx.Client(base_url=base, headers={"X-Vanban-Token": token}, timeout=600)
            cold, answer = timed(lambda: client.post("/api/build"))
            print(f"N = {n} đơn vị, {len(answer.json()['written'])} tệp")
            print(f"lần sinh đầu (nạp chiến dịch, sinh mọi văn bản): {cold:.2f} s")
            noop = [timed(lambda: client.post("/api/build"))[0] for _ in range(repeat)]
            print(f"sinh lại khi không có gì đổi: trung vị {statistics.median(noop) * 1000:.1f} ms "
                  f"(nhỏ nhất {min(noop) * 1000:.1f}, lớn nhất {max(noop) * 1000:.1f}; {repeat} lần; "
                  f"{cpu_median(repeat)})")
            unit = ws.loaded().data.units[7]
            saves, rebuilds, rebuild_cpu, written = [], [], [], set()
            for i in range(repeat):
                page = client.get("/don-vi").text
                version = page.split('name="version" value="', 1)[1].split('"', 1)[0]
                form = {"csrf": security.csrf_for(token), "version": version, "u:id": unit.id,
                        "u:name": f"{unit.name} (sửa {i})", "u:level": unit.level, "u:kind": unit.kind}
                # as a browser makes it: the POST, then the unit's page it leads to (which shows
                # the campaign as saved, so the campaign is read again there, not in the build)
                took, answer = timed(lambda: client.post(f"/don-vi/{unit.id}/sua", data=form,
                                                         follow_redirects=True))
                assert answer.status_code == 200 and answer.history[0].status_code == 303, answer.text[:500]
                saves.append(took)
                took, answer = timed(lambda: client.post("/api/build"))
                rebuilds.append(took)
                rebuild_cpu.append(CPU[-1])
                written |= set(answer.json()["written"])
            print(f"lưu tên một đơn vị qua trang và mở trang đơn vị (kiểm tra, ghi, đọc lại): trung vị "
                  f"{statistics.median(saves) * 1000:.0f} ms")
            print(f"sinh lại sau khi sửa một đơn vị: trung vị {statistics.median(rebuilds) * 1000:.1f} ms "
                  f"(nhỏ nhất {min(rebuilds) * 1000:.1f}, lớn nhất {max(rebuilds) * 1000:.1f}; "
                  f"CPU trung vị {statistics.median(rebuild_cpu) * 1000:.1f} ms); "
                  f"tệp ghi lại: {', '.join(sorted(written))}")
            import fill_returns

            batch = root / "tra-ve"
            batch.mkdir()
            rng = random.Random(5)
            units = [u.id for u in ws.loaded().data.units][:50]
            paths = []
            for u in units:
                target = batch / f"{u}.docx"
                fill_returns.fill(root / "out" / "don-vi" / f"{u}.docx", target, rng)
                paths.append(target)
            files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
            size = sum(len(f[1][1]) for f in files)
            took, answer = timed(lambda: client.post("/api/collect", files=files))
            codes = [f["code"] for f in answer.json()["files"]]
            print(f"nhận 50 báo cáo gửi lên một lần ({size / 1024 / 1024:.1f} MB): {took:.2f} s — "
                  f"{took / 50 * 1000:.0f} ms/tệp; nhận mới {codes.count('taken')}, "
                  f"không nhận {codes.count('refused')}")
            client.post("/api/build")
            list_pages(client, repeat)
            pages_during_build(client, 3)


LIST_PAGES = [("/don-vi", "Đơn vị, trang đầu"), ("/don-vi?trang=12", "Đơn vị, trang 12"),
              ("/don-vi?tim=tai+chinh", "Đơn vị, tìm «tai chinh»"), ("/van-ban", "Văn bản, trang đầu"),
              ("/van-ban?trang=40", "Văn bản, trang 40"), ("/van-ban?tim=so+noi+vu", "Văn bản, tìm «so noi vu»")]
DURING = ["/", "/don-vi", "/van-ban", "/du-lieu", "/nhan-bao-cao", "/bao-cao-tong-hop"]


def list_pages(client, repeat: int) -> None:
    """The two long lists of a large campaign: wall time (median of ``repeat``) and size."""
    for path, name in LIST_PAGES:
        client.get(path)                                  # the campaign loaded, templates compiled
        took = [timed(lambda: client.get(path))[0] for _ in range(repeat)]
        size = len(client.get(path).content)
        print(f"trang {name} ({path}): trung vị {statistics.median(took) * 1000:.0f} ms "
              f"(lớn nhất {max(took) * 1000:.0f}; {cpu_median(repeat)}), {size / 1024:.0f} KB")


def pages_during_build(client, rounds: int) -> None:
    """Pages asked for while a forced build of every document runs: each answer's time, by page."""
    import threading

    answers: dict[str, list[float]] = {p: [] for p in DURING}
    during = 0
    for _ in range(rounds):
        build = threading.Thread(target=lambda: client.post("/api/build?force=1"), daemon=True)
        build.start()
        for _ in range(2000):
            progress = client.get("/api/build/progress").json()
            if progress["running"] and progress["done"] > 0:
                break
            time.sleep(0.01)
        while build.is_alive():
            for path in DURING:
                took, answer = timed(lambda: client.get(path))
                if build.is_alive():
                    answers[path].append(took)
                    during += 1
                assert answer.status_code == 200, path
        build.join()
    every = [t for ts in answers.values() for t in ts]
    print(f"trang trả lời trong lúc sinh lại mọi văn bản ({rounds} lần sinh, {during} trang): trung vị "
          f"{statistics.median(every) * 1000:.0f} ms, 95% dưới {sorted(every)[int(len(every) * 0.95)] * 1000:.0f} ms, "
          f"lớn nhất {max(every) * 1000:.0f} ms")
    for path, ts in answers.items():
        if ts:
            print(f"  {path}: trung vị {statistics.median(ts) * 1000:.0f} ms, lớn nhất {max(ts) * 1000:.0f} ms "
                  f"({len(ts)} lần)")


if __name__ == "__main__":
    main()
