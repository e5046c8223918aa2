"""``vanban build --pdf``: PDF/A-2b copies of the signed documents with empty signature fields.

The fields are read back with pyHanko (names, tooltips, unsigned, rectangles against where
pdftotext finds the signer's title and name on the page), the files checked against the
PDF/A-2b rules of ``tests/pdfa.py`` and their text layer read with pdftotext. Skipped where
LibreOffice or poppler is missing, unless VANBAN_REQUIRE_SOFFICE is set (CI sets it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import docx
import pytest
import yaml
from lxml import etree
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

import pdfa
from conftest import DATA, STATE, run_cli
from generator.app import main as pipeline
from generator.documents import pdf

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
if not (SOFFICE and shutil.which("pdftotext")):
    if os.environ.get("VANBAN_REQUIRE_SOFFICE"):
        raise RuntimeError("LibreOffice (soffice) và pdftotext là bắt buộc trong CI")
    pytest.skip("cần LibreOffice và poppler-utils", allow_module_level=True)

SIGNED = ["bao-cao-tong-hop", "de-cuong", "ke-hoach", "phu-luc", "tong-hop-y-kien"]
CM = 72 / 2.54


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Both examples built, then their PDFs made, as ``vanban build --pdf`` does."""
    out = {}
    for name, data in (("party", DATA), ("state", STATE)):
        folder = tmp_path_factory.mktemp(name)
        pipeline.build(data, folder)
        made = pdf.convert(folder)
        assert sorted(made) == [f"{d}.pdf" for d in SIGNED]
        out[name] = folder
    return out


def _fields(path: Path) -> dict[str, dict]:
    reader = PdfFileReader(open(path, "rb"))
    pages = _page_refs(reader.root["/Pages"])
    found = {}
    for name, value, ref in enumerate_sig_fields(reader):
        field = ref.get_object()
        page = field.raw_get("/P")
        found[name] = {"value": value, "tooltip": str(field["/TU"]), "flags": int(field["/F"]),
                       "rect": [float(v) for v in field["/Rect"]],
                       "page": [p.idnum for p in pages].index(page.idnum)}
    return found


def _page_refs(node) -> list:
    refs = []
    for kid in node["/Kids"]:
        obj = kid.get_object()
        refs += _page_refs(obj) if obj.get("/Type") == "/Pages" else [kid.reference]
    return refs


def _lines(path: Path) -> list[tuple[int, str, tuple[float, float, float, float], float]]:
    """(page, text, (x0, y0, x1, y1) in PDF points from the bottom left, page height) of every
    line pdftotext finds."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], check=True,
                         capture_output=True).stdout
    out = []
    for number, page in enumerate(etree.fromstring(xml).iter("{*}page")):
        height = float(page.get("height"))
        for line in page.iter("{*}line"):
            text = " ".join(w.text for w in line.iter("{*}word"))
            out.append((number, text, (float(line.get("xMin")), height - float(line.get("yMax")),
                                       float(line.get("xMax")), height - float(line.get("yMin"))),
                        height))
    return out


def _signer(data: Path) -> dict:
    return yaml.safe_load((data / "ke-hoach.yaml").read_text(encoding="utf-8"))["signer"]


def test_only_the_signed_documents_get_a_pdf(built):
    for folder in built.values():
        assert sorted(p.stem for p in folder.glob("*.pdf")) == SIGNED
        assert list((folder / "don-vi").glob("*.docx"))         # skeletons were built …
        assert not list((folder / "don-vi").glob("*.pdf"))      # … and have no PDF


@pytest.mark.parametrize("example,data", [("party", DATA), ("state", STATE)])
def test_fields_over_the_signature_block(built, example, data):
    signer = _signer(data)
    path = built[example] / "ke-hoach.pdf"
    fields = _fields(path)
    assert set(fields) == {"ChuKyNguoiKy", "ChuKyCoQuan"}
    # added in an incremental update: LibreOffice's PDF/A is kept byte for byte before it
    with open(path, "rb") as fh:
        assert PdfFileReader(fh).xrefs.total_revisions == 2
    for field in fields.values():
        assert field["value"] is None                      # empty: not signed
        assert field["flags"] & 4                          # printed (PDF/A)
    assert fields["ChuKyNguoiKy"]["tooltip"].startswith("Chữ ký số của người có thẩm quyền")
    assert fields["ChuKyCoQuan"]["tooltip"].startswith("Chữ ký số của cơ quan, tổ chức")

    lines = _lines(path)
    name = [ln for ln in lines if ln[1] == signer["name"]][-1]
    title = [ln for ln in lines if ln[0] == name[0] and ln[1] == signer["title"].upper()
             and ln[2][1] > name[2][3]][-1]
    own, seal = fields["ChuKyNguoiKy"], fields["ChuKyCoQuan"]
    assert own["page"] == seal["page"] == name[0]           # on the page of the signature
    x0, y0, x1, y1 = own["rect"]
    # between the title and the name, at least 1.5 cm high, centred on them
    assert y1 - y0 >= 1.5 * CM - 1
    middle = (title[2][1] + name[2][3]) / 2
    assert y0 - 1 <= middle <= y1 + 1 and y0 >= name[2][3] - 1 - 0.75 * CM
    for line in (title, name):
        assert x0 <= (line[2][0] + line[2][2]) / 2 <= x1
    # the seal's field overlaps the signer's field's left third
    s0, _, s1, _ = seal["rect"]
    assert s0 < x0 < s1 <= x0 + (x1 - x0) / 3 + 1
    assert 30 / 25.4 * 72 < s1 - s0 < 45 / 25.4 * 72         # a seal's size


def test_a_plan_marked_signed_has_no_signed_mark_in_its_pdf_to_sign(built):
    """``signed: true`` prints «(Đã ký)» on the published .docx; the PDF made for a digital
    signature does not carry it, and no text at all lies under the signer's empty field."""
    import docx

    assert _signer(DATA)["signed"] is True
    folder = built["party"]
    printed = [p.text for t in docx.Document(folder / "ke-hoach.docx").tables for r in t.rows
               for c in r.cells for p in c.paragraphs]
    assert "(Đã ký)" in printed
    lines = _lines(folder / "ke-hoach.pdf")
    assert not [ln for ln in lines if "Đã ký" in ln[1]]
    own = _fields(folder / "ke-hoach.pdf")["ChuKyNguoiKy"]
    x0, y0, x1, y1 = own["rect"]
    under = [ln[1] for ln in lines if ln[0] == own["page"] and ln[2][0] < x1 and ln[2][2] > x0
             and ln[2][1] < y1 - 1 and ln[2][3] > y0 + 1]
    assert under == [], under
    # the same page breaks as the .docx: the name is still on the last page, where it was
    assert own["page"] == max(ln[0] for ln in lines)


def test_attachment_has_the_organisation_field_top_right(built):
    for folder in built.values():
        fields = _fields(folder / "phu-luc.pdf")
        assert set(fields) == {"ChuKyCoQuan"}
        x0, y0, x1, y1 = fields["ChuKyCoQuan"]["rect"]
        assert fields["ChuKyCoQuan"]["page"] == 0
        width, height = 595, 842                           # A4 portrait
        assert x0 > width / 2 and x1 <= width
        assert y0 >= height - 2 * CM - 1 and y1 <= height  # in the top margin


def test_pdfa_2b(built):
    for folder in built.values():
        for name in SIGNED:
            assert pdfa.problems(folder / f"{name}.pdf") == [], (folder, name)


def test_the_check_finds_what_is_not_pdfa(built, tmp_path):
    """The PDF/A check is not a rubber stamp: a plain LibreOffice PDF and a field without
    the print flag both fail it."""
    plain = tmp_path / "plain"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(plain),
                    str(built["party"] / "ke-hoach.docx")], check=True, capture_output=True,
                   timeout=240)
    found = pdfa.problems(plain / "ke-hoach.pdf")
    assert any("no XMP metadata" in p for p in found) and any("output intent" in p for p in found)

    data = (built["party"] / "ke-hoach.pdf").read_bytes()
    assert data.count(b"/F 132") >= 1
    hidden = tmp_path / "hidden.pdf"
    hidden.write_bytes(data.replace(b"/F 132", b"/F 130"))   # not printed, hidden
    found = pdfa.problems(hidden)
    assert any("print flag" in p for p in found) and any("is hidden" in p for p in found)


@pytest.mark.parametrize("example,data", [("party", DATA), ("state", STATE)])
def test_text_layer_is_vietnamese(built, example, data):
    path = built[example] / "ke-hoach.pdf"
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True
                          ).stdout.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    flat = " ".join(text.split())
    signer = _signer(data)
    subject = docx.Document(str(built[example] / "ke-hoach.docx")).core_properties.subject
    assert "KẾ HOẠCH" in flat
    assert " ".join(subject.split()) in flat
    assert signer["title"].upper() in flat and signer["name"] in flat


def test_same_docx_same_pdf_and_no_rebuild(built, tmp_path, monkeypatch):
    folder = built["party"]
    before = {n: (folder / f"{n}.pdf").read_bytes() for n in SIGNED}
    assert pdf.convert(folder) == []                     # nothing changed: nothing made
    (folder / pdf.RECORD).unlink()                       # forget, and make them all again
    assert len(pdf.convert(folder)) == len(SIGNED)
    assert {n: (folder / f"{n}.pdf").read_bytes() for n in SIGNED} == before
    # the web workspace's download is the same file
    assert pdf.pdf_of(folder, "ke-hoach.docx").read_bytes() == before["ke-hoach"]
    # SOURCE_DATE_EPOCH sets the date written in the PDF
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (folder / pdf.RECORD).unlink()
    pdf.convert(folder)
    assert b"20231114221320" in (folder / "ke-hoach.pdf").read_bytes()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    (folder / pdf.RECORD).unlink()
    pdf.convert(folder)
    assert (folder / "ke-hoach.pdf").read_bytes() == before["ke-hoach"]


def test_cli_remakes_only_the_changed_document(campaign, tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, err = run_cli(["build", "--data", campaign, "--out", out, "--pdf"], capsys)
    assert code == 0
    assert sorted(p.stem for p in out.glob("*.pdf")) == SIGNED
    # the font embedded is the one this machine has for Times New Roman; said when it is another
    family = subprocess.run(["fc-match", "-f", "%{family}", "Times New Roman"], capture_output=True,
                            check=True).stdout.decode("utf-8").split(",")[0]
    fonts = subprocess.run(["pdffonts", str(out / "ke-hoach.pdf")], capture_output=True,
                           check=True).stdout.decode("utf-8")
    assert family.replace(" ", "") in fonts
    if family != "Times New Roman":
        assert f"máy này không có phông Times New Roman nên PDF nhúng phông «{family}»" in err
    else:
        assert "không có phông" not in err
    plan = campaign / "ke-hoach.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Nguyễn Trọng Vân", "Lê Văn Bình"),
                    encoding="utf-8")
    code, stdout, _ = run_cli(["build", "--data", campaign, "--out", out, "--pdf"], capsys)
    assert code == 0
    made = sorted(line.split()[2] for line in stdout.splitlines()
                  if line.startswith("đã ghi") and line.split()[2].endswith(".pdf"))
    assert "ke-hoach" in " ".join(made) and not any("phu-luc" in m for m in made)
    text = subprocess.run(["pdftotext", str(out / "ke-hoach.pdf"), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")
    assert "Lê Văn Bình" in text


def test_the_workspace_download_is_the_signing_pdf(tmp_path):
    """The workspace's «PDF» button gives the same PDF/A with its empty fields, made by the
    same code (one path), and a unit skeleton's PDF (for its preview) has no fields."""
    from starlette.testclient import TestClient

    from generator.web.app import create_app
    from generator.app.workspace import Workspace

    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(data, out)
    client = TestClient(create_app(Workspace(data, out), "t0ken"), base_url="http://127.0.0.1:8765",
                        headers={"X-Vanban-Token": "t0ken"})
    got = client.get("/van-ban/pdf/ke-hoach.docx")
    assert got.status_code == 200
    assert got.content == (out / "ke-hoach.pdf").read_bytes()
    assert set(_fields(out / "ke-hoach.pdf")) == {"ChuKyNguoiKy", "ChuKyCoQuan"}
    made = pdf.convert(out)                    # the build's PDFs: ke-hoach's is made already
    assert len(made) == len(SIGNED) - 1 and "ke-hoach.pdf" not in made
    unit = sorted((out / "don-vi").glob("*.docx"))[0].relative_to(out).as_posix()
    assert client.get(f"/van-ban/pdf/{unit}").status_code == 200
    assert _fields(out / unit.replace(".docx", ".pdf")) == {}
    assert pdfa.problems(out / unit.replace(".docx", ".pdf")) == []


def test_without_poppler_a_clear_message(built, monkeypatch):
    real = shutil.which
    monkeypatch.setattr("generator.documents.pdf.shutil.which",
                        lambda name: None if name == "pdftotext" else real(name))
    (built["party"] / pdf.RECORD).unlink()
    with pytest.raises(pdf.PdfError, match="chưa cài poppler-utils"):
        pdf.convert(built["party"])
