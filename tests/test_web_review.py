"""Xem xét in the workspace: the queue, a decision, a figure's sources, a return approved and
one sent back — over HTTP, and in a real browser (Debian's chromium through Playwright)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA
from generator.app import main as pipeline
from generator.intake.collect import collect
from generator.review import decisions, states
from generator.config.validate import load_campaign
from test_review_queue import PLANTED, fill_clean

sync_api = pytest.importorskip("playwright.sync_api")
from workspace_demo import CHROMIUM, browser, serving  # noqa: E402


def _campaign(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(data, out)
    units = [u.id for u in load_campaign(data).units][:14]
    sent = tmp_path / "gui"
    sent.mkdir()
    for i, unit in enumerate(units):
        fill_clean(out / "don-vi" / f"{unit}.docx", sent / f"{unit}.docx", PLANTED.get(i, (None, None))[0])
    collect(sorted(sent.iterdir()), data)
    pipeline.build(data, out)
    return data, out, units


def test_the_review_pages_over_http(tmp_path):
    from starlette.testclient import TestClient

    from generator.web.app import create_app
    from generator.web import security
    from generator.app.workspace import Workspace

    data, out, units = _campaign(tmp_path)
    client = TestClient(create_app(Workspace(data, out), "tok"), base_url="http://127.0.0.1:8765",
                        headers={"X-Vanban-Token": "tok"}, follow_redirects=False)
    page = client.get("/xem-xet?muc=cao&con-mo=1").text
    assert "Báo cáo tổng hợp đang là bản DỰ THẢO" in page
    key = re.search(r'name="ma" value="([0-9a-f]{16})"', page).group(1)
    # a decision without its reason is refused in Vietnamese, nothing written
    answer = client.post("/xem-xet/quyet-dinh", data={"csrf": security.csrf_for("tok"), "ma": key,
                                                      "quyet-dinh": decisions.EXPLAINED, "ghi-chu": ""})
    assert answer.status_code == 400 and "cần ghi rõ" in answer.text
    assert not decisions.load(data)
    answer = client.post("/xem-xet/quyet-dinh", data={"csrf": security.csrf_for("tok"), "ma": key,
                                                      "quyet-dinh": decisions.ACCEPTED, "ghi-chu": "đã gọi điện"})
    assert answer.status_code == 303 and "/xem-xet" in answer.headers["location"]
    assert "Đã ghi quyết định «chấp nhận»" in client.get(answer.headers["location"]).text
    assert [d.decision for d in decisions.load(data).values()] == [decisions.ACCEPTED]
    # a figure's sources: each unit that made it, its file and hash
    sources = client.get("/xem-xet/nguon?o=pl1.r1.so-luong").text
    assert "Phụ lục 1, dòng «Tổng số đảng viên của đơn vị»" in sources
    assert sources.count("/don-vi/") >= 12 and "SHA-256" in sources
    assert client.get("/xem-xet/nguon?o=pl9.x.y").status_code == 404


@pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("VANBAN_REQUIRE_BROWSER"),
                    reason="chưa cài chromium (gói Debian «chromium»)")
def test_a_reviewer_decides_traces_approves_and_sends_back_in_the_browser(tmp_path):
    data, out, units = _campaign(tmp_path)
    names = {u.id: u.name for u in load_campaign(data).units}
    with serving(data, out) as (base, token, ws), sync_api.sync_playwright() as pw:
        chromium = browser(pw)
        page = chromium.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{base}/?token={token}")
        page.click("nav >> text=Xem xét")
        assert "DỰ THẢO" in page.inner_text("#tom-tat")
        # the queue filtered to «cao»; the first finding explained
        page.select_option("select[name=muc]", "cao")
        page.click("button:has-text('Xem')")
        first = page.locator("table.queue tbody tr").first
        unit_name = first.locator("td").nth(1).locator("a").inner_text()
        first.locator("select[name=quyet-dinh]").select_option(decisions.EXPLAINED)
        first.locator("input[name=ghi-chu]").fill("Đơn vị giải trình bằng Công văn số 12")
        first.locator("button:has-text('Ghi quyết định')").click()
        page.wait_for_selector("text=Đã ghi quyết định «đã giải trình»")
        assert unit_name in page.inner_text("main")
        # a figure's sources
        page.click("text=Nguồn số liệu")
        page.click("a:has-text('Tổng số đảng viên của đơn vị')")
        assert "Cách tính: tổng của các đơn vị" in page.inner_text("#nguon")
        assert names[units[13]] in page.inner_text("#nguon")
        # one return approved, one sent back with its reason
        page.click("nav >> text=Xem xét")
        row = page.locator(f"#bao-cao-{units[13]}")
        row.locator("select[name=tinh-trang]").select_option(states.APPROVED)
        row.locator("button:has-text('Đổi')").click()
        page.wait_for_selector(f"text={names[units[13]]}: đã duyệt.")
        row = page.locator(f"#bao-cao-{units[0]}")
        row.locator("select[name=tinh-trang]").select_option(states.RETURNED)
        row.locator("input[name=ly-do]").fill("Phụ lục 1: số được học tập lớn hơn tổng số đảng viên")
        row.locator("button:has-text('Đổi')").click()
        page.wait_for_selector(f"text={names[units[0]]}: trả lại.")
        assert "trả lại" in page.locator(f"#bao-cao-{units[0]}").inner_text()
        page.screenshot(path=str(tmp_path / "xem-xet.png"))
        chromium.close()
    saved = states.load(data)
    assert saved[units[13]].state == states.APPROVED and saved[units[0]].state == states.RETURNED
    assert saved[units[0]].reason.startswith("Phụ lục 1")
    log = decisions.read_log(data)
    assert [e["viec"] for e in log] == ["quyết định", "đổi tình trạng", "đổi tình trạng"]
