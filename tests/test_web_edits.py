"""The workspace never loses an edit: two tabs on one file, a batch of uploads where one file
is refused, a link in the out folder pointing elsewhere. The forms are posted as a browser
posts them: every field of the page's form, as the page holds it."""

from __future__ import annotations

import io
import os
import zipfile

import lxml.html
import pytest

pytest.importorskip("starlette")

from test_web import CSRF, returns_for, site, text_of  # noqa: E402,F401  (site: the fixture)

from generator.config import store  # noqa: E402


def page_form(html: str, action: str) -> dict[str, str]:
    """Every field of the page's form posted to ``action``, as a browser would send it."""
    form = next(f for f in lxml.html.fromstring(html).forms if f.action == action)
    return {k: v for k, v in form.form_values()}


def open_tab(client, name: str = "chien-dich.yaml") -> dict[str, str]:
    return page_form(client.get(f"/du-lieu?tep={name}").text, "/du-lieu/luu")


DEADLINE = "f:levels[1].report_deadline"
REVIEW = "f:levels[1].review_deadline"


def test_two_tabs_changing_different_fields_both_keep_their_change(site):
    client, ws = site
    one, two = open_tab(client), open_tab(client)
    assert client.post("/du-lieu/luu", data={**one, DEADLINE: "12/5/2021"}).status_code == 303
    answer = client.post("/du-lieu/luu", data={**two, REVIEW: "20/4/2021"})
    assert answer.status_code == 303, text_of(answer.text)[:300]
    saved = (ws.data_dir / "chien-dich.yaml").read_text(encoding="utf-8")
    assert "report_deadline: 12/5/2021" in saved and "review_deadline: 20/4/2021" in saved


def test_a_stale_save_of_the_same_field_stays_refused_until_the_other_value_is_seen(site):
    client, ws = site
    path = ws.data_dir / "chien-dich.yaml"
    one, two = open_tab(client), open_tab(client)
    assert client.post("/du-lieu/luu", data={**one, DEADLINE: "12/5/2021", REVIEW: "20/4/2021"}).status_code == 303
    saved = path.read_bytes()
    answer = client.post("/du-lieu/luu", data={**two, DEADLINE: "14/5/2021"})
    assert answer.status_code == 409
    said = text_of(answer.text)
    assert "trong dữ liệu bây giờ là «12/5/2021»; bạn nhập «14/5/2021»" in said
    assert path.read_bytes() == saved                      # nothing written
    # the page shown now holds the other tab's values, the person's own over them
    again = page_form(answer.text, "/du-lieu/luu")
    assert again[DEADLINE] == "14/5/2021" and again[REVIEW] == "20/4/2021"
    # the person, having seen it, saves: theirs is written, the other tab's other change kept
    assert client.post("/du-lieu/luu", data=again).status_code == 303
    text = path.read_text(encoding="utf-8")
    assert "report_deadline: 14/5/2021" in text and "review_deadline: 20/4/2021" in text
    # pressing «Lưu» on the old refusal page once more is refused again, not a silent revert
    assert client.post("/du-lieu/luu", data={**two, DEADLINE: "14/5/2021", REVIEW: "16/4/2021"}).status_code == 409


def test_an_upload_refused_for_its_size_does_not_stop_the_next_ones(site, tmp_path, monkeypatch):
    client, ws = site
    good = returns_for(ws, tmp_path / "tra", 2)
    monkeypatch.setattr("generator.web.uploads.MAX_FILE", 1024 * 1024)
    files = [("files", ("lon.docx", b"0" * (2 * 1024 * 1024))),
             ("files", (good[0].name, good[0].read_bytes())),
             ("files", ("lon-nua.docx", b"0" * (2 * 1024 * 1024))),
             ("files", (good[1].name, good[1].read_bytes()))]
    answer = client.post("/nhan-bao-cao/gui", data={"csrf": CSRF}, files=files)
    assert answer.status_code == 303, text_of(answer.text)[:300]
    answer = client.get(answer.headers["location"])
    said = text_of(answer.text)
    assert said.count("tệp lớn quá") == 2
    assert len(list(store.folder(ws.data_dir).glob("*.yaml"))) == 2


def test_the_skeleton_zip_never_packs_a_file_outside_the_out_folder(site, tmp_path):
    client, ws = site
    secret = tmp_path / "bi-mat.txt"
    secret.write_text("mật khẩu của máy")
    os.symlink(secret, ws.out_dir / "don-vi" / "khong-phai-cua-ta.docx")
    os.symlink("/etc/passwd", ws.out_dir / "don-vi" / "passwd.xlsx")
    answer = client.get("/van-ban/goi-don-vi.zip")
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.content)) as zf:
        names = zf.namelist()
        assert "don-vi/khong-phai-cua-ta.docx" not in names and "don-vi/passwd.xlsx" not in names
        assert all(b"root:" not in zf.read(n) and "mật khẩu".encode() not in zf.read(n) for n in names)
        assert len([n for n in names if n.endswith(".docx")]) == len(ws.loaded().data.units)
    assert not list((ws.data_dir / ".vanban").glob("goi-don-vi-*"))   # the temporary zip removed
