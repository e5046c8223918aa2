"""The workspace at its edges: the «Sẽ đọc là» preview under the prose limits, no redirect
to another site, the framework's own messages in Vietnamese."""

from __future__ import annotations

import re
import shutil
import time
import tracemalloc

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from generator.app import main as pipeline  # noqa: E402
from generator.web import security  # noqa: E402
from generator.web.app import create_app  # noqa: E402
from generator.app.workspace import Workspace  # noqa: E402

from conftest import DATA  # noqa: E402

TOKEN = "t0ken-for-tests"
BASE = "http://127.0.0.1:8765"
CSRF = security.csrf_for(TOKEN)


@pytest.fixture
def client(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(data, out)
    client = TestClient(create_app(Workspace(data, out), TOKEN), base_url=BASE, follow_redirects=False)
    client.cookies.set(f"{security.COOKIE}_8765", TOKEN)
    return client


PREVIEW_BOMBS = ["{{ [[[0]*1000]*1000]*1000 }}", "{{ [[[[0]*1000]*1000]*1000]*1000 }}",
                 "{{ '%.99999999f'|format(1.5) }}", "{{ 'a' * 10**9 }}",
                 "{% set a = 'x' * 20000 %}{% set b = a ~ a ~ a ~ a %}{{ b ~ b ~ b ~ b }}"]


@pytest.mark.parametrize("bomb", PREVIEW_BOMBS)
def test_the_preview_is_under_the_prose_limits(client, bomb):
    """What «Sẽ đọc là» shows for a paragraph being typed is rendered with the same limits as
    a build: a bomb is answered with the reason, small and quickly."""
    tracemalloc.start()
    started = time.perf_counter()
    answer = client.post("/du-lieu/xem-truoc", data={"csrf": CSRF, "text": f"Kiểm điểm {bomb}"})
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"\n{bomb[:40]}: {took:.2f} s, {peak:.0f} MB")
    assert answer.status_code == 422
    assert answer.text.startswith("(chưa đọc được: ") and re.search("quá (lớn|dài)|không dùng được", answer.text)
    assert len(answer.text) < 1000
    assert peak < 200


@pytest.mark.parametrize("path", ["//evil.example/x", "///evil.example/x", "/\\evil.example/x"])
def test_the_address_with_the_token_never_leads_to_another_site(client, path):
    answer = client.get(f"{BASE}{path}?token={TOKEN}")       # the path as the browser sent it
    assert answer.request.url.path.startswith(path[:2])
    if answer.status_code == 303:
        location = answer.headers["location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    else:
        assert answer.status_code == 400


def test_too_many_files_at_once_is_said_in_vietnamese(client):
    files = [("files", (f"bao-cao-{n}.docx", b"x", "application/octet-stream")) for n in range(500)]
    for target in ("/api/collect", "/nhan-bao-cao/gui"):
        answer = client.post(target, data={"csrf": CSRF}, files=files)
        assert answer.status_code == 400
        shown = answer.json()["error"] if target.startswith("/api/") else answer.text
        assert "Gửi quá nhiều tệp một lần (tối đa 300 tệp)" in shown
        assert "Too many" not in shown and "Maximum" not in shown


@pytest.mark.parametrize("status,detail", [(404, "Not Found"), (405, "Method Not Allowed"),
                                           (400, "Missing boundary in multipart."),
                                           (400, "Too many fields. Maximum number of fields is 5000."),
                                           (413, "Part exceeded maximum size of 1024KB."), (418, "I'm a teapot")])
def test_every_framework_message_is_said_in_vietnamese(status, detail):
    from generator.web.app import vietnamese
    said = vietnamese(status, detail)
    assert not said.isascii() and detail not in said


def test_a_broken_upload_is_said_in_vietnamese(client):
    answer = client.post("/api/collect", content=b"--x\r\nbroken", headers={
        "content-type": "multipart/form-data", "x-csrf-token": CSRF})
    assert answer.status_code == 400
    assert not answer.json()["error"].isascii()
