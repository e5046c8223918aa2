"""Shared fixtures and helpers: build the examples once, and read a .docx as a reader sees it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from generator.app import main as pipeline
from generator.cli import main as cli_main

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
STATE = REPO / "examples" / "ubnd-van-hoa-cong-vu"
SEED = REPO / "tests" / "fixtures" / "ke-hoach-so-ket-2021.txt"  # copy of shared/seed
sys.path.insert(0, str(REPO / "tools"))  # fill_returns: fills skeletons as a Word user does


@pytest.fixture(autouse=True)
def _own_config(tmp_path_factory, monkeypatch):
    """The web workspace lists the campaigns a person opened in their configuration folder:
    tests keep theirs in a folder of their own, never the user's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("cau-hinh")))


@pytest.fixture(scope="session")
def party_plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("party")
    pipeline.build(DATA, out)
    return out / "ke-hoach.docx"


@pytest.fixture(scope="session")
def state_plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("state")
    pipeline.build(STATE, out)
    return out / "ke-hoach.docx"


@pytest.fixture
def campaign(tmp_path) -> Path:
    """A writable copy of the bundled example's data folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def edited_template(target: Path, replacements: dict[str, str], name: str = "ke-hoach.docx") -> Path:
    """A copy of a bundled template at ``target`` with text of its body replaced, as a user
    editing it in Word would leave it."""
    import zipfile

    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(REPO / "templates" / name) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                for old, new in replacements.items():
                    assert old in text, old
                    text = text.replace(old, new)
                data = text.encode("utf-8")
            dst.writestr(item, data)
    return target


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """Run ``vanban`` in-process; return (exit code, stdout, stderr)."""
    code = 0
    try:
        cli_main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code or 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- reading a document as a reader sees it -------------------------------------------------

def all_paragraphs(document) -> list:
    """Every paragraph in reading order, table cells included (row by row, cell by cell)."""
    out = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(docx.text.paragraph.Paragraph(child, document._body))
        elif child.tag == qn("w:tbl"):
            table = docx.table.Table(child, document._body)
            for row in table.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    out.extend(cell.paragraphs)
    return out


def seen(text: str) -> str:
    """A paragraph's text as a reader reads it: a no-break space (which binds the end of a
    heading, the words of a table's cell) is a space."""
    return text.replace("\u00a0", " ")


def texts(document) -> list[str]:
    return [seen(p.text) for p in all_paragraphs(document) if p.text.strip()]


def find(document, text: str):
    """The paragraph whose text is exactly ``text``."""
    matches = [p for p in all_paragraphs(document) if seen(p.text) == text]
    assert matches, f"không có đoạn «{text}»"
    return matches[0]


def _style_chain(paragraph):
    style = paragraph.style
    while style is not None:
        yield style
        style = style.base_style


def effective(paragraph, attr: str):
    """A run formatting value (bold, italic, underline, size, name) as Word resolves it: the
    run's own, else the paragraph style's chain, else the document defaults. All runs of the
    paragraph must agree; the value is returned."""
    values = set()
    for run in paragraph.runs or [None]:
        value = getattr(run.font, attr) if run is not None else None
        if value is None:
            for style in _style_chain(paragraph):
                value = getattr(style.font, attr)
                if value is not None:
                    break
        if value is None:
            value = _default(paragraph, attr)
        values.add(value)
    assert len(values) == 1, f"«{paragraph.text}»: các đoạn chữ khác nhau về {attr}: {values}"
    value = values.pop()
    if attr == "size" and value is not None:
        return value.pt
    if attr in ("bold", "italic") and value is None:
        return False
    if attr == "underline":
        return bool(value) and value is not False
    return value


def _default(paragraph, attr):
    styles = paragraph.part.styles.element
    rpr = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return None
    if attr == "size":
        sz = rpr.find(qn("w:sz"))
        return docx.shared.Pt(int(sz.get(qn("w:val"))) / 2) if sz is not None else None
    if attr == "name":
        fonts = rpr.find(qn("w:rFonts"))
        return fonts.get(qn("w:ascii")) if fonts is not None else None
    return None


def alignment(paragraph):
    for style in [paragraph] + list(_style_chain(paragraph)):
        fmt = style.paragraph_format
        if fmt.alignment is not None:
            return fmt.alignment
    return None


def paragraph_format(paragraph, attr: str):
    for style in [paragraph] + list(_style_chain(paragraph)):
        value = getattr(style.paragraph_format, attr)
        if value is not None:
            return value
    return None


def fonts_of_run(run, paragraph) -> set[str]:
    """The font of each of the four slots (ascii, hAnsi, cs, eastAsia) Word would use."""
    slots = ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")
    found = {}
    elements = []
    if run is not None and run._r.rPr is not None:
        elements.append(run._r.rPr.find(qn("w:rFonts")))
    for style in _style_chain(paragraph):
        rpr = style.element.find(qn("w:rPr"))
        elements.append(rpr.find(qn("w:rFonts")) if rpr is not None else None)
    styles = paragraph.part.styles.element
    elements.append(styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/"
                                f"{qn('w:rFonts')}"))
    for el in elements:
        if el is None:
            continue
        for slot in slots:
            if slot not in found:
                theme = el.get(qn(slot + "Theme" if slot != "w:cs" else "w:cstheme"))
                if theme:
                    found[slot] = f"theme:{theme}"
                elif el.get(qn(slot)):
                    found[slot] = el.get(qn(slot))
    return {found.get(s, "?") for s in slots}


def libreoffice_resave(source: Path, folder: Path, fmt: str = "docx") -> Path:
    """``source`` opened and saved again by LibreOffice, as an office that uses it would send
    it back (skipped where LibreOffice is missing, except in CI where it must be there)."""
    import os
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("VANBAN_REQUIRE_SOFFICE"):
            raise RuntimeError("LibreOffice (soffice) là bắt buộc trong CI")
        pytest.skip("cần LibreOffice")
    out = folder / "libreoffice"
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless",
                    "--convert-to", fmt, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=240)
    return out / f"{source.stem}.{fmt}"


def shading(cell) -> str | None:
    """A table cell's fill colour as Word shows it (``None``: not shaded)."""
    from docx.oxml.ns import qn

    shd = cell._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    fill = shd.get(qn("w:fill")) if shd is not None else None
    return None if fill in (None, "auto") else fill


def line_under(table) -> str:
    """The text of the paragraph right under a table (its rule line), or "" when none."""
    from docx.oxml.ns import qn

    nxt = table._tbl.getnext()
    if nxt is None or nxt.tag != qn("w:p"):
        return ""
    return "".join(t.text or "" for t in nxt.iter(qn("w:t")))
