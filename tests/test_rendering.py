"""The documents as LibreOffice lays them out (Liberation Serif has the metrics of Times New
Roman, so the lines break as in Word): page numbers from page 2, the header lines, the
signature block on the page. Skipped where LibreOffice is missing, unless
VANBAN_REQUIRE_SOFFICE is set (CI sets it, so there these tests always run)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

if not (SOFFICE and PDFTOTEXT):
    if os.environ.get("VANBAN_REQUIRE_SOFFICE"):
        raise RuntimeError("LibreOffice (soffice) và pdftotext là bắt buộc trong CI")
    pytest.skip("cần LibreOffice và poppler-utils", allow_module_level=True)


@pytest.fixture(scope="module")
def pdf_pages(party_plan, state_plan, tmp_path_factory) -> dict[str, list[str]]:
    work = tmp_path_factory.mktemp("pdf")
    shutil.copy(party_plan, work / "party.docx")
    shutil.copy(state_plan, work / "state.docx")
    profile = work / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(work), str(work / "party.docx"),
                    str(work / "state.docx")], check=True, capture_output=True, timeout=240)
    pages = {"_pdfs": [work / "party.pdf", work / "state.pdf"]}
    for name in ("party", "state"):
        text = subprocess.run([PDFTOTEXT, "-layout", str(work / f"{name}.pdf"), "-"],
                              check=True, capture_output=True, text=True).stdout
        pages[name] = [p for p in text.split("\f") if p.strip()]
    return pages


def first_line(page: str) -> str:
    return next(line.strip() for line in page.splitlines() if line.strip())


@pytest.mark.parametrize("name", ["party", "state"])
def test_page_numbers_start_on_page_two(pdf_pages, name):
    pages = pdf_pages[name]
    assert len(pages) >= 2
    assert not first_line(pages[0]).isdigit()
    for number, page in enumerate(pages[1:], start=2):
        assert first_line(page) == str(number)


def test_party_first_page_layout(pdf_pages):
    lines = [line.strip() for line in pdf_pages["party"][0].splitlines() if line.strip()]
    assert lines[0].startswith("ĐẢNG BỘ TỈNH HÀ TĨNH") and lines[0].endswith("ĐẢNG CỘNG SẢN VIỆT NAM")
    # the issuing body breaks into two lines in its column, and the * and number follow
    assert lines[1].startswith("ĐẢNG ỦY KHỐI CÁC CƠ QUAN")
    assert lines[2] == "VÀ DOANH NGHIỆP TỈNH"
    assert lines[3] == "*"
    # the number and the date on one line, as HD 36 and HD 05 draw them
    assert lines[4].startswith("Số 150-KH/ĐUK") and lines[4].endswith("Hà Tĩnh, ngày 23 tháng 02 năm 2021")
    assert lines[5] == "KẾ HOẠCH"


def test_party_signature_block_side_by_side(pdf_pages):
    last = pdf_pages["party"][-1]
    row = next(line for line in last.splitlines() if "Nơi nhận:" in line)
    assert row.strip().startswith("Nơi nhận:") and row.strip().endswith("T/M BAN THƯỜNG VỤ")
    assert "Nguyễn Trọng Vân" in last


def test_state_header_fits_its_columns(pdf_pages):
    lines = [line.strip() for line in pdf_pages["state"][0].splitlines() if line.strip()]
    assert lines[0].startswith("ỦY BAN NHÂN DÂN") and lines[0].endswith(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert lines[1].startswith("TỈNH HÀ TĨNH") and lines[1].endswith("Độc lập - Tự do - Hạnh phúc")


def test_every_letter_is_drawn_in_liberation_serif(pdf_pages):
    """Lines and pages are measured with Times New Roman's metrics only if every Vietnamese
    letter (Ư, Ộ, ậ …) is in Liberation Serif: fonts-liberation 1.x lacks them and LibreOffice
    then draws them in a wider fallback font. fonts-liberation2 has them."""
    for pdf in pdf_pages["_pdfs"]:
        listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                                 text=True).stdout.splitlines()[2:]
        families = {line.split()[0].split("+")[-1].split("-")[0] for line in listing if line.strip()}
        assert families == {"LiberationSerif"}, (pdf.name, families)


@pytest.fixture(scope="module")
def many_pdfs(tmp_path_factory) -> dict[str, list[str]]:
    """The plan, the outline, a skeleton of each level and the consolidated report of both
    examples, laid out by LibreOffice: each as its pages' text."""
    from conftest import DATA, STATE
    from generator.app import main as pipeline

    work = tmp_path_factory.mktemp("many")
    chosen = []
    for name, data in (("dang", DATA), ("nha-nuoc", STATE)):
        out = work / name
        pipeline.build(data, out)
        for path in [out / "ke-hoach.docx", out / "de-cuong.docx", out / "bao-cao-tong-hop.docx",
                     *sorted((out / "don-vi").glob("*.docx"))[:1],
                     *[out / "don-vi" / f"{u}.docx" for u in ("dang-bo-so-tai-chinh", "chi-bo-ban-dan-toc")
                       if (out / "don-vi" / f"{u}.docx").exists()]]:
            target = work / f"{name}--{path.stem}.docx"
            shutil.copy(path, target)
            chosen.append(target)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{work / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(work), *map(str, chosen)],
                   check=True, capture_output=True, timeout=400)
    pages = {}
    for doc in chosen:
        text = subprocess.run([PDFTOTEXT, "-layout", str(doc.with_suffix(".pdf")), "-"], check=True,
                              capture_output=True, text=True).stdout
        pages[doc.stem] = [p for p in text.split("\f") if p.strip()]
    pages["_folder"] = work
    return pages


def test_the_signature_block_never_stands_alone(many_pdfs):
    """On the page that holds «Nơi nhận:» and the signature, some of the body stands above."""
    assert len(many_pdfs) >= 8
    for name, pages in many_pdfs.items():
        if name.startswith("_"):
            continue
        for number, page in enumerate(pages, 1):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            at = next((i for i, line in enumerate(lines) if line.startswith("Nơi nhận:")), None)
            if at is None:
                continue
            above = [line for line in lines[:at] if not line.isdigit()]
            assert above, f"{name}, trang {number}: chỉ có khối chữ ký"


def _foot_gaps_mm(pdf) -> list[float]:
    """For each page but the last: the blank between its last line and the bottom margin."""
    import re
    html = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    gaps = []
    for page in html.split("<page ")[1:-1]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        bottom = max(float(y) for y in re.findall(r'yMax="([\d.]+)"', page))
        gaps.append((height - bottom) / 72 * 25.4 - 20)   # 20 mm: the bottom margin
    return gaps


def test_a_run_of_headings_does_not_empty_the_foot_of_a_page(many_pdfs):
    """A heading keeps with its next line, not a whole run of headings: the outline's pages
    are full to within a few lines."""
    for name in ("dang--de-cuong", "nha-nuoc--de-cuong"):
        gaps = _foot_gaps_mm(many_pdfs["_folder"] / f"{name}.pdf")
        assert all(gap < 25 for gap in gaps), (name, gaps)


def test_no_summary_or_reference_line_is_broken_again_by_the_layout(tmp_path):
    """In every skeleton of the example, the header, summary and «(Kèm theo …)» lines vanban
    breaks are the lines LibreOffice lays out: none is wrapped again inside a word, name or
    symbol."""
    import docx
    from conftest import DATA, texts
    from generator.app import main as pipeline

    pipeline.build(DATA, tmp_path / "out")
    skeletons = sorted((tmp_path / "out" / "don-vi").glob("*.docx"))
    assert len(skeletons) == 49
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, skeletons)],
                   check=True, capture_output=True, timeout=600)
    for path in skeletons:
        found = texts(docx.Document(path))
        wanted = [line for t in found if t.startswith("sơ kết 05 năm") or t.startswith("(Kèm theo")
                  for line in t.split("\n")]
        laid_out = subprocess.run([PDFTOTEXT, "-layout", str(tmp_path / "pdf" / f"{path.stem}.pdf"), "-"],
                                  check=True, capture_output=True, text=True).stdout
        lines = {" ".join(line.split()) for line in laid_out.splitlines()}
        for line in wanted:
            assert " ".join(line.split()) in lines, (path.stem, line)
        # the header's left column: each line vanban broke starts a line of the page (the right
        # column follows it on the same line of text)
        cell = docx.Document(path).tables[0].rows[0].cells[0]
        for paragraph in cell.paragraphs[:2]:
            for line in paragraph.text.split("\n"):
                assert any(l.startswith(" ".join(line.split())) for l in lines), (path.stem, line)


# --- keeping together, by what a reader sees --------------------------------------------------

HEADING_STYLES = {"VB Mục cấp 1 (I.)", "VB Mục cấp 2 (1.)", "VB Mục cấp 3 (1.1.)", "VB Mục cấp 4 (a)",
                  "VB Tên loại văn bản", "VB Trích yếu", "VB Phụ lục", "VB Tên phụ lục",
                  "VB Tiêu đề văn bản kèm theo"}


def short_outline_campaign(target, extra: int = 4):
    """The example campaign with its outline cut to four parts, the last one given ``extra``
    more lines of guidance: short skeletons whose body ends at the foot of page 2, so that
    the signature block would stand alone on page 3 (it did, with 2 to 7 extra lines, while
    the block kept with the empty paragraph left for writing)."""
    import shutil
    from conftest import DATA
    shutil.copytree(DATA, target)
    path = target / "de-cuong.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, l in enumerate(lines) if l.startswith("  - title: Công tác lãnh đạo"))
    last = next(i for i, l in enumerate(lines) if l.startswith("  - title: Kết quả thực hiện"))
    lines = lines[:first] + lines[last:]
    at = next(i for i, l in enumerate(lines) if "Đề xuất, kiến nghị với cấp ủy cấp trên" in l)
    lines[at + 1:at + 1] = [f"      - Kiến nghị thứ {n} (nếu có).\n" for n in range(1, extra + 1)]
    path.write_text("".join(lines), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def every_document(tmp_path_factory) -> dict[str, tuple[list[str], set[str]]]:
    """Every Word document of both examples and of a short-skeleton campaign, laid out by
    LibreOffice in one run: each as (its pages' lines, the texts of its headings)."""
    import docx
    from conftest import DATA, STATE, all_paragraphs
    from generator.app import main as pipeline

    work = tmp_path_factory.mktemp("every")
    chosen = []
    for name, data in (("dang", DATA), ("nha-nuoc", STATE), ("ngan", short_outline_campaign(work / "ngan-data"))):
        out = work / name
        pipeline.build(data, out)
        for path in sorted(out.glob("*.docx")) + sorted((out / "don-vi").glob("*.docx")):
            target = work / "pdf" / f"{name}--{path.parent.name}--{path.stem}.docx"
            target.parent.mkdir(exist_ok=True)
            shutil.copy(path, target)
            chosen.append(target)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{work / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(work / "pdf"), *map(str, chosen)],
                   check=True, capture_output=True, timeout=900)
    found = {}
    for doc in chosen:
        text = subprocess.run([PDFTOTEXT, "-layout", str(doc.with_suffix(".pdf")), "-"], check=True,
                              capture_output=True, text=True).stdout
        pages = [[" ".join(l.split()) for l in p.splitlines() if l.strip() and not l.strip().isdigit()]
                 for p in text.split("\f") if p.strip()]
        # the headings with text under them (a heading followed by another is an item of a
        # list, as the outline's «a) …, b) …», and may end a page)
        shown = [(" ".join(p.text.split()), p.style is not None and p.style.name in HEADING_STYLES)
                 for p in all_paragraphs(docx.Document(doc)) if p.text.strip()]
        headings = {text for (text, heading), (_, next_heading) in zip(shown, shown[1:])
                    if heading and not next_heading}
        found[doc.stem] = (pages, headings)
    return found


def test_every_document_of_three_campaigns_is_laid_out(every_document):
    assert sum(name.startswith("dang--don-vi--") for name in every_document) == 49
    assert sum(name.startswith("ngan--don-vi--") for name in every_document) == 49
    assert any(name.startswith("nha-nuoc--don-vi--") for name in every_document)


def test_the_signature_block_keeps_with_a_line_of_text(every_document):
    """On the page that holds «Nơi nhận:», a line of the body stands above the block; no
    page starts with a line of the signature block."""
    starts = ("Nơi nhận:", "T/M ", "K/T ", "TM. ", "KT. ")
    for name, (pages, _) in every_document.items():
        for number, lines in enumerate(pages, 1):
            at = next((i for i, line in enumerate(lines) if line.startswith("Nơi nhận:")), None)
            if at is not None:
                assert at > 0, f"{name}, trang {number}: chỉ có khối chữ ký"
            if number > 1 and lines:
                assert not lines[0].startswith(starts), f"{name}, trang {number}: {lines[0]}"


def test_a_short_skeleton_carries_its_last_text_onto_the_signature_page(every_document):
    """In the short campaign the body ends at the foot of page 2: the last line of guidance
    goes to page 3 with the signature block, above «Nơi nhận:»."""
    pages, _ = every_document["ngan--don-vi--chi-bo-ban-dan-toc"]
    page = next(lines for lines in pages if any(l.startswith("Nơi nhận:") for l in lines))
    at = next(i for i, l in enumerate(page) if l.startswith("Nơi nhận:"))
    assert page[at - 1].startswith("Gợi ý (thay bằng nội dung của đơn vị): Kiến nghị thứ 4")


@pytest.mark.xfail(strict=True, reason="LibreOffice leaves a keep-with-next heading at the foot of "
                   "page 1 in two documents of the short campaign (its digest, one skeleton), though "
                   "the heading keeps with its next by its style; the digest does so with the one-row "
                   "header too, and not when the header table is replaced by paragraphs: a LibreOffice "
                   "keep chain on a page that starts with a table; not solved yet (issue 20, item 2)")
def test_no_page_ends_with_a_heading(every_document):
    """A heading, a title, an appendix's name never stands at the foot of a page with its
    text on the next."""
    checked, found = 0, []
    for name, (pages, headings) in every_document.items():
        for number, lines in enumerate(pages[:-1], 1):
            if not lines:
                continue
            last = lines[-1]
            checked += 1
            if any(last in heading for heading in headings if len(last) > 3):
                found.append(f"{name}, trang {number} kết thúc bằng đề mục: {last}")
    assert checked > 100
    assert not found, found


# --- the header's number and date, measured -----------------------------------------------------

def _words(pdf) -> list[tuple[float, float, float, float, str]]:
    import re
    html = subprocess.run([PDFTOTEXT, "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [(float(a), float(b), float(c), float(d), html_text) for a, b, c, d, html_text in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', html)]


def _baseline(word) -> float:
    """A word's baseline from its box: the box is ascent + descent of the font (Liberation
    Serif: 0.891 + 0.216 of the size), the baseline the descent above its bottom."""
    return word[3] - (word[3] - word[1]) * 0.216 / 1.107


def _line(words, first: str, below: float = 0):
    """The words of the line that starts with ``first`` (the first such word below ``below``)."""
    start = next(w for w in words if w[4] == first and w[1] > below)
    return sorted(w for w in words if abs(w[3] - start[3]) < 0.5)


def test_number_and_date_stand_level_where_each_format_puts_them(tmp_path):
    """The plan and a skeleton in HD 36, HD 05 and NĐ 30, laid out by LibreOffice: «Số …» and
    the date on one baseline (±1 pt); the date inside the right column (never past the text's
    right edge), centred under the title for HD 05 and NĐ 30, ending at the column's right for
    HD 36."""
    from conftest import DATA, STATE
    from test_hd05 import dated_2026
    from generator.app import main as pipeline
    from generator.formats.profiles import build_profile

    chosen = {}
    for name, data in (("hd36", DATA), ("nd30", STATE), ("hd05", dated_2026(tmp_path / "d05"))):
        out = tmp_path / name
        pipeline.build(data, out)
        unit = sorted((out / "don-vi").glob("*.docx"))[0]
        for kind, path in (("kh", out / "ke-hoach.docx"), ("dv", unit)):
            target = tmp_path / "pdf" / f"{name}-{kind}.docx"
            target.parent.mkdir(exist_ok=True)
            shutil.copy(path, target)
            chosen[target] = name
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, chosen)],
                   check=True, capture_output=True, timeout=240)
    for doc, name in chosen.items():
        profile = build_profile({"hd36": "dang-hd36", "hd05": "dang-hd05-2026", "nd30": "nha-nuoc-nd30"}[name])
        page = profile.page
        left = page.margin_left_mm / 25.4 * 72 + page.header_indent_cm / 2.54 * 72
        split = left + page.header_left_cm / 2.54 * 72          # where the right column starts
        right_edge = (page.width_mm - page.margin_right_mm) / 25.4 * 72
        words = _words(doc.with_suffix(".pdf"))
        number = next(w for w in words if w[4] in ("Số", "Số:"))
        date = [w for w in _line(words, "ngày", number[1] - 5) if w[0] > split]
        assert date and date[-1][4].isdigit(), (doc.stem, date)
        assert abs(_baseline(number) - _baseline(date[0])) <= 1, (doc.stem, number, date[0])
        start, end = date[0][0], date[-1][2]
        assert start >= split - 0.5 and end <= right_edge + 0.5, (doc.stem, start, end, split, right_edge)
        top = min((w for w in words if w[0] > split), key=lambda w: w[1])   # the title's first word
        title = [w for w in words if w[0] > split and abs(w[3] - top[3]) < 0.5]
        assert " ".join(w[4] for w in sorted(title)) == profile.texts.national_title, (doc.stem, title)
        title_centre = (title[0][0] + title[-1][2]) / 2
        date_centre = (start + end) / 2
        if profile.styles["place_date"].align == "center":
            assert abs(date_centre - title_centre) <= 3, (doc.stem, date_centre, title_centre)
        else:
            assert abs(end - right_edge) <= 3, (doc.stem, end, right_edge)
