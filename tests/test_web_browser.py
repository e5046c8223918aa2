"""The workspace in a real browser: Debian's chromium driven by Playwright (launched with
``executable_path``; Playwright downloads nothing). Opens the dashboard, takes in three returned
files through the file picker and sees the status change, changes a deadline and sees the plan
rebuilt with it, downloads a skeleton and opens it with python-docx.

CI sets VANBAN_REQUIRE_BROWSER=1: there a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import docx
import pytest

from conftest import DATA
from generator.app import main as pipeline

sync_api = pytest.importorskip("playwright.sync_api")
from workspace_demo import CHROMIUM, browser, filled_returns, serving  # noqa: E402

if not Path(CHROMIUM).exists():
    if os.environ.get("VANBAN_REQUIRE_BROWSER"):
        raise RuntimeError(f"VANBAN_REQUIRE_BROWSER=1 mà không có {CHROMIUM} (gói chromium của Debian)")
    pytest.skip("chưa cài chromium (gói Debian «chromium»)", allow_module_level=True)


@pytest.fixture
def workspace(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(data, out)
    with serving(data, out) as (base, token, ws), sync_api.sync_playwright() as pw:
        chromium = browser(pw)
        page = chromium.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        page.goto(f"{base}/?token={token}")
        yield page, base, ws, tmp_path
        chromium.close()


def paragraphs(path: Path) -> str:
    document = docx.Document(path)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_returns_taken_in_the_browser_change_the_status(workspace):
    page, base, ws, tmp = workspace
    assert page.url == f"{base}/"                      # the token left the address bar
    assert page.inner_text("#tong-so") == "0/49 đơn vị đã gửi báo cáo"
    units = [u.id for u in ws.loaded().data.units][:3]
    files = filled_returns(ws.out_dir, tmp / "tra-ve", units)
    page.click("nav >> text=Nhận báo cáo")
    page.set_input_files("#tep-gui", [str(p) for p in files])
    assert "Đã chọn 3 tệp" in page.inner_text(".chosen")
    page.fill("input[name=received]", "03/5/2021")
    page.click("button:has-text('Nhận các tệp')")
    page.wait_for_selector("table.results")
    results = page.locator("table.results tbody tr")
    assert results.count() == 3
    assert all("đã nhận" in results.nth(i).inner_text() for i in range(3))
    page.click("nav >> text=Tổng quan")
    assert page.inner_text("#tong-so") == "3/49 đơn vị đã gửi báo cáo"
    page.click("nav >> text=Đơn vị")
    row = page.locator(f"tr:has(a[href='/don-vi/{units[0]}'])")
    assert "đã gửi" in row.inner_text() and "03/5/2021" in row.inner_text()


def test_a_deadline_changed_in_the_browser_reaches_the_rebuilt_plan(workspace):
    page, base, ws, tmp = workspace
    page.click("nav >> text=Dữ liệu")
    field = page.locator("#i-o-levels-1-report-deadline")
    assert field.input_value() == "05/5/2021"
    field.fill("14/5/2021")
    page.click("button:has-text('Lưu «Chiến dịch»')")
    page.wait_for_selector("#da-xong:has-text('Đã lưu «Chiến dịch»')")
    assert page.locator("#i-o-levels-1-report-deadline").input_value() == "14/5/2021"
    page.click("nav >> text=Tổng quan")
    page.click("button:has-text('Sinh văn bản')")
    page.wait_for_selector("#ket-qua-sinh")
    assert re.match(r"Xong: \d+ tệp đã ghi", page.inner_text("#ket-qua-sinh"))
    page.click("nav >> text=Văn bản")
    assert page.locator(".state", has_text="cần sinh lại").count() == 0
    assert page.locator("text=Mọi văn bản đã theo đúng dữ liệu").count() == 1
    with page.expect_download() as got:
        page.click("a[href='/van-ban/tai/ke-hoach.docx']")
    target = tmp / "ke-hoach.docx"
    got.value.save_as(target)
    text = paragraphs(target)
    assert "14/5/2021" in text and "05/5/2021" not in text


def test_a_skeleton_downloaded_in_the_browser_opens_in_python_docx(workspace):
    page, base, ws, tmp = workspace
    unit = ws.loaded().data.units[1]
    page.click("nav >> text=Đơn vị")
    with page.expect_download() as got:
        page.click(f"a[href='/van-ban/tai/don-vi/{unit.id}.docx']")
    target = tmp / "mau.docx"
    got.value.save_as(target)
    assert got.value.suggested_filename == f"{unit.id}.docx"
    committee = ws.loaded().data.members[unit.id].committee      # «Đảng ủy Sở Tài chính»
    text = " ".join(paragraphs(target).split())                 # the header's lines joined
    assert committee.upper() in text.upper()


def test_the_pages_are_usable_with_the_keyboard(workspace):
    page, base, ws, tmp = workspace
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Bỏ qua thanh chọn trang"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the first control of the page: «Sinh văn bản»
    page.wait_for_selector("#ket-qua-sinh")
    assert "Xong:" in page.inner_text("#ket-qua-sinh")


def test_a_plan_finished_in_word_keeps_its_words_when_rebuilt_from_the_browser(workspace):
    """The scenario of a clerk: the plan is corrected in Word, the deadline moves in the page,
    «Sinh văn bản»: the page says the file was edited and merged; the downloaded plan holds
    the person's paragraph and the new date as a revision of «vanban»."""
    import zipfile

    from generator.merge import accepted_paragraphs

    page, base, ws, tmp = workspace
    plan = ws.out_dir / "ke-hoach.docx"
    document = docx.Document(plan)
    added = "Văn phòng Đảng ủy Khối theo dõi, đôn đốc, tổng hợp kết quả."
    document.paragraphs[12].insert_paragraph_before(added)
    document.save(plan)
    page.click("nav >> text=Văn bản")
    row = page.locator("tr[data-output='ke-hoach.docx']")
    assert "đã sửa trong Word" in row.inner_text()
    page.click("nav >> text=Dữ liệu")
    page.locator("#i-o-levels-1-report-deadline").fill("14/5/2021")
    page.click("button:has-text('Lưu «Chiến dịch»')")
    page.wait_for_selector("#da-xong:has-text('Đã lưu «Chiến dịch»')")
    page.click("nav >> text=Tổng quan")
    page.click("button:has-text('Sinh văn bản')")
    page.wait_for_selector("#ket-qua-sinh")
    assert "1 tệp đã sửa được gộp bản mới" in page.inner_text("#ket-qua-sinh")
    said = page.inner_text("#da-sua-trong-word")
    assert "Đã gộp bản mới vào «Kế hoạch»" in said and "Chấp nhận/Từ chối" in said
    page.screenshot(path=str(tmp / "tong-quan-da-sua.png"))
    page.click("nav >> text=Văn bản")
    assert "đã sửa trong Word" in page.locator("tr[data-output='ke-hoach.docx']").inner_text()
    with page.expect_download() as got:
        page.click("a[href='/van-ban/tai/ke-hoach.docx']")
    target = tmp / "tai-ve.docx"
    got.value.save_as(target)
    with zipfile.ZipFile(target) as z:
        xml = z.read("word/document.xml")
    words = accepted_paragraphs(xml)
    assert added in words and any("14/5/2021" in p for p in words)
    assert b'w:author="vanban"' in xml and b"<w:delText" in xml
