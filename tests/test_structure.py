"""One place per decision: what "late" means, a unit's committee, where a figure stands, and
which layer may import which — checked on the running code and on its imports."""

from __future__ import annotations

import ast
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import docx

from conftest import REPO, run_cli, texts
from generator.app import main as pipeline

import fill_returns  # tools/, put on the path by conftest

PACKAGE = REPO / "generator"


def lint(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` (import-linter) with the contracts of ``setup.cfg`` on the package in
    ``root`` — the same command CI runs through this test."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command;"
                           " lint_imports_command()", str(REPO / "setup.cfg"), "--no-cache"], cwd=root, env=env, capture_output=True, text=True)


def test_the_layers_import_downwards_only():
    """The architecture contract holds: each stage imports only the stages below it
    (``setup.cfg``, ``[importlinter]``), and the documents' contexts never load data."""
    done = lint(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_the_contract_fails_on_an_import_that_runs_up(tmp_path):
    """A deliberately wrong import — the atomic writer of the base layer importing the build
    pipeline of the application — breaks the contract, and the report names it."""
    shutil.copytree(PACKAGE, tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    writer = tmp_path / "generator" / "base" / "writer.py"
    writer.write_text(writer.read_text(encoding="utf-8") + "\nfrom ..app import main  # sai tầng\n",
                      encoding="utf-8")
    done = lint(tmp_path)
    assert done.returncode == 1
    assert "1 kept, 1 broken" in done.stdout
    assert "generator.base.writer -> generator.app.main" in done.stdout


def test_a_deadline_is_compared_in_one_place():
    """Whether a return is late is decided by ``campaign.is_late`` alone: no other module
    compares a date with a report deadline."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("campaign.py", "validate.py"):  # validate checks deadlines' order
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                text = ast.unparse(node)
                if "deadline" in text:
                    offenders.append(f"{path.name}: {text}")
    assert offenders == []


def test_on_the_deadline_is_on_time_and_the_day_after_is_late_everywhere(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    out = tmp_path / "out"
    pipeline.build(data, out)
    rng = random.Random(8)
    on_time = fill_returns.fill(out / "don-vi" / "chi-bo-ban-dan-toc.docx", tmp_path / "a.docx", rng)
    late = fill_returns.fill(out / "don-vi" / "chi-bo-tinh-doan.docx", tmp_path / "b.docx", rng)
    assert on_time and late
    run_cli(["collect", tmp_path / "a.docx", "--data", data, "--received", "05/5/2021"], capsys)
    run_cli(["collect", tmp_path / "b.docx", "--data", data, "--received", "06/5/2021"], capsys)
    code, said, _ = run_cli(["status", "--data", data, "--today", "06/5/2021"], capsys)
    rows = {line.split("  ")[1].strip(): line for line in said.splitlines()
            if "Chi bộ Ban Dân tộc" in line or "Chi bộ Tỉnh đoàn" in line}
    assert "đã gửi" in rows["Chi bộ Ban Dân tộc"] and "muộn" not in rows["Chi bộ Ban Dân tộc"]
    assert "gửi muộn" in rows["Chi bộ Tỉnh đoàn"]
    pipeline.build(data, out)
    body = " ".join(texts(docx.Document(out / "bao-cao-tong-hop.docx")))
    assert "2/49 tổ chức cơ sở đảng gửi báo cáo (1 đơn vị gửi muộn" in body
