"""An install from the wheel works: the package carries the example campaign and the
templates, so ``vanban new`` and ``vanban build`` run without the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import REPO, texts


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dist), str(REPO)], check=True, capture_output=True, timeout=300)
    (built,) = dist.glob("vanban-*.whl")
    return built


def test_the_wheel_carries_the_example_and_the_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("generator/bundled/data/chien-dich.yaml", "generator/bundled/data/don-vi.csv",
                   "generator/bundled/templates/don-vi.docx", "generator/bundled/templates/ke-hoach.docx",
                   "generator/profiles/dang-hd36.yaml"):
        assert needed in names, needed
    assert not [n for n in names if "/bao-cao/" in n or n.rsplit("/", 1)[-1].startswith(".")]


def test_new_and_build_from_the_installed_wheel(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    "--target", str(site), str(wheel)], check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}
    work = tmp_path / "work"
    work.mkdir()

    def vanban(*args, cwd=work):
        return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=300)

    where = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(site))              # the installed copy, not the repository
    made = vanban("new", "x")
    assert made.returncode == 0, made.stderr
    built = vanban("build", cwd=work / "x")
    assert built.returncode == 0, built.stderr
    plan = texts(docx.Document(work / "x" / "out" / "ke-hoach.docx"))   # the example, as made
    assert "KẾ HOẠCH" in plan and "T/M BAN THƯỜNG VỤ" in plan
    assert len(list((work / "x" / "out" / "don-vi").glob("*.docx"))) == 49
