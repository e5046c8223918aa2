"""A no-op build answered from its stamp (``generator/app/quick.py``): it says exactly what the
whole build says, never loads the engine, and gives way to the whole build at any change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import DATA, REPO, STATE

RUN = ("import sys; from generator.__main__ import run\n"
       "try:\n    run()\nfinally:\n"
       "    print('ENGINE' if 'generator.app.main' in sys.modules else 'QUICK', file=sys.stderr)\n")


def vanban(*args, env=None) -> tuple[str, str, bool]:
    """The ``vanban`` command in a new process: its output, its errors, and whether it
    loaded the engine (the whole build) or not (the stamp)."""
    done = subprocess.run([sys.executable, "-c", RUN, *map(str, args)], cwd=REPO, text=True,
                          capture_output=True, env={**os.environ, **(env or {})}, timeout=300)
    assert done.returncode == 0, done.stderr
    err = done.stderr.splitlines()
    return done.stdout, "\n".join(err[:-1]), err[-1] == "ENGINE"


@pytest.fixture(params=["party", "state"])
def campaign(request, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA if request.param == "party" else STATE, data,
                    ignore=shutil.ignore_patterns("bao-cao"))
    out = tmp_path / "out"
    first = vanban("build", "--data", data, "--out", out)
    assert first[2] and "tệp đã ghi" in first[0]
    return data, out


def test_a_no_op_says_what_the_whole_build_says_without_loading_the_engine(campaign):
    data, out = campaign
    slow = vanban("build", "--data", data, "--out", out, env={"VANBAN_NO_QUICK": "1"})
    fast = vanban("build", "--data", data, "--out", out)
    assert slow[2] and not fast[2]
    assert fast[:2] == slow[:2]
    assert fast[0].startswith("Xong: 0 tệp đã ghi, ") and "tệp không đổi" in fast[0]
    again = vanban("build", "--data", data, "--out", out)
    assert again == fast


def _later(path):
    """``path`` rewritten with the same bytes a moment later (a save that changed nothing
    still counts: the stamp does not read contents)."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


@pytest.mark.parametrize("change", ["data", "output-edited", "output-deleted", "word-open",
                                    "template", "option", "epoch"])
def test_any_change_goes_the_whole_way(campaign, change):
    data, out = campaign
    assert not vanban("build", "--data", data, "--out", out)[2]   # the stamp holds
    args, env = ["build", "--data", data, "--out", out], None
    if change == "data":
        plan = data / "ke-hoach.yaml"
        plan.write_text(plan.read_text(encoding="utf-8") + "\n# ghi chú\n", encoding="utf-8")
    elif change == "output-edited":
        _later(out / "ke-hoach.docx")
    elif change == "output-deleted":
        (out / "phu-luc.docx").unlink()
    elif change == "word-open":
        (out / "~$-hoach.docx").write_bytes(b"\0" * 162)
    elif change == "template":
        own = data / "templates"
        own.mkdir()
        shutil.copy(REPO / "templates" / "ke-hoach.docx", own / "ke-hoach.docx")
    elif change == "option":
        args.append("--force")
    else:
        env = {"SOURCE_DATE_EPOCH": str(int(time.time()))}
    stdout, _, engine = vanban(*args, env=env)
    assert engine, change
    if change == "output-deleted":
        assert "tệp đã ghi" in stdout and (out / "phu-luc.docx").is_file()


def test_a_build_that_found_something_to_say_leaves_no_stamp(campaign):
    """A build that kept a person's edited copy prints lines a stamp would not know: the
    next build goes the whole way and says them again."""
    data, out = campaign
    import docx

    document = docx.Document(out / "ke-hoach.docx")
    document.add_paragraph("Đoạn do văn phòng viết thêm.")
    document.save(out / "ke-hoach.docx")
    first = vanban("build", "--data", data, "--out", out)
    second = vanban("build", "--data", data, "--out", out)
    assert first[2] and second[2]
    assert "đã sửa trong Word" in second[0]


def test_the_command_ends_without_teardown_and_loses_no_output(tmp_path):
    """``vanban`` ends without Python's teardown (``__main__.leave``): its buffered output is
    all written, and its exit codes are those of the command."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}   # output buffered
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao"))
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--data", data, "--out", out],
                          cwd=REPO, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    made = len([p for p in out.rglob("*") if p.is_file() and ".vanban" not in p.parts])
    assert done.stdout.splitlines()[-1].startswith(f"Xong: {made} tệp đã ghi, ")
    collected = subprocess.run([sys.executable, "-m", "generator", "collect", out / "don-vi",
                                "--data", data], cwd=REPO, capture_output=True, text=True, env=env,
                               timeout=300)          # every skeleton, unfilled: refused one by one
    refused = [line for line in collected.stderr.splitlines() if ": không nhận: " in line]
    assert collected.returncode == 1
    assert len(refused) == len(list((out / "don-vi").iterdir())) > 50
    assert collected.stdout.splitlines()[-1].endswith(f"{len(refused)} không nhận.")
    wrong = subprocess.run([sys.executable, "-m", "generator", "khong-co"], cwd=REPO,
                           capture_output=True, text=True, env=env, timeout=60)
    assert wrong.returncode == 2 and "Không có lệnh 'khong-co'" in wrong.stderr
    missing = subprocess.run([sys.executable, "-m", "generator", "collect", tmp_path / "khong",
                              "--data", data], cwd=REPO, capture_output=True, text=True, env=env,
                             timeout=60)
    assert missing.returncode != 0 and "Không có:" in missing.stderr


def test_a_collect_loads_neither_pydantics_plugin_lookup_nor_babel():
    """What every command paid for at its start and never used is not loaded: pydantic's
    plugin lookup (``importlib.metadata``, every installed package's entry points) and
    babel's locale data (vanban writes figures itself). The campaign is still validated by
    its models: a wrong value is still refused, and figures are still written."""
    code = ("import sys\nfrom generator.config.validate import load_campaign\n"
            "from generator.intake import collect\nfrom generator.formats import vnrules\n"
            "from pydantic import BaseModel, ValidationError\n"
            f"data = load_campaign(__import__('pathlib').Path({str(DATA)!r}))\n"
            "class M(BaseModel):\n    n: int\n"
            "try:\n    M(n='hai')\nexcept ValidationError:\n    print('refused')\n"
            "print(len(data.units) > 0, vnrules.figure(1234567.25, 1))\n"
            "print(sorted(m for m in ('importlib.metadata', 'babel', 'email') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["refused", "True 1.234.567,3", "[]"]
