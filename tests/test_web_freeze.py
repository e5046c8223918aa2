"""The workspace never freezes: `vanban serve` as a person runs it (its own process, uvicorn
with its signal handlers), builds that use every core, pages asked for while a build runs,
Ctrl+C in the middle of a build.

Each request has a watchdog (a timeout far above what it takes): a hang fails the test
instead of stalling the suite. No assertion is on time itself; what is asserted is order
(a page answered while the build it was asked during is still running) and outcome.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import DATA, REPO
from generator.app import main as pipeline

WATCHDOG = 120   # seconds: far above any build here; reached only by a hang


def campaign_of(target: Path, units: int) -> Path:
    """The example campaign with ``units`` units (rows repeated under new ids)."""
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    rows = list(csv.DictReader(open(DATA / "don-vi.csv", encoding="utf-8")))
    with open(target / "don-vi.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for i in range(units):
            row = dict(rows[i % len(rows)])
            row["id"] = f"{row['id']}-{i:04d}"
            row["name"] = f"{row['name']} số {i + 1}"
            writer.writerow(row)
    return target


class Served:
    """``vanban serve`` in a process of its own, spoken to as a script speaks to it."""

    def __init__(self, data: Path, out: Path):
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--no-browser", "--port", "0",
             "--data", str(data), "--out", str(out)],
            cwd=data.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=(\S+)", line)
        assert found, line + self.process.stderr.read()
        self.root, self.token = found.group(1), found.group(2)
        for _ in range(WATCHDOG * 10):   # the address is printed just before it listens
            try:
                self.ask("/api/build/progress")
                break
            except urllib.error.URLError:
                time.sleep(0.1)

    def ask(self, path: str, method: str = "GET") -> tuple[int, bytes]:
        request = urllib.request.Request(self.root + path, method=method, data=b"" if method == "POST" else None,
                                         headers={"X-Vanban-Token": self.token})
        try:
            with urllib.request.urlopen(request, timeout=WATCHDOG) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def json(self, path: str, method: str = "GET") -> dict:
        return json.loads(self.ask(path, method)[1])

    def stop(self) -> tuple[int, float]:
        """Ctrl+C, as a person presses it; the exit code and the seconds it took."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=WATCHDOG)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError("vanban serve không dừng khi nhấn Ctrl+C")
        return self.process.returncode, time.monotonic() - started


def building(served: Served, force: bool = True) -> threading.Thread:
    """A build asked for through the API, running in the background."""
    done: dict = {}

    def run():
        done["answer"] = served.ask("/api/build" + ("?force=1" if force else ""), "POST")

    thread = threading.Thread(target=run, daemon=True)
    thread.done = done
    thread.start()
    return thread


def until_running(served: Served) -> dict:
    for _ in range(WATCHDOG * 20):
        progress = served.json("/api/build/progress")
        if progress["running"] and progress["done"] > 0:
            return progress
        time.sleep(0.05)
    raise AssertionError("bản dựng không bắt đầu")


def test_thirty_forced_parallel_builds_never_hang_and_pages_answer_meanwhile(tmp_path):
    data = campaign_of(tmp_path / "data", 200)        # 400+ documents: both cores render
    served = Served(data, tmp_path / "out")
    try:
        assert served.ask("/api/build", "POST")[0] == 200
        answered_during = 0
        for _ in range(30):
            build = building(served)
            until_running(served)
            for page in ("/don-vi", "/van-ban", "/"):
                status, body = served.ask(page)
                assert status == 200 and "Đang sinh văn bản" in body.decode()
                answered_during += build.is_alive()
            build.join(WATCHDOG)
            assert not build.is_alive(), "bản dựng bị treo"
            assert build.done["answer"][0] == 200, build.done["answer"]
            for page in ("/don-vi", "/van-ban"):
                assert served.ask(page)[0] == 200
        print(f"trang trả lời trong lúc đang sinh: {answered_during}/90")
        assert answered_during >= 60   # pages do not wait for the build
    finally:
        code, took = served.stop()
    print(f"Ctrl+C: dừng sau {took:.2f} s")
    assert code == 0


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".vanban" not in p.relative_to(out).parts}


def _built_then_moved(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A 300-unit campaign built, then a deadline moved: the outputs as they were."""
    data = campaign_of(tmp_path / "data", 300)
    out = tmp_path / "out"
    pipeline.build(data, out)
    before = _outputs(out)
    path = data / "chien-dich.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("report_deadline: 05/5/2021",
                                                             "report_deadline: 12/5/2021", 1),
                    encoding="utf-8")
    return data, out, before


def test_ctrl_c_during_a_build_stops_the_server_and_leaves_out_before_or_after(tmp_path):
    data, out, before = _built_then_moved(tmp_path)
    after_dir = tmp_path / "after"
    pipeline.build(data, after_dir)
    after = _outputs(after_dir)
    assert after != before
    served = Served(data, out)
    build = building(served, force=False)
    until_running(served)
    code, took = served.stop()
    print(f"Ctrl+C giữa lúc sinh: dừng sau {took:.2f} s")
    assert code == 0 and "Đã dừng vanban serve" in served.process.stdout.read()
    pending = (out / ".vanban" / "nhat-ky.json").is_file()
    now = _outputs(out)
    assert now == before or now == after or pending
    if pending:                                   # decided: the next run finishes it
        pipeline.build(data, out)
        assert _outputs(out) == after
    assert not list((out / ".vanban").glob("tam/*")) or pending


def test_a_build_stopped_from_the_page_writes_nothing(tmp_path):
    data, out, before = _built_then_moved(tmp_path)
    served = Served(data, out)
    try:
        build = building(served, force=False)
        until_running(served)
        assert served.json("/api/build/cancel", "POST") == {"cancelled": True}
        build.join(WATCHDOG)
        status, body = build.done["answer"]
        assert status == 409 and "Đã dừng việc sinh văn bản" in json.loads(body)["error"]
        assert _outputs(out) == before
        assert not list((out / ".vanban" / "tam").glob("*")) if (out / ".vanban" / "tam").exists() else True
        assert served.ask("/api/build", "POST")[0] == 200   # and the next build goes through
        assert _outputs(out) != before
    finally:
        served.stop()
