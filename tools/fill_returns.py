"""Fill every skeleton of a build as a user would in Word (a developer's and the tests' tool).

    python tools/fill_returns.py OUT_DIR TARGET_DIR [--skip N] [--seed S]

Types into the marked cells through python-docx: figures split over several runs, some
written ``1.234`` or ``12,5``, «Có»/«Không» answers, some cells left blank; replaces a
guidance paragraph; saves each copy under TARGET_DIR with a name a unit might give it.
Returns what was typed, so a test can compare the consolidated totals with it.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import docx
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def marked_cells(document) -> dict[str, object]:
    """Content-control tag → the cell (python-docx) that holds it."""
    out = {}
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for sdt in cell._tc.iter(qn("w:sdt")):
                    tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
                    if tag is not None:
                        out[tag.get(qn("w:val"))] = cell
    return out


def type_into(cell, text: str) -> None:
    """Type ``text`` into the cell's content control, split over runs as Word often does."""
    sdt = next(cell._tc.iter(qn("w:sdt")))
    content = sdt.find(qn("w:sdtContent"))
    for run in list(content):
        content.remove(run)
    pieces = [text[:1], text[1:]] if len(text) > 1 else [text]
    for piece in pieces:
        r = content.makeelement(qn("w:r"), {})
        t = r.makeelement(qn("w:t"), {})
        t.text = piece
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(t)
        content.append(r)


def fill(path: Path, target: Path, rng: random.Random) -> dict[str, object]:
    """Fill one skeleton; return tag → the value typed (None when left blank)."""
    document = docx.Document(path)
    typed: dict[str, object] = {}
    members = rng.randint(20, 1500)
    registered: dict[str, int] = {}
    for tag, cell in marked_cells(document).items():
        _, table, row, column = tag.split(":")
        if rng.random() < 0.05:          # left blank
            typed[tag] = None
            continue
        if table == "pl3":
            answer = rng.random() < 0.7
            text = rng.choice(["Có", "có", "x"]) if answer else rng.choice(["Không", "không"])
            typed[tag] = answer
        else:
            if (table, row) == ("pl1", "r1"):
                value = members
            elif (table, row) == ("pl1", "r5"):
                value = rng.randint(0, members)
            elif (table, row) == ("pl2", "dang-ky"):
                value = registered[column] = rng.randint(0, 40)
            elif (table, row) == ("pl2", "cong-nhan"):
                value = rng.randint(0, registered.get(column) or 0)
            else:
                value = rng.randint(0, 1500)
            text = f"{value:,}".replace(",", ".")      # 1.234 the Vietnamese way
            typed[tag] = value
        type_into(cell, text)
    if rng.random() < 0.2:  # some type a share over the computed cell, the Vietnamese way
        for table in document.tables:
            for row in table.rows:
                if row.cells[1].text.startswith("Tỷ lệ đảng viên"):
                    cell = row.cells[-1].paragraphs[0]
                    for run in cell.runs:
                        run.text = ""
                    cell.add_run("12,5%")
    for p in document.paragraphs:
        if p.text.startswith("Khái quát chức năng"):
            for run in p.runs:
                run.text = ""
            p.runs[0].text = "Đơn vị có 3 chi bộ trực thuộc."
            break
    document.save(target)
    return typed


def main() -> None:
    out, target = Path(sys.argv[1]), Path(sys.argv[2])
    skip = int(sys.argv[sys.argv.index("--skip") + 1]) if "--skip" in sys.argv else 0
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    files = sorted((out / "don-vi").glob("*.docx"))
    for path in files[skip:]:
        fill(path, target / f"BC so ket - {path.stem}.docx", rng)
    print(f"đã điền {len(files) - skip} báo cáo vào {target}")


if __name__ == "__main__":
    main()
