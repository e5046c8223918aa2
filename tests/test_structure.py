"""One place per decision: what "late" means, a unit's committee, where a figure stands, and
which layer may import which — checked on the running code and on its imports."""

from __future__ import annotations

import ast
import random
import shutil
from pathlib import Path

import docx

from conftest import REPO, run_cli, texts
from generator import main as pipeline

import fill_returns  # tools/, put on the path by conftest

PACKAGE = REPO / "generator"


def imports_of(path: Path) -> set[str]:
    """The package modules ``path`` imports (relative imports resolved), anywhere in it."""
    module = ".".join(path.relative_to(REPO).with_suffix("").parts)
    package = module.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.add(name)
            out.update(f"{name}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {n for n in out if n.startswith("generator")}


def test_the_layers_import_downwards_only():
    """The loader and the campaign's facts do not know the documents; the documents do not
    load data; nothing of the engine imports the command line."""
    lower = ["validate", "loader", "campaign", "layout", "structure", "schema", "store", "figures"]
    for name in lower:
        found = imports_of(PACKAGE / f"{name}.py")
        assert not [m for m in found if m.startswith("generator.contexts")], (name, found)
    for path in (PACKAGE / "contexts").glob("*.py"):
        assert "generator.validate" not in imports_of(path), path.name
    for path in PACKAGE.rglob("*.py"):
        if path.name not in ("cli.py", "__main__.py"):
            assert "generator.cli" not in imports_of(path), path.name


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
