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
                   "generator/formats/profiles/dang-hd36.yaml"):
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


def test_the_workspace_starts_from_the_installed_wheel_and_stops_on_ctrl_c(wheel, tmp_path):
    import re
    import signal
    import time
    import urllib.request

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    "--target", str(site), str(wheel)], check=True, capture_output=True, timeout=300)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"generator/web/templates/base.html", "generator/web/static/vanban.css",
            "generator/web/static/vanban.js"} <= names
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONUNBUFFERED": "1"}
    work = tmp_path / "work"
    work.mkdir()
    subprocess.run([sys.executable, "-m", "generator", "new", "x"], cwd=work, env=env, check=True,
                   capture_output=True, timeout=120)
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--no-browser", "--port", "0"],
                              cwd=work / "x", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        line = server.stdout.readline()
        address = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line).group(0)
        root, token = address.split("?token=")
        page = ""
        for _ in range(100):
            try:  # a script's way: the token as a header (a browser keeps it as a cookie)
                asked = urllib.request.Request(root, headers={"X-Vanban-Token": token})
                page = urllib.request.urlopen(asked, timeout=5).read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        assert "Tổng quan" in page and "Đảng ủy Khối" in page
        bare = root + "api/status"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(bare, timeout=5)
        assert refused.value.code == 401
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert "Đã dừng vanban serve" in out
