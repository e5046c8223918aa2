"""The web workspace over HTTP: every route, the token, the Host check, CSRF, paths that try
to leave the out folder, oversized and hostile uploads, the version check of a save — and that
what a page does is what the engine does (the documents and data files it leaves behind)."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from generator.app import editing, main as pipeline
from generator.config import store  # noqa: E402
from generator.web import app as web_app, security  # noqa: E402
from generator.web.app import create_app  # noqa: E402
from generator.app.workspace import Workspace  # noqa: E402

from conftest import DATA  # noqa: E402

TOKEN = "t0ken-for-tests"
BASE = "http://127.0.0.1:8765"
CSRF = security.csrf_for(TOKEN)


def text_of(html: str) -> str:
    """What a reader sees of a page: tags gone, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def site(tmp_path):
    """A campaign copied from the example, built, served to a client holding the token as
    the page's cookie (as a browser does after opening the printed address)."""
    data, out = tmp_path / "chien-dich" / "data", tmp_path / "chien-dich" / "out"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(data, out)
    ws = Workspace(data, out)
    client = TestClient(create_app(ws, TOKEN), base_url=BASE, follow_redirects=False)
    first = client.get(f"/?token={TOKEN}")
    assert first.status_code == 303 and first.headers["location"] == "/"
    assert "HttpOnly" in first.headers["set-cookie"] and "SameSite=Strict" in first.headers["set-cookie"]
    name = first.headers["set-cookie"].split("=", 1)[0]
    assert name == f"{security.COOKIE}_8765"   # one cookie per port: two campaigns side by side
    client.cookies.set(name, TOKEN)
    return client, ws


@pytest.fixture
def script(site):
    """The same server, spoken to as a script does: the token in a header, no cookie."""
    client, ws = site
    other = TestClient(client.app, base_url=BASE, headers={"X-Vanban-Token": TOKEN},
                       follow_redirects=False)
    return other, ws


def returns_for(ws: Workspace, tmp: Path, count: int, seed: int = 3) -> list[Path]:
    from workspace_demo import filled_returns

    units = [u.id for u in ws.loaded().data.units][:count]
    return filled_returns(ws.out_dir, tmp, units, seed)


def upload(paths: list[Path]) -> list:
    return [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]


# --- who may talk to it ---------------------------------------------------------------------

def test_without_the_token_nothing_answers(site):
    client, _ = site
    bare = TestClient(client.app, base_url=BASE, follow_redirects=False)
    for path in ["/", "/du-lieu", "/api/status", "/tep-tinh/vanban.css", "/api/files/ke-hoach.docx"]:
        answer = bare.get(path)
        assert answer.status_code == 401, path
        assert "mã truy cập" in answer.text.lower() or "Cần mã truy cập" in answer.text
        assert "Traceback" not in answer.text
    assert bare.get("/api/status", headers={"X-Vanban-Token": "sai"}).status_code == 403
    assert bare.get("/?token=sai").status_code == 403
    assert bare.get("/api/status", headers={"X-Vanban-Token": TOKEN}).status_code == 200
    assert bare.get(f"/api/status?token={TOKEN}").status_code == 200
    # the cookie of a workspace on another port opens nothing here
    assert bare.get("/", headers={"cookie": f"{security.COOKIE}_9999={TOKEN}"}).status_code == 401


def test_a_host_that_is_not_this_computer_is_refused(site):
    client, _ = site
    for host in ["evil.example", "127.0.0.1.evil.example", "192.168.1.5:8765", "localhost.evil:80"]:
        answer = client.get("/", headers={"host": host})
        assert answer.status_code == 403, host
        assert "127.0.0.1" in answer.text
    for host in ["127.0.0.1:8765", "localhost:8765", "[::1]:8765"]:
        assert client.get("/", headers={"host": host}).status_code == 200, host


def test_changes_need_the_pages_csrf_token(site):
    client, ws = site
    routes = [r for r in client.app.routes if "POST" in (getattr(r, "methods", None) or set())]
    assert len(routes) >= 12
    samples = {"unit": ws.loaded().data.units[0].id, "kept": "x-0.yaml", "change": "x", "made": "x",
               "held": "x"}
    for route in routes:
        path = route.path.format(**{k: samples[k] for k in route.param_convertors})
        answer = client.post(path, data={"tep": "chien-dich.yaml"})
        assert answer.status_code == 403, path
        assert "CSRF" in answer.text, path
    # the same change with the page's token goes through; so does a script's with the header
    assert client.post("/sinh-van-ban", data={"csrf": CSRF}).status_code == 303
    assert client.post("/api/build", headers={"X-CSRF-Token": CSRF}).status_code == 200
    assert client.post("/api/build", headers={"X-Vanban-Token": TOKEN}).status_code == 200
    # a change sent by another site's page is refused even with a valid cookie
    answer = client.post("/sinh-van-ban", data={"csrf": CSRF}, headers={"origin": "http://evil.example"})
    assert answer.status_code == 403


# --- every page opens and says what it should ---------------------------------------------------

def test_every_page_opens_in_vietnamese(site):
    client, ws = site
    unit = ws.loaded().data.units[0]
    pages = {"/": ["Tổng quan", "Hạn của từng cấp", "Tình trạng gửi báo cáo", "Sinh văn bản",
                   "Kế hoạch số 150-KH/ĐUK, ngày 23/02/2021", "Nghị quyết số 01-NQ/ĐUK"],
             "/du-lieu": ["Dữ liệu", "Lưu «Chiến dịch»", "Hạn gửi báo cáo và phụ lục về cơ quan ban hành",
                          "Cấp «Chi bộ cơ sở»", "Thêm cấp"],
             "/du-lieu?tep=ke-hoach.yaml": ["Lưu «Kế hoạch»", "Sẽ đọc là:", "Chèn giá trị"],
             "/du-lieu?tep=de-cuong.yaml": ["Lưu «Đề cương»", "Thêm phần", "Phần «Công tác lãnh đạo"],
             "/du-lieu?tep=phu-luc.yaml": ["Lưu «Phụ lục»", "Thêm dòng", "Thêm cột"],
             "/du-lieu?tep=bao-cao-tong-hop.yaml": ["Lưu «Báo cáo tổng hợp»", "Người ký"],
             "/don-vi": ["Đơn vị (49)", unit.name, "Thêm đơn vị", "Nhập danh sách từ Excel", "Tìm đơn vị",
                         "Tải bảng tình trạng (Excel)"],
             f"/don-vi/{unit.id}": [unit.name, "Sửa thông tin", "tải bản Word"],
             "/van-ban": ["Văn bản", "Kế hoạch", "Báo cáo mẫu — ", "đã cập nhật", "Tải một tệp .zip"],
             "/nhan-bao-cao": ["Nhận báo cáo", "Kéo các báo cáo", "Chọn tệp", "Lịch sử các bản đã thay",
                               "Tệp chưa rõ của đơn vị nào"],
             "/y-kien": ["Ý kiến đơn vị", "Tất cả các phần", "Mọi cấp", "Tổng hợp ý kiến (Word)"],
             "/bao-cao-tong-hop": ["Báo cáo tổng hợp", "Viết ở đây, hoặc trong Word", "Lưu báo cáo tổng hợp"],
             "/bat-dau": ["Chiến dịch đang mở", str(ws.folder), "Lập chiến dịch mới", "Chiến dịch gần đây"]}
    for path, expected in pages.items():
        answer = client.get(path)
        assert answer.status_code == 200, path
        seen = text_of(answer.text)
        for words in expected:
            assert words in seen, (path, words)
        # a clerk's words: no data file, no key of the data, no advice about the files' syntax (the
        # sentences in the boxes are the data itself: «{{ levels.cb.report_deadline }}» may be typed)
        said = text_of(re.sub(r"<textarea.*?</textarea>", " ", answer.text, flags=re.S))
        assert not re.search(r"\b[\w-]+\.(yaml|csv)\b", said), (path, re.search(r"\b[\w-]+\.(yaml|csv)\b", said))
        assert not re.search(r"\b[a-z_]+\[\d+\]|\b(report_deadline|unit_kinds|narrative|applies_to)\b", said), path
        assert "dấu nháy" not in said and "(pl1)" not in said, path
        assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    assert client.get("/tep-tinh/vanban.css").status_code == 200
    assert client.get("/tep-tinh/vanban.js").status_code == 200


def test_the_plan_sentence_is_shown_as_it_will_read(site):
    client, _ = site
    seen = text_of(client.get("/du-lieu?tep=ke-hoach.yaml").text)
    # the summary refers to {{ docs.nq01 }}: the page shows it filled
    assert "Sẽ đọc là: sơ kết 05 năm thực hiện Nghị quyết số 01-NQ/ĐUK" in seen
    answer = client.post("/du-lieu/xem-truoc", data={"csrf": CSRF, "text": "hạn {{ levels.cb.report_deadline }}"})
    assert answer.status_code == 200 and answer.text.startswith("hạn ") and answer.text.endswith("05/5/2021")
    bad = client.post("/du-lieu/xem-truoc", data={"csrf": CSRF, "text": "{{ levels.xx.name }}"})
    assert bad.status_code == 422 and "không có" in bad.text


def test_unknown_pages_and_errors_are_vietnamese_pages_without_traceback(site):
    client, _ = site
    for path in ["/khong-co", "/don-vi/khong-co-don-vi", "/du-lieu?tep=../../etc/passwd",
                 "/nhan-bao-cao/xung-dot/khong-co.yaml", "/van-ban/xem/khong-co.docx"]:
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "Traceback" not in answer.text and "<html" in answer.text
        assert "Không" in text_of(answer.text)
    assert client.get("/api/khong-co").json()["error"]


# --- paths -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/api/files/%2e%2e/data/chien-dich.yaml", "/api/files/..%2fdata%2fchien-dich.yaml",
    "/api/files/don-vi%2f..%2f..%2fdata%2fchien-dich.yaml", "/api/files/%2fetc%2fpasswd",
    "/api/files//etc/passwd", "/api/files/.vanban/manifest.json", "/api/files/don-vi/..",
    "/van-ban/tai/..%5c..%5cdata%5cchien-dich.yaml", "/van-ban/anh/../../data/chien-dich.yaml",
    "/api/files/ke-hoach.docx%00.txt", "/api/files/lien-ket.docx"])
def test_no_request_reads_outside_the_out_folder(site, path):
    client, ws = site
    (ws.out_dir / "lien-ket.docx").symlink_to(ws.data_dir / "chien-dich.yaml")
    answer = client.get(path)
    assert answer.status_code in (307, 400, 404), path  # 307: the client's own «..» folded away
    assert "report_deadline" not in answer.text and "superior" not in answer.text


def test_files_under_the_out_folder_download(script, tmp_path):
    client, ws = script
    answer = client.get("/api/files/ke-hoach.docx")
    assert answer.status_code == 200
    (tmp_path / "k.docx").write_bytes(answer.content)
    assert "KẾ HOẠCH" in [p.text for p in docx.Document(tmp_path / "k.docx").paragraphs]
    unit = ws.loaded().data.units[0].id
    assert client.get(f"/api/files/don-vi/{unit}.docx").content == (ws.out_dir / "don-vi" / f"{unit}.docx").read_bytes()


def test_one_zip_of_every_skeleton_to_send(site):
    client, ws = site
    answer = client.get("/van-ban/goi-don-vi.zip")
    assert answer.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    units = [u.id for u in ws.loaded().data.units]
    assert sorted(names) == sorted([f"don-vi/{u}.docx" for u in units] + [f"don-vi/{u}.xlsx" for u in units])


# --- the API -------------------------------------------------------------------------------------

def test_status_build_collect_and_problems_through_the_api(script, tmp_path):
    client, ws = script
    status = client.get("/api/status").json()
    assert status["counts"]["units"] == 49 and len(status["units"]) == 49
    first = status["units"][0]
    assert set(first) == {"id", "name", "level", "deadline", "state", "received"}
    assert first["received"] is None and first["deadline"] == "2021-05-05"
    assert client.post("/api/build").json()["written"] == []  # nothing changed since the build
    forced = client.post("/api/build?force=1").json()
    assert forced["written"] == [] and forced["unchanged"] == 136  # same bytes: nothing rewritten
    progress = client.get("/api/build/progress").json()
    assert progress == {"running": False, "done": 136, "total": 136, "error": None, "busy": None}
    files = returns_for(ws, tmp_path / "tra", 3)
    got = client.post("/api/collect", files=upload(files), data={"received": "03/5/2021"}).json()
    assert [f["code"] for f in got["files"]] == ["taken"] * 3
    after = {u["id"]: u for u in client.get("/api/status").json()["units"]}
    taken = [f["unit"] for f in got["files"]]
    assert all(after[u]["state"] == "đã gửi" and after[u]["received"] == "2021-05-03" for u in taken)
    rebuilt = client.post("/api/build").json()["written"]
    # the figures reach the consolidated report and its sources; the returns' words (none here) the digest
    assert rebuilt == ["bao-cao-tong-hop.docx", "nguon-so-lieu.xlsx", "tong-hop-y-kien.docx"]
    problems = client.get("/api/problems").json()
    assert problems["errors"] == 0 and isinstance(problems["problems"], list)


# --- uploads -------------------------------------------------------------------------------------

def test_hostile_odd_and_oversized_uploads_are_refused_each_with_its_reason(script, tmp_path, monkeypatch):
    client, ws = script
    good = returns_for(ws, tmp_path / "tra", 1)[0]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<" + "a" * (80 * 1024 * 1024))
    doctype = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(doctype, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e "boom">]>', 1)
            dst.writestr(item, data)
    files = [("files", ("bom.docx", bomb.getvalue())), ("files", ("doctype.docx", doctype.getvalue())),
             ("files", ("ghi-chu.txt", b"xin chao")), ("files", ("../../thoat.docx", b"PK\x03\x04")),
             ("files", (good.name, good.read_bytes()))]
    monkeypatch.setattr("generator.web.uploads.MAX_FILE", 5 * 1024 * 1024)
    files.append(("files", ("lon.docx", b"0" * (6 * 1024 * 1024))))
    got = client.post("/api/collect", files=files).json()["files"]
    by = {f["file"]: f for f in got}
    assert by[good.name]["code"] == "taken"
    for name in ["bom.docx", "doctype.docx", "ghi-chu.txt", "thoat.docx", "lon.docx"]:
        assert by[name]["code"] == "refused" and by[name]["reason"], name
    assert "lớn" in by["lon.docx"]["reason"]
    assert ".docx" in by["ghi-chu.txt"]["reason"]
    records = sorted(p.name for p in store.folder(ws.data_dir).glob("*.yaml"))
    assert records == [f"{by[good.name]['unit']}.yaml"]
    assert not list((ws.data_dir / ".vanban").glob("nhan-*"))   # the scratch copies are gone
    assert not (ws.data_dir.parent / "thoat.docx").exists()


def test_a_request_too_large_is_refused_before_it_is_read(script, monkeypatch):
    client, _ = script
    monkeypatch.setattr(web_app, "MAX_UPLOAD", 1024)
    answer = client.post("/api/collect", files=[("files", ("a.docx", b"x" * 4096))])
    assert answer.status_code == 413 and "quá lớn" in answer.json()["error"]


def test_a_conflict_is_shown_side_by_side_and_decided(site, tmp_path):
    client, ws = site
    unit = ws.loaded().data.units[0]
    first = returns_for(ws, tmp_path / "a", 1, seed=1)
    second = returns_for(ws, tmp_path / "b", 1, seed=2)
    client.post("/nhan-bao-cao/gui", data={"csrf": CSRF}, files=upload(first))
    sent = client.post("/nhan-bao-cao/gui", data={"csrf": CSRF}, files=upload(second))
    assert sent.status_code == 303                       # the results at an address of their own
    page = client.get(sent.headers["location"])
    assert "xung đột" in text_of(page.text) and unit.name in text_of(page.text)
    kept = re.search(r'/nhan-bao-cao/xung-dot/([^"]+)"', page.text).group(1)
    compare = client.get(f"/nhan-bao-cao/xung-dot/{kept}")
    assert compare.status_code == 200
    old = ws.loaded().data.returns[unit.id]
    new = store.read_record(store.folder(ws.data_dir) / store.CONFLICTS / kept)
    differing = [(t, r, c) for t, rows in new.figures.items() for r, cols in rows.items()
                 for c, v in cols.items() if old.figures[t][r][c] != v]
    assert differing
    assert compare.text.count('class="differs"') == len(differing)
    assert not re.search(r"<td>\d{4,}", compare.text)       # 1.097, as the documents write it
    assert re.search(r"<td>\d{1,3}\.\d{3}", compare.text)
    answer = client.post(f"/nhan-bao-cao/xung-dot/{kept}", data={"csrf": CSRF, "choice": "new"})
    assert answer.status_code == 303
    said = text_of(client.get(answer.headers["location"]).text)
    assert f"Đã thay số liệu của «{unit.name}» bằng bản mới" in said
    assert ws.loaded().data.returns[unit.id].source.sha256 == new.source.sha256
    history = ws.aside(store.HISTORY)
    assert [r.source.sha256 for _, r in history] == [old.source.sha256]
    assert ws.aside(store.CONFLICTS) == []
    assert "Lịch sử các bản đã thay (1)" in text_of(client.get("/nhan-bao-cao").text)


# --- editing the data ------------------------------------------------------------------------------

def _form(client, name: str) -> dict[str, str]:
    html = client.get(f"/du-lieu?tep={name}").text
    version = re.search(r'name="version" value="([^"]+)"', html).group(1)
    return {"csrf": CSRF, "tep": name, "version": version}


def test_saving_a_deadline_keeps_the_files_comments_and_rebuilds_with_it(site):
    client, ws = site
    path = ws.data_dir / "chien-dich.yaml"
    before = path.read_text(encoding="utf-8").splitlines()
    form = _form(client, "chien-dich.yaml")
    answer = client.post("/du-lieu/luu", data={**form, "f:levels[1].report_deadline": "12/5/2021"})
    assert answer.status_code == 303
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    assert changed[0][1] == changed[0][0].replace("05/5/2021", "12/5/2021")
    assert "# gửi báo cáo, phụ lục về Đảng ủy Khối trước ngày" in changed[0][1]
    report = client.post("/api/build", headers={"X-CSRF-Token": CSRF}).json()
    assert "ke-hoach.docx" in report["written"]
    plan = "\n".join(p.text for p in docx.Document(ws.out_dir / "ke-hoach.docx").paragraphs)
    assert "12/5/2021" in plan
    # and undone: the file as it was, byte for byte
    assert client.post("/du-lieu/hoan-tac", data={"csrf": CSRF, "tep": "chien-dich.yaml"}).status_code == 303
    assert path.read_text(encoding="utf-8").splitlines() == before


def test_a_bad_value_is_shown_at_its_field_and_nothing_is_written(site):
    client, ws = site
    path = ws.data_dir / "chien-dich.yaml"
    before = path.read_bytes()
    form = _form(client, "chien-dich.yaml")
    answer = client.post("/du-lieu/luu", data={**form, "f:levels[1].report_deadline": "31/2/2021"})
    assert answer.status_code == 422
    field = re.search(r'id="o-levels-1-report-deadline".*?</div>', answer.text, re.S).group(0)
    assert "has-error" in answer.text.split('id="o-levels-1-report-deadline"')[0][-80:]
    assert "31/2/2021" in field and "không có thật" in text_of(field)
    assert path.read_bytes() == before


def test_a_second_tab_saving_the_same_file_is_told_it_changed(site):
    client, ws = site
    tab_one = _form(client, "ke-hoach.yaml")
    tab_two = dict(tab_one)
    assert client.post("/du-lieu/luu", data={**tab_one, "f:signer.name": "Trần Văn A"}).status_code == 303
    saved = (ws.data_dir / "ke-hoach.yaml").read_bytes()
    answer = client.post("/du-lieu/luu", data={**tab_two, "f:signer.name": "Lê Thị B"})
    assert answer.status_code == 409
    assert "đã được thay đổi sau khi bạn mở trang" in text_of(answer.text)
    assert (ws.data_dir / "ke-hoach.yaml").read_bytes() == saved
    assert "Trần Văn A" in saved.decode("utf-8")


def test_a_form_cannot_write_a_key_the_file_does_not_have_or_another_file(site):
    client, ws = site
    form = _form(client, "chien-dich.yaml")
    before = {n: (ws.data_dir / n).read_bytes() for n in ("chien-dich.yaml", "de-cuong.yaml")}
    assert client.post("/du-lieu/luu", data={**form, "f:khong_co": "x"}).status_code == 400
    assert client.post("/du-lieu/luu", data={**form, "tep": "don-vi.csv"}).status_code == 404
    assert client.post("/du-lieu/luu", data={**form, "tep": "../chien-dich.yaml"}).status_code == 404
    assert {n: (ws.data_dir / n).read_bytes() for n in before} == before


# --- units ----------------------------------------------------------------------------------------

def _units_version(client) -> str:
    return re.search(r'name="version" value="([^"]+)"', client.get("/don-vi").text).group(1)


def test_units_added_edited_and_removed_from_the_page(site):
    client, ws = site
    new = {"u:id": "chi-bo-thu-nghiem", "u:name": "Chi bộ Thử nghiệm", "u:level": "cb", "u:kind": "cq"}
    answer = client.post("/don-vi/them", data={"csrf": CSRF, "version": _units_version(client), **new})
    assert answer.status_code == 303
    assert "Đã thêm đơn vị «Chi bộ Thử nghiệm»" in text_of(client.get(answer.headers["location"]).text)
    assert "chi-bo-thu-nghiem" in [u.id for u in ws.loaded().data.units]
    client.post("/api/build", headers={"X-CSRF-Token": CSRF})
    assert (ws.out_dir / "don-vi" / "chi-bo-thu-nghiem.docx").is_file()
    edit = {**new, "u:name": "Chi bộ Thử nghiệm Mới"}
    client.post("/don-vi/chi-bo-thu-nghiem/sua", data={"csrf": CSRF, "version": _units_version(client), **edit})
    assert ws.loaded().data.members["chi-bo-thu-nghiem"].name == "Chi bộ Thử nghiệm Mới"
    # a bad id is refused at its row, nothing written
    before = (ws.data_dir / "don-vi.csv").read_bytes()
    bad = client.post("/don-vi/them", data={"csrf": CSRF, "version": _units_version(client),
                                            **{**new, "u:id": "Chi Bo Sai"}})
    assert bad.status_code == 422 and "«Chi Bo Sai» không hợp lệ" in text_of(bad.text)
    assert (ws.data_dir / "don-vi.csv").read_bytes() == before
    gone = client.post("/don-vi/chi-bo-thu-nghiem/xoa", data={"csrf": CSRF, "version": _units_version(client)})
    assert "chi-bo-thu-nghiem" not in [u.id for u in ws.loaded().data.units]
    assert "Đã bỏ đơn vị «Chi bộ Thử nghiệm Mới»" in text_of(client.get(gone.headers["location"]).text)
    report = client.post("/api/build", headers={"X-CSRF-Token": CSRF}).json()
    assert "don-vi/chi-bo-thu-nghiem.docx" in report["removed"]


def test_a_unit_saved_from_its_page_keeps_what_the_form_shows_and_more(site):
    """The edit form carries every column of the unit list: saving a new name from the page,
    as a browser submits it (every field the form holds, as the page filled it), keeps the
    unit's own superior line and header lines set in don-vi.csv (issue 20)."""
    from html.parser import HTMLParser

    client, ws = site
    import csv
    import io

    units = ws.data_dir / "don-vi.csv"
    rows = list(csv.DictReader(io.StringIO(units.read_text(encoding="utf-8"))))
    columns = list(rows[0]) + [c for c in ("superior",) if c not in rows[0]]
    uid = rows[0]["id"]
    rows[0]["superior"] = "Đảng bộ Khối Thử nghiệm"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    units.write_text(out.getvalue(), encoding="utf-8")
    page = client.get(f"/don-vi/{uid}").text

    class Inputs(HTMLParser):
        def __init__(self):
            super().__init__()
            self.form, self.values, self.select = False, {}, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                self.form = a.get("action", "").endswith(f"/{uid}/sua")
            elif self.form and tag == "input" and a.get("name"):
                self.values[a["name"]] = a.get("value", "")
            elif self.form and tag == "select":
                self.select = a.get("name")
            elif self.form and tag == "option" and "selected" in a and self.select:
                self.values[self.select] = a.get("value", "")

        def handle_endtag(self, tag):
            if tag == "form":
                self.form = False

    form = Inputs()
    form.feed(page)
    assert form.values.get("u:superior") == "Đảng bộ Khối Thử nghiệm", form.values
    form.values["u:name"] = form.values["u:name"] + " mới"
    done = client.post(f"/don-vi/{uid}/sua", data={**form.values, "csrf": CSRF})
    assert done.status_code == 303
    unit = ws.loaded().data.members[uid].unit
    assert unit.name.endswith(" mới") and unit.superior == "Đảng bộ Khối Thử nghiệm"


def test_a_unit_list_imported_from_excel_is_previewed_before_it_is_saved(site, tmp_path):
    import openpyxl

    client, ws = site
    table = editing.read_units(ws.data_dir)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã", "Tên đơn vị", "Cấp", "Loại"])
    rows = table.rows[1:]                                   # the first unit dropped
    rows[0] = {**rows[0], "name": rows[0]["name"] + " (đổi tên)"}  # one renamed
    for r in rows:
        sheet.append([r["id"], r["name"], r["level"], r["kind"]])
    sheet.append(["chi-bo-moi", "Chi bộ Mới", "cb", "cq"])   # one added
    book.save(tmp_path / "ds.xlsx")
    before = (ws.data_dir / "don-vi.csv").read_bytes()
    sent = client.post("/don-vi/nhap", data={"csrf": CSRF},
                       files={"file": ("ds.xlsx", (tmp_path / "ds.xlsx").read_bytes())})
    assert sent.status_code == 303
    preview = client.get(sent.headers["location"])
    seen = text_of(preview.text)
    # taken as «add and edit only» unless asked: the unit left out of the file stays
    assert "1 đơn vị thêm, 1 đơn vị sửa, 0 đơn vị bỏ, 47 không đổi" in seen
    assert "Chi bộ Mới" in seen and "(đổi tên)" in seen
    whole = text_of(client.get(sent.headers["location"] + "?cach=thay").text)
    assert "1 đơn vị thêm, 1 đơn vị sửa, 1 đơn vị bỏ, 47 không đổi" in whole
    assert table.rows[0]["name"] in whole and "Lưu và bỏ 1 đơn vị không có trong tệp" in whole
    assert (ws.data_dir / "don-vi.csv").read_bytes() == before   # nothing saved yet
    saved = client.post(sent.headers["location"], data={"csrf": CSRF, "cach": "thay"})
    assert saved.status_code == 303
    assert "1 đơn vị thêm, 1 đơn vị sửa, 1 đơn vị bỏ" in text_of(client.get(saved.headers["location"]).text)
    ids = [u.id for u in ws.loaded().data.units]
    assert "chi-bo-moi" in ids and table.rows[0]["id"] not in ids and len(ids) == 49
    assert ws.loaded().data.members[rows[0]["id"]].name.endswith("(đổi tên)")


# --- broken data ----------------------------------------------------------------------------------

def test_broken_data_still_opens_every_page_and_the_build_says_why(site):
    client, ws = site
    path = ws.data_dir / "chien-dich.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("report_deadline: 05/5/2021",
                                                             "report_deadline: 35/5/2021", 1),
                    encoding="utf-8")
    before = {p: p.read_bytes() for p in ws.out_dir.rglob("*.docx")}
    for page in ["/", "/du-lieu", "/don-vi", "/van-ban", "/nhan-bao-cao"]:
        answer = client.get(page)
        assert answer.status_code == 200, page
    home = text_of(client.get("/").text)
    assert "Chiến dịch › Cấp «Chi bộ cơ sở» › Hạn gửi báo cáo và phụ lục về cơ quan ban hành" in home
    assert 'href="/du-lieu?tep=chien-dich.yaml&amp;mo=levels%5B1%5D.report_deadline#o-levels-1-report-deadline"' \
        in client.get("/").text
    built = client.post("/sinh-van-ban", data={"csrf": CSRF})
    assert built.status_code == 303 and "chưa ghi tệp nào" in text_of(client.get(built.headers["location"]).text)
    api = client.post("/api/build", headers={"X-CSRF-Token": CSRF})
    assert api.status_code == 422 and api.json()["problems"][0]["file"] == "chien-dich.yaml"
    assert {p: p.read_bytes() for p in ws.out_dir.rglob("*.docx")} == before


def test_the_format_is_chosen_from_the_profiles_vanban_has(site):
    client, ws = site
    html = client.get("/du-lieu").text
    select = re.search(r'<select name="f:format".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]+)"', select) == [
        "dang", "nha-nuoc", "dang-hd05-2026", "dang-hd36", "nha-nuoc-nd30"]
    assert ws.loaded().data.profile.id == "dang-hd36"      # «dang» on the plan's date, 2021
    form = _form(client, "chien-dich.yaml")
    assert client.post("/du-lieu/luu", data={**form, "f:format": "dang-hd05-2026"}).status_code == 303
    assert ws.loaded().data.profile.id == "dang-hd05-2026"
    assert "format: dang-hd05-2026" in (ws.data_dir / "chien-dich.yaml").read_text(encoding="utf-8")


def test_the_units_words_readable_part_by_part_and_filtered(script, tmp_path):
    import random

    import fill_returns

    client, ws = script
    data = ws.loaded().data
    cb = next(m for m in data.members.values() if m.unit.level == "cb")
    db = next(m for m in data.members.values() if m.unit.level == "db")
    rng, files, typed = random.Random(5), [], {}
    for member in (cb, db):
        target = tmp_path / f"{member.id}.docx"
        fill_returns.fill(ws.out_dir / "don-vi" / f"{member.id}.docx", target, rng)
        typed[member.id] = fill_returns.write_words(target, target, rng, member.name)
        files.append(target)
    assert [f["code"] for f in client.post("/api/collect", files=upload(files)).json()["files"]] == ["taken"] * 2
    page = text_of(client.get("/y-kien").text)
    for member in (cb, db):
        for words in typed[member.id].values():
            assert words[0] in page
    only_cb = text_of(client.get("/y-kien?cap=cb").text)
    assert all(w[0] in only_cb for w in typed[cb.id].values())
    assert not any(w[0] in only_cb for w in typed[db.id].values())
    unit_page = text_of(client.get(f"/don-vi/{db.id}").text)
    assert all(w[0] in unit_page for w in typed[db.id].values())
    assert re.search(r"đọc lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}", unit_page)   # not an ISO stamp
    key = next(iter(typed[db.id]))
    one = text_of(client.get(f"/y-kien?phan={key}").text)
    assert typed[db.id][key][0] in one
    others = [w[0] for k, w in typed[db.id].items() if k != key]
    assert not any(w in one for w in others)


def test_a_units_campaign_started_from_its_kit_in_the_browser_pages(site, tmp_path):
    client, ws = site
    rows = client.get("/don-vi").text
    assert 'href="/van-ban/tai/bo-du-lieu/dang-bo-so-tai-chinh.zip"' in rows
    kit = client.get("/van-ban/tai/bo-du-lieu/dang-bo-so-tai-chinh.zip")
    assert kit.status_code == 200 and kit.content[:2] == b"PK"
    made = client.post("/bat-dau-tu-bo-du-lieu", data={"csrf": CSRF, "folder": "so tai chinh"},
                       files={"kit": ("dang-bo-so-tai-chinh.zip", kit.content)})
    assert made.status_code == 303
    folder = ws.data_dir.resolve().parent.parent / "so-tai-chinh"
    assert (folder / "data" / "cap-tren" / "phu-luc.yaml").is_file()
    assert str(folder) in text_of(client.get(made.headers["location"]).text)
    # an unknown folder cannot be opened; the one just made can
    assert client.post("/mo-chien-dich", data={"csrf": CSRF, "folder": "/etc"}).status_code == 404
    opened = client.post("/mo-chien-dich", data={"csrf": CSRF, "folder": str(folder)})
    assert opened.status_code == 303 and ws.data_dir == folder / "data"
    assert "Đảng ủy Sở Tài chính" in text_of(client.get("/").text)
    # a file that is not a kit: a Vietnamese page, nothing made
    bad = client.post("/bat-dau-tu-bo-du-lieu", data={"csrf": CSRF, "folder": "khac"},
                      files={"kit": ("x.zip", b"not a zip")})
    assert bad.status_code == 400 and "không mở được" in text_of(bad.text)
    assert not (folder.parent / "khac").exists()
