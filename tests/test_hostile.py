"""Hostile files in a batch of returns: each is refused with a Vietnamese reason, the genuine
files of the same batch are taken, nothing of a refused file reaches the data, and the
collect stays small in memory."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli
from generator import main as pipeline
from generator import ooxml

import fill_returns  # tools/, put on the path by conftest


def rezip(source: Path, target: Path, change=None, extra: dict[str, bytes] | None = None) -> Path:
    """A copy of ``source`` with its entries passed through ``change(name, data)``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if change is not None:
                data = change(item.filename, data)
            dst.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return target


def many_elements(target: Path) -> Path:
    """A .docx whose document.xml holds two million small elements, every size limit kept:
    the file is small, the entry unpacks under the limit, its ratio is ordinary."""
    rng = random.Random(1)
    head = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    alphabet = "0123456789ABCDEF"
    body = "".join(f'<w:p w:rsidR="{"".join(rng.choice(alphabet) for _ in range(4))}"/>'
                   for _ in range(2_000_000))
    xml = (head + body + "</w:body></w:document>").encode()
    types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.wordprocessingml.document.main+xml"/></Types>')
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("word/document.xml", xml)
    info = zipfile.ZipFile(target).getinfo("word/document.xml")
    # inside every limit that existed before: the element count is what must stop it
    assert target.stat().st_size < ooxml.MAX_FILE
    assert info.file_size < ooxml.MAX_UNPACKED
    assert info.file_size < ooxml.MAX_RATIO * info.compress_size
    return target


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    out = root / "out"
    pipeline.build(REPO / "data", out)
    folder = root / "batch"
    folder.mkdir()
    rng = random.Random(4)
    skeletons = sorted((out / "don-vi").glob("*.docx"))
    good = []
    for path in skeletons[:3]:
        fill_returns.fill(path, folder / f"tot-{path.stem}.docx", rng)
        good.append(path.stem)
    victims = {p.stem: p for p in skeletons[3:]}
    forged = iter(sorted(victims))

    def filled(name: str) -> Path:
        """Another unit's skeleton filled, to be made hostile."""
        fill_returns.fill(victims[name], root / f"{name}.docx", rng)
        return root / f"{name}.docx"

    hostile = {}
    hostile["nhieu-the"] = many_elements(folder / "nhieu-the.docx")
    unit = next(forged)
    hostile["doctype-sau-chu-thich"] = rezip(
        filled(unit), folder / "doctype-sau-chu-thich.docx",
        lambda n, d: (d.replace(b"?>", b"?><!--" + b"x" * 6000 + b'--><!DOCTYPE w:document '
                                b'SYSTEM "http://127.0.0.1:9/x.dtd">', 1)
                      if n == "word/document.xml" else d))
    unit = next(forged)
    hostile["macro-doi-ten"] = rezip(
        filled(unit), folder / "macro-doi-ten.docx",
        lambda n, d: (d.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml."
                                b"document.main+xml",
                                b"application/vnd.ms-word.document.macroEnabled.main+xml")
                      if n == "[Content_Types].xml" else d),
        extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512})
    unit = next(forged)
    hostile["ten-phan-ra-ngoai"] = rezip(filled(unit), folder / "ten-phan-ra-ngoai.docx",
                                         extra={"../../ngoai.txt": b"x"})
    unit = next(forged)
    hostile["ten-phan-tuyet-doi"] = rezip(filled(unit), folder / "ten-phan-tuyet-doi.docx",
                                          extra={"/etc/vanban.txt": b"x"})
    openpyxl = pytest.importorskip("openpyxl")
    for name, formula in (("cong-thuc", "=1+1"), ("dde", "=cmd|' /C calc'!A0")):
        unit = next(forged)
        book = openpyxl.load_workbook(out / "don-vi" / f"{unit}.xlsx")
        sheet = book["Phụ lục 1"]
        sheet["D7"] = 120
        sheet["D8"] = formula
        book.save(folder / f"{name}.xlsx")
        hostile[name] = folder / f"{name}.xlsx"
    newline = folder / "Báo cáo\nxấu.docx"
    newline.write_bytes(b"not a zip at all")
    hostile["ten-co-xuong-dong"] = newline
    return {"folder": folder, "good": good, "hostile": hostile, "root": root}


REASONS = {
    "nhieu-the": "thẻ XML",
    "doctype-sau-chu-thich": "DOCTYPE",
    "macro-doi-ten": "macro",
    "ten-phan-ra-ngoai": "trỏ ra ngoài tệp",
    "ten-phan-tuyet-doi": "trỏ ra ngoài tệp",
    "cong-thuc": "chứa công thức «=1+1»",
    "dde": "DDE",
    "ten-co-xuong-dong": "không phải tệp .docx",
}


def test_hostile_files_stay_out_and_the_rest_is_taken(batch, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    # a separate process, so that its peak memory (VmHWM: reset by exec) is its own
    script = ("import sys; from generator.cli import main\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
              "peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
              "print('PEAK', peak.split()[1], file=sys.stderr)\n"
              "sys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", script, "collect", batch["folder"], "--data", data],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    err = done.stderr
    assert done.returncode == 1, err
    assert "Traceback" not in err
    peak_mb = int(re.search(r"PEAK (\d+)", err).group(1)) // 1024
    refused = [line for line in err.splitlines() if ": không nhận: " in line]
    print(f"\nlô thử: {len(batch['hostile']) + len(batch['good'])} tệp, không nhận {len(refused)}, "
          f"nhận {len(batch['good'])}; bộ nhớ cao nhất {peak_mb} MB")
    for name, path in batch["hostile"].items():
        shown = str(path).replace("\n", "\\n")
        line = next((l for l in refused if l.startswith(shown + ": ")), None)
        assert line is not None, (name, err)
        assert REASONS[name] in line, line
    assert "\nxấu.docx" not in err and "Báo cáo\\nxấu.docx" in err   # printed, not obeyed
    assert not re.search(r"\b(Error|error|Exception|No such|line \d+, column)\b", err), err
    taken = sorted(p.stem for p in (data / "bao-cao").glob("*.yaml"))
    assert taken == sorted(batch["good"])
    for record in (data / "bao-cao").glob("*.yaml"):
        assert yaml.safe_load(record.read_text(encoding="utf-8"))["source"]["file"].startswith("tot-")
    assert peak_mb < 300, peak_mb
    assert not (tmp_path / "ngoai.txt").exists() and not Path("/etc/vanban.txt").exists()


def test_a_hostile_file_alone_is_refused_in_vietnamese(batch, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    code, out, err = run_cli(["collect", batch["hostile"]["doctype-sau-chu-thich"], "--data", data],
                             capsys)
    assert code == 1 and "DOCTYPE" in err and "làm giả" in err
    assert not list((data / "bao-cao").glob("*.yaml"))


def test_a_utf16_part_is_searched_for_declarations():
    xml = '<?xml version="1.0" encoding="UTF-16"?><!-- c --><!DOCTYPE a><a/>'.encode("utf-16")
    with pytest.raises(ooxml.Refused, match="DOCTYPE"):
        ooxml.safe_xml(xml, "word/document.xml")


def test_deep_nesting_is_refused():
    xml = b"<a>" * 300 + b"</a>" * 300
    with pytest.raises(ooxml.Refused, match="lồng quá sâu"):
        ooxml.safe_xml(xml, "word/document.xml")
