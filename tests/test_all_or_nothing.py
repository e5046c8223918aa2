"""Builds and collects apply all or nothing: a template that fails for one unit leaves the
out folder as it was, in one process and in several; a run killed at any moment leaves the
folder before or after, and the next run finishes or sweeps away what it left."""

from __future__ import annotations

import gc
import os
import pickle
import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, edited_template, run_cli
from generator.app import main as pipeline
from generator.base import workers
from generator.base import transaction
from generator.config import record_memo
from generator.base.exceptions import DataError, Problem, RenderFailure, TemplateError

import fill_returns  # tools/, put on the path by conftest

TRIALS = 10


def snapshot(folder: Path, skip_lock: bool = True) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (the lock file aside: it only exists)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not (skip_lock and p.name == transaction.LOCK)}


def test_errors_cross_process_boundaries():
    for error in (TemplateError("mau.docx", "phần word/document.xml dùng giá trị không có"),
                  DataError([Problem("ke-hoach.yaml", 3, "date", "ngày không có thật")]),
                  RenderFailure("don-vi/x.docx: KeyError: 'a'")):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error)
    assert pickle.loads(pickle.dumps(DataError([Problem("a", 1, "b", "c")]))).problems[0].file == "a"


@pytest.mark.parametrize("processes", ["one", "several"])
def test_a_template_failing_for_one_unit_changes_nothing(tmp_path, capsys, monkeypatch, processes):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    out = tmp_path / "out"
    pipeline.build(data, out)
    before = snapshot(out)
    # the unit skeleton's template, edited so that it cannot be filled for one unit only
    edited_template(data / "templates" / "don-vi.docx",
                    {"{{ doc_type }}": "{{ doc_type if 'DÂN TỘC' not in header.issuer else "
                                       "doc_type.khong_co }}"}, name="don-vi.docx")
    if processes == "one":
        monkeypatch.setattr(workers, "PARALLEL_FROM", 10_000)
    else:
        monkeypatch.setattr(pipeline, "workers_for", lambda n: 2)
    code, stdout, err = run_cli(["build", "--data", data, "--out", out], capsys)
    assert code == 3, err
    assert "Mẫu" in err and "don-vi.docx" in err and "giá trị không có" in err
    assert "Traceback" not in err
    assert snapshot(out) == before                     # byte for byte, the manifest too
    assert not (out / transaction.STATE / transaction.STAGING).exists()


def test_the_same_build_in_one_and_in_several_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "workers_for", lambda n: 3)
    pipeline.build(REPO / "data", tmp_path / "several")
    assert gc.get_freeze_count() == 0   # frozen for the fork only: this process collects as ever
    monkeypatch.setattr(pipeline, "workers_for", lambda n: 1)
    pipeline.build(REPO / "data", tmp_path / "one")
    several, one = snapshot(tmp_path / "several"), snapshot(tmp_path / "one")
    several.pop(".vanban/manifest.json"), one.pop(".vanban/manifest.json")  # file times differ
    assert several == one


def test_every_core_is_used_for_a_large_batch(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert pipeline.workers_for(1000) == 4
    assert pipeline.workers_for(10) == 1


# --- killed runs ----------------------------------------------------------------------------

SLOW_RUN = """
import os, sys, time, pathlib
mark = pathlib.Path(sys.argv[1])
original = os.replace
def slow(a, b):
    mark.touch()
    time.sleep(0.04)
    return original(a, b)
os.replace = slow
synced = os.fsync
def slow_sync(fd):  # staging a file ends with an fsync: the staging is slowed too
    time.sleep(0.02)
    return synced(fd)
os.fsync = slow_sync
from generator.cli import main
main(sys.argv[2:])
"""


def _timed(args: list[str], mark: Path) -> float:
    """How long ``vanban ARGS`` runs, renames slowed, uninterrupted."""
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", SLOW_RUN, str(mark), *map(str, args)], cwd=REPO,
                   capture_output=True, check=True)
    return time.monotonic() - start


def _killed(args: list[str], mark: Path, rng: random.Random, during_renames: bool,
            moment: float) -> str:
    """Run ``vanban ARGS`` with slow renames and kill it (SIGKILL): at ``moment`` seconds
    after its start, or at a random moment after its first rename. Return where it was."""
    mark.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_RUN, str(mark), *map(str, args)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if during_renames:
        deadline = time.monotonic() + 60
        while not mark.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.3))
    else:
        time.sleep(moment)
    finished = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return "finished" if finished else ("killed while renaming" if mark.exists() else "killed before")


def _spread(trial: int, duration: float, rng: random.Random) -> float:
    """Moments spread over the whole run: the odd trials each take a slice of it."""
    slices = TRIALS // 2
    return duration * ((trial // 2) % slices + rng.random()) / slices


def _without_times(files: dict[str, bytes]) -> dict[str, bytes]:
    """Records without the moment they were read (it differs from run to run), and without the
    memo a later load keeps of them (``record_memo``: what it read, by the files' times)."""
    return {name: b"\n".join(line for line in data.split(b"\n") if b"collected:" not in line)
            for name, data in files.items() if not name.endswith(record_memo.FILE)}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Twelve skeletons of the example filled as a user would."""
    root = tmp_path_factory.mktemp("batch")
    out = root / "out"
    pipeline.build(REPO / "data", out)
    rng = random.Random(3)
    (root / "returns").mkdir()
    for path in sorted((out / "don-vi").glob("*.docx"))[:12]:
        fill_returns.fill(path, root / "returns" / f"{path.stem}.docx", rng)
    return root / "returns"


def test_a_killed_collect_leaves_the_returns_before_or_after(tmp_path, batch):
    base = tmp_path / "base"
    shutil.copytree(REPO / "data", base)
    after_dir = tmp_path / "after"
    shutil.copytree(base, after_dir)
    assert subprocess.run([sys.executable, "-m", "generator", "collect", batch, "--data", after_dir],
                          cwd=REPO, capture_output=True).returncode == 0
    after = _without_times(snapshot(after_dir / "bao-cao"))
    assert len([n for n in after if n.endswith(".yaml")]) == 12
    rng = random.Random(11)
    probe = tmp_path / "probe"
    shutil.copytree(base, probe)
    duration = _timed(["collect", batch, "--data", probe], tmp_path / "mark")
    ends = []
    for trial in range(TRIALS):
        data = tmp_path / f"trial{trial}"
        shutil.copytree(base, data)
        where = _killed(["collect", batch, "--data", data], tmp_path / "mark", rng,
                        during_renames=trial % 2 == 0, moment=_spread(trial, duration, rng))
        # the next command that reads the returns finishes or undoes the killed one
        status = subprocess.run([sys.executable, "-m", "generator", "status", "--data", data],
                                cwd=REPO, capture_output=True, text=True)
        assert status.returncode == 0, status.stderr
        now = _without_times(snapshot(data / "bao-cao")) if (data / "bao-cao").exists() else {}
        state = "after" if now == after else ("before" if not any(n.endswith(".yaml") for n in now)
                                              else "HALF")
        ends.append((where, state))
        assert state != "HALF", (where, sorted(now))
        assert not [n for n in now if n.endswith(".tmp") or "/tam/" in n], sorted(now)
    print("\ncollect bị ngắt:", ends)
    assert any(w == "killed while renaming" for w, _ in ends)
    assert any(w == "killed before" for w, _ in ends)


def test_a_killed_build_leaves_the_outputs_before_or_after(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    base = tmp_path / "base"
    pipeline.build(data, base)
    before = snapshot(base)
    plan = (data / "ke-hoach.yaml").read_text(encoding="utf-8")
    (data / "ke-hoach.yaml").write_text(plan.replace("date: 23/02/2021", "date: 24/02/2021"),
                                        encoding="utf-8")
    reference = tmp_path / "reference"
    shutil.copytree(base, reference)
    pipeline.build(data, reference)
    after = snapshot(reference)
    after.pop(".vanban/manifest.json")  # it records file times, which differ between copies
    rng = random.Random(5)
    probe = tmp_path / "probe"
    shutil.copytree(base, probe)
    duration = _timed(["build", "--data", data, "--out", probe], tmp_path / "mark")
    ends = []
    for trial in range(TRIALS // 2 + 1):
        out = tmp_path / f"out{trial}"
        shutil.copytree(base, out)
        where = _killed(["build", "--data", data, "--out", out], tmp_path / "mark", rng,
                        during_renames=trial % 2 == 0, moment=_spread(trial, duration, rng))
        transaction.recover(out)
        now = snapshot(out)
        now.pop(".vanban/manifest.json", None)
        was = dict(before)
        was.pop(".vanban/manifest.json")
        state = "after" if now == after else ("before" if now == was else "HALF")
        ends.append((where, state))
        assert state != "HALF", where
        # and the next build starts from there: nothing stale is kept
        report = pipeline.build(data, out)
        assert snapshot(out).keys() == snapshot(reference).keys()
        assert {k: v for k, v in snapshot(out).items() if "manifest" not in k} == after, report
    print("\nbuild bị ngắt:", ends)


def test_a_killed_first_build_leaves_nothing_or_everything(tmp_path):
    """A first build stages each new folder whole and moves it into place by one rename
    (``transaction.stage_in_tree``): killed at any moment, the out folder has none of the
    documents or all of them, and the next build finishes from there."""
    data = REPO / "data"
    reference = tmp_path / "reference"
    pipeline.build(data, reference)

    def documents(folder: Path) -> dict[str, bytes]:
        if not folder.exists():
            return {}
        return {k: v for k, v in snapshot(folder).items()
                if k not in (".vanban/manifest.json", ".vanban/nhanh.json")}

    after = documents(reference)
    assert any(k.startswith("don-vi/") for k in after) and any(k.startswith(".vanban/goc/") for k in after)
    rng = random.Random(11)
    duration = _timed(["build", "--data", data, "--out", tmp_path / "probe"], tmp_path / "mark")
    ends = []
    for trial in range(TRIALS // 2 + 1):
        out = tmp_path / f"first{trial}"
        where = _killed(["build", "--data", data, "--out", out], tmp_path / "mark", rng,
                        during_renames=trial % 2 == 0, moment=_spread(trial, duration, rng))
        transaction.recover(out)
        now = documents(out)
        state = "after" if now == after else ("before" if not now else "HALF")
        ends.append((where, state))
        assert state != "HALF", (where, sorted(set(now) ^ set(after))[:5])
        assert not (out / transaction.STATE / transaction.STAGING).exists()
        pipeline.build(data, out)
        assert documents(out) == after
    print("\nlần sinh đầu bị ngắt:", ends)


def test_check_notices_what_a_killed_collect_left(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    staging = data / "bao-cao" / transaction.STATE / transaction.STAGING
    staging.mkdir(parents=True)
    (staging / "123-000001").write_bytes(b"unit: x\n")
    (data / "bao-cao" / ".chi-bo-x.yaml.abc123.tmp").write_bytes(b"half")
    code, out, err = run_cli(["check", "--data", data], capsys)
    assert code == 0
    assert "bao-cao/" in err and "2 tệp tạm của lần chạy bị ngắt" in err
    assert (staging / "123-000001").exists()        # check writes nothing
    code, out, err = run_cli(["status", "--data", data], capsys)
    assert "đã dọn 2 tệp tạm" in err
    assert not (staging / "123-000001").exists()
    assert not (data / "bao-cao" / ".chi-bo-x.yaml.abc123.tmp").exists()


def test_check_notices_an_interrupted_build_of_the_out_folder(tmp_path, capsys):
    """A build killed after it decided its change (the journal written, the renames not all
    done) leaves out/ to be finished by the next run; check says so, and changes nothing."""
    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(REPO / "data", data)
    pipeline.build(data, out)
    staging = out / transaction.STATE / transaction.STAGING
    staging.mkdir(parents=True)
    (staging / "van-ban-x").write_bytes(b"new plan")
    journal = out / transaction.STATE / transaction.JOURNAL
    journal.write_text(json.dumps({"moves": [[f"{transaction.STATE}/{transaction.STAGING}/van-ban-x",
                                              "ke-hoach.docx"]], "deletes": []}), encoding="utf-8")
    before = snapshot(out)
    code, said, err = run_cli(["check", "--data", data, "--out", out], capsys)
    assert code == 0, err
    line = next(l for l in err.splitlines() if l.startswith(f"{out}/"))
    assert "một lần ghi bị ngắt giữa chừng" in line and "cảnh báo" in line
    assert snapshot(out) == before                   # check writes nothing
    code, said, err = run_cli(["build", "--data", data, "--out", out], capsys)
    assert code == 0 and "đã ghi nốt lần ghi bị ngắt" in err + said


def test_every_system_error_is_said_in_vietnamese():
    """Whatever the system answers a file operation — known or not — the reason is words a
    person reads, never its English text nor a bare number."""
    import errno
    import re
    from generator.base.exceptions import os_reason
    for code in sorted(errno.errorcode):
        reason = os_reason(OSError(code, os.strerror(code)))
        assert os.strerror(code) not in reason and not reason.isascii(), (code, reason)
        assert not re.search(r"\b\d+\b", reason), (code, reason)     # a code name (E2BIG) is fine
    assert "cỡ" in os_reason(OSError(errno.EFBIG, "File too large"))


def test_a_build_past_the_file_size_limit_is_said_and_leaves_nothing_half(tmp_path):
    """Under a limit on file size (ulimit -f, prlimit --fsize) a write fails with EFBIG: the
    build stops with exit 4 and the reason in Vietnamese, without hanging, out/ not half made."""
    import resource
    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(REPO / "data", data)

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    done = subprocess.run([sys.executable, "-m", "generator", "build", "--data", data, "--out", out],
                          capture_output=True, text=True, timeout=120, preexec_fn=limited)
    assert done.returncode == 4, done.stderr
    assert "tệp vượt quá cỡ lớn nhất được phép ghi" in done.stderr
    said = done.stderr.replace(str(tmp_path), "")   # the folder's own name may hold any digits
    assert "Traceback" not in said and "[Errno 27]" not in said and "Errno" not in said
    assert not [p for p in out.rglob("*") if p.is_file() and ".vanban" not in p.parts]
