"""``vanban build --pdf``: PDF copies of the documents just written, through LibreOffice.

One ``soffice --headless`` call converts every changed document of a run (LibreOffice starts
once); each PDF lands beside its .docx. Without LibreOffice the .docx files are still written
and a Vietnamese message says how to install it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

INSTALL = ("chưa cài LibreOffice nên không ghi được PDF (các tệp .docx vẫn đã được ghi). "
           "Cài bằng: sudo apt-get install libreoffice-writer-nogui fonts-liberation2 "
           "(Debian/Ubuntu) hoặc tải LibreOffice cho Windows tại libreoffice.org, rồi chạy lại "
           "«vanban build --pdf».")


class PdfError(Exception):
    """PDFs could not be made; ``str()`` says why, in Vietnamese."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(out_dir: Path, written: list[str], timeout: float = 600) -> list[str]:
    """PDFs of the ``written`` documents (paths under ``out_dir``), plus those whose PDF is
    missing or older than its .docx; returns the PDFs written."""
    stale = {str(p.relative_to(out_dir)) for p in out_dir.rglob("*.docx")
             if ".vanban" not in p.relative_to(out_dir).parts
             and _stale(out_dir, str(p.relative_to(out_dir)))}
    docs = sorted({w for w in written if w.endswith(".docx")} | stale)
    return _convert(out_dir, docs, timeout)


def _stale(out_dir: Path, doc: str) -> bool:
    pdf = (out_dir / doc).with_suffix(".pdf")
    return not pdf.exists() or pdf.stat().st_mtime_ns < (out_dir / doc).stat().st_mtime_ns


def pdf_of(out_dir: Path, doc: str, timeout: float = 120) -> Path:
    """The PDF beside the document ``doc`` (a path under ``out_dir``), made now if it is
    missing or older than the document."""
    if _stale(out_dir, doc):
        _convert(out_dir, [doc], timeout)
    return (out_dir / doc).with_suffix(".pdf")


PREVIEWS = Path(".vanban") / "xem"   # page images, under the out folder


def pages_of(out_dir: Path, doc: str, resolution: int = 75, timeout: float = 120) -> list[Path]:
    """PNG images of the pages of ``doc`` at ``resolution`` dpi (through its PDF and
    poppler's pdftoppm), made again only when the document changed."""
    pdf = pdf_of(out_dir, doc, timeout)
    folder = out_dir / PREVIEWS / Path(doc).with_suffix("")
    stamp = f"{pdf.stat().st_mtime_ns}-{resolution}"
    if (folder / "stamp").is_file() and (folder / "stamp").read_text() == stamp:
        return sorted(folder.glob("trang-*.png"))
    program = shutil.which("pdftoppm")
    if program is None:
        raise PdfError("chưa cài poppler-utils (pdftoppm) nên không xem trước được trang")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        subprocess.run([program, "-png", "-r", str(resolution), str(pdf), str(folder / "trang")],
                       check=True, capture_output=True, timeout=timeout)
    except (subprocess.SubprocessError, OSError) as exc:
        raise PdfError(f"không tạo được ảnh trang ({exc})") from None
    (folder / "stamp").write_text(stamp)
    return sorted(folder.glob("trang-*.png"))


def _convert(out_dir: Path, docs: list[str], timeout: float) -> list[str]:
    program = soffice()
    if not docs:
        return []
    if program is None:
        raise PdfError(INSTALL)
    with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as tmp:
        work = Path(tmp)
        # every file gets a unique flat name, so one call converts them all
        names = {f"{i:05d}.docx": doc for i, doc in enumerate(docs)}
        for flat, doc in names.items():
            shutil.copyfile(out_dir / doc, work / flat)
        try:
            subprocess.run([program, f"-env:UserInstallation=file://{work / 'profile'}",
                            "--headless", "--convert-to", "pdf", "--outdir", str(work / "pdf"),
                            *sorted(str(work / f) for f in names)],
                           check=True, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PdfError("LibreOffice chạy quá lâu; các tệp .docx vẫn đã được ghi") from None
        except (subprocess.CalledProcessError, OSError) as exc:
            raise PdfError(f"LibreOffice không chuyển được sang PDF ({exc}); các tệp .docx vẫn "
                           "đã được ghi") from None
        made = []
        for flat, doc in names.items():
            pdf = work / "pdf" / (Path(flat).stem + ".pdf")
            if pdf.is_file():
                target = (out_dir / doc).with_suffix(".pdf")
                shutil.move(str(pdf), target)
                made.append(str(Path(doc).with_suffix(".pdf")))
        return made
