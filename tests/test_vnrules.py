"""The Vietnamese rules, table by table."""

from datetime import date
from decimal import Decimal

import pytest

from generator.formats import vnrules
from generator.formats.profiles import build_profile

PARTY = build_profile("dang-hd36")
STATE = build_profile("nha-nuoc-nd30")


# Every month: 1 and 2 get a leading zero, 3–12 do not; a day below 10 gets one.
@pytest.mark.parametrize("month, expected", [
    (1, "ngày 05 tháng 01 năm 2021"), (2, "ngày 05 tháng 02 năm 2021"),
    (3, "ngày 05 tháng 3 năm 2021"), (4, "ngày 05 tháng 4 năm 2021"),
    (5, "ngày 05 tháng 5 năm 2021"), (6, "ngày 05 tháng 6 năm 2021"),
    (7, "ngày 05 tháng 7 năm 2021"), (8, "ngày 05 tháng 8 năm 2021"),
    (9, "ngày 05 tháng 9 năm 2021"), (10, "ngày 05 tháng 10 năm 2021"),
    (11, "ngày 05 tháng 11 năm 2021"), (12, "ngày 05 tháng 12 năm 2021"),
])
def test_full_date_every_month(month, expected):
    assert vnrules.full_date(date(2021, month, 5), "Hà Tĩnh") == f"Hà Tĩnh, {expected}"


@pytest.mark.parametrize("d, expected", [
    (date(2021, 2, 23), "Hà Tĩnh, ngày 23 tháng 02 năm 2021"),
    (date(2023, 3, 5), "Hà Tĩnh, ngày 05 tháng 3 năm 2023"),
    (date(2021, 6, 29), "Hà Tĩnh, ngày 29 tháng 6 năm 2021"),
    (date(2021, 4, 3), "Hà Tĩnh, ngày 03 tháng 4 năm 2021"),
    (date(2021, 1, 10), "Hà Tĩnh, ngày 10 tháng 01 năm 2021"),
])
def test_full_date_examples_of_the_rules(d, expected):
    assert vnrules.full_date(d, "Hà Tĩnh") == expected


@pytest.mark.parametrize("d, expected", [
    (date(2016, 10, 10), "10/10/2016"), (date(2016, 3, 10), "10/3/2016"),
    (date(2021, 5, 5), "05/5/2021"), (date(2021, 2, 23), "23/02/2021"),
    (date(2021, 1, 1), "01/01/2021"), (date(2020, 12, 31), "31/12/2020"),
    (date(2021, 9, 9), "09/9/2021"), (date(2021, 11, 30), "30/11/2021"),
])
def test_short_date(d, expected):
    assert vnrules.short_date(d) == expected


def test_blank_date_keeps_the_year():
    assert vnrules.blank_date(2021, "Hà Tĩnh") == "Hà Tĩnh, ngày    tháng    năm 2021"


@pytest.mark.parametrize("profile, number, doc_type, issuer, expected", [
    (PARTY, 150, "KH", "ĐUK", "Số 150-KH/ĐUK"),
    (PARTY, 5, "KH", "ĐUK", "Số 05-KH/ĐUK"),
    (PARTY, 10, "BC", "ĐU", "Số 10-BC/ĐU"),
    (PARTY, None, "BC", "ĐU", "Số    -BC/ĐU"),
    (PARTY, None, "BC", "CB", "Số    -BC/CB"),
    (STATE, 7, "KH", "UBND", "Số: 07/KH-UBND"),
    (STATE, 12, "KH", "UBND", "Số: 12/KH-UBND"),
    (STATE, 12, None, "UBND-VX", "Số: 12/UBND-VX"),
    (STATE, None, "KH", "UBND", "Số:      /KH-UBND"),
])
def test_number_line(profile, number, doc_type, issuer, expected):
    assert vnrules.number_line(number, doc_type, issuer, profile) == expected


def test_party_number_has_no_colon_and_state_has_one():
    assert ":" not in vnrules.number_line(150, "KH", "ĐUK", PARTY)
    assert vnrules.number_line(150, "KH", "UBND", STATE).startswith("Số: ")


@pytest.mark.parametrize("profile, expected", [
    (PARTY, "Nghị quyết số 01-NQ/ĐUK, ngày 10/10/2016"),
    (STATE, "Nghị quyết số 01-NQ/ĐUK ngày 10/10/2016"),
])
def test_reference(profile, expected):
    assert vnrules.reference("Nghị quyết", "01-NQ/ĐUK", date(2016, 10, 10), profile) == expected
    assert vnrules.reference("Nghị quyết", "01-NQ/ĐUK", None, profile) == "Nghị quyết số 01-NQ/ĐUK"


@pytest.mark.parametrize("value, decimals, expected", [
    (0, 0, "0"), (7, 0, "7"), (1234, 0, "1.234"), (1234567, 0, "1.234.567"),
    (12.5, 1, "12,5"), (12.0, 1, "12"), (1234.56, 2, "1.234,56"), (0.05, 1, "0,1"),
    (None, 0, ""),
])
def test_figure(value, decimals, expected):
    assert vnrules.figure(value, decimals) == expected


@pytest.mark.parametrize("value, expected", [
    (85.5, "85,5%"), (100, "100%"), (0, "0%"), (33.333, "33,3%"), (66.66, "66,7%"),
])
def test_percent(value, expected):
    assert vnrules.percent(value) == expected


@pytest.mark.parametrize("part, whole, expected", [
    (171, 200, "85,5%"), (1, 3, "33,3%"), (2, 3, "66,7%"), (5, 0, ""), (40, 40, "100%"),
])
def test_share(part, whole, expected):
    assert vnrules.share(part, whole) == expected


@pytest.mark.parametrize("n, expected", [
    (1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V"), (6, "VI"), (9, "IX"), (10, "X"),
    (14, "XIV"), (19, "XIX"), (40, "XL"), (49, "XLIX"), (90, "XC"), (2021, "MMXXI"),
])
def test_roman(n, expected):
    assert vnrules.roman(n) == expected


def test_letters_follow_the_vietnamese_order():
    sequence = [vnrules.letter(n) for n in range(1, 24)]
    assert sequence == ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o",
                        "p", "q", "r", "s", "t", "u", "v", "x", "y"]
    assert vnrules.letter(24) == "aa"
    for missing in "fjwz":
        assert missing not in sequence


@pytest.mark.parametrize("profile, path, expected", [
    (PARTY, (1,), "I."), (PARTY, (4,), "IV."), (PARTY, (3, 1), "1."), (PARTY, (3, 1, 2), "1.2."),
    (PARTY, (3, 1, 2, 5), "đ)"), (STATE, (2,), "II."), (STATE, (2, 3), "3."),
    (STATE, (2, 3, 6), "e)"),
])
def test_heading_label(profile, path, expected):
    assert vnrules.heading_label(path, profile) == expected


def test_heading_deeper_than_the_profile_reuses_its_last_format():
    # validation refuses such a tree; the label itself never fails
    assert vnrules.heading_label((1, 1, 1, 2), STATE) == "b)"


def test_upper_vietnamese():
    assert vnrules.upper("Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh") == \
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH"
    assert vnrules.upper("Ban Thường vụ") == "BAN THƯỜNG VỤ"


def test_party_header():
    h = vnrules.header(superior="Đảng bộ tỉnh Hà Tĩnh",
                       issuer_lines=["Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh"],
                       number="Số 150-KH/ĐUK", place_date="Hà Tĩnh, ngày 23 tháng 02 năm 2021",
                       profile=PARTY)
    assert (h.superior, h.issuer, h.separator, h.issuer_rule, h.national_title, h.motto) == (
        "ĐẢNG BỘ TỈNH HÀ TĨNH", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN\nVÀ DOANH NGHIỆP TỈNH", "*", False,
        "ĐẢNG CỘNG SẢN VIỆT NAM", "")


def test_state_header():
    h = vnrules.header(superior=None, issuer_lines=["Ủy ban nhân dân", "tỉnh Hà Tĩnh"],
                       number="Số: 12/KH-UBND", place_date="x", profile=STATE)
    assert (h.superior, h.issuer, h.separator, h.issuer_rule, h.national_title, h.motto) == (
        "", "ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH", "", True, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc")


@pytest.mark.parametrize("profile, authority, title, signed, expected", [
    (PARTY, [("tm", "Ban Thường vụ")], "Phó Bí thư", True,
     (["T/M BAN THƯỜNG VỤ"], "PHÓ BÍ THƯ", "(Đã ký)")),
    (PARTY, [("tm", "Đảng ủy")], "Bí thư", False, (["T/M ĐẢNG ỦY"], "BÍ THƯ", "")),
    (PARTY, [("tm", "Chi bộ")], "Bí thư", False, (["T/M CHI BỘ"], "BÍ THƯ", "")),
    (PARTY, [("kt", "Trưởng ban")], "Phó Trưởng ban", False,
     (["K/T TRƯỞNG BAN"], "PHÓ TRƯỞNG BAN", "")),
    (PARTY, [("tl", "Ban Thường vụ")], "Chánh Văn phòng", False,
     (["T/L BAN THƯỜNG VỤ"], "CHÁNH VĂN PHÒNG", "")),
    (STATE, [("tm", "Ủy ban nhân dân"), ("kt", "Chủ tịch")], "Phó Chủ tịch", False,
     (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH", "")),
    (STATE, [("tl", "Chủ tịch")], "Chánh Văn phòng", False, (["TL. CHỦ TỊCH"], "CHÁNH VĂN PHÒNG", "")),
    (STATE, [("tuq", "Chủ tịch")], "Giám đốc Sở Nội vụ", False,
     (["TUQ. CHỦ TỊCH"], "GIÁM ĐỐC SỞ NỘI VỤ", "")),
    (STATE, [("q", "Giám đốc")], "Phó Giám đốc", False, (["Q. GIÁM ĐỐC"], "PHÓ GIÁM ĐỐC", "")),
])
def test_signature(profile, authority, title, signed, expected):
    sig = vnrules.signature(authority=[vnrules.Authority(m, o) for m, o in authority], title=title,
                            name="Nguyễn Trọng Vân", signed=signed, profile=profile)
    assert (sig.authority, sig.title, sig.signed_mark) == expected
    assert sig.name == "Nguyễn Trọng Vân"


def test_a_party_committee_never_signs_kt_bi_thu():
    why = vnrules.signature_problem([vnrules.Authority("kt", "Bí thư")], "Phó Bí thư",
                                    committee=True, profile=PARTY)
    assert why and "K/T BÍ THƯ" in why and "T/M BAN THƯỜNG VỤ" in why
    # an advisory body (not a committee) may sign K/T
    assert vnrules.signature_problem([vnrules.Authority("kt", "Trưởng ban")], "Phó Trưởng ban",
                                     committee=False, profile=PARTY) is None
    # a mode the profile does not have
    assert "TUQ" not in PARTY.signature.modes.values()
    assert vnrules.signature_problem([vnrules.Authority("tuq", "Bí thư")], "x", False, PARTY)


@pytest.mark.parametrize("profile, expected", [
    (PARTY, ["- Thường trực Tỉnh ủy,", "- Các ban, đoàn thể Khối,", "- Lưu Văn phòng ĐUK."]),
    (STATE, ["- Thường trực Tỉnh ủy;", "- Các ban, đoàn thể Khối;", "- Lưu Văn phòng ĐUK."]),
])
def test_recipients_punctuation(profile, expected):
    # typed with or without dash and end marks, the output follows the profile
    typed = ["Thường trực Tỉnh ủy", "- Các ban, đoàn thể Khối;", "Lưu Văn phòng ĐUK,"]
    assert vnrules.recipients(typed, profile) == expected


def test_state_last_recipient_keeps_inner_commas():
    assert vnrules.recipients(["Bộ Nội vụ (b/c)", "Lưu: VT, NC"], STATE) == \
        ["- Bộ Nội vụ (b/c);", "- Lưu: VT, NC."]


def test_attachment_lines():
    assert vnrules.attached_to("Kế hoạch", "150-KH/ĐUK", "23/02/2021", "Ban Thường vụ Đảng ủy Khối",
                               PARTY) == \
        "(Kèm theo Kế hoạch số 150-KH/ĐUK, ngày 23/02/2021 của Ban Thường vụ Đảng ủy Khối)"
    blank = vnrules.symbol(None, "BC", "ĐU", PARTY)
    assert vnrules.attached_to("Báo cáo", blank, vnrules.blank_day(2021), "Đảng ủy Sở Tài chính",
                               PARTY) == \
        "(Kèm theo Báo cáo số    -BC/ĐU, ngày    tháng    năm 2021 của Đảng ủy Sở Tài chính)"
    assert vnrules.attached_to("Kế hoạch", "12/KH-UBND", "08/01/2024", "UBND tỉnh", STATE) == \
        "(Kèm theo Kế hoạch số 12/KH-UBND ngày 08/01/2024 của UBND tỉnh)"


@pytest.mark.parametrize("profile, n, expected", [
    (PARTY, 1, "Phụ lục 1"), (PARTY, 4, "Phụ lục 4"), (STATE, 1, "Phụ lục I"), (STATE, 4, "Phụ lục IV"),
])
def test_appendix_label(profile, n, expected):
    assert vnrules.appendix_label(n, profile) == expected


@pytest.mark.parametrize("name, unit_prefix, committee_prefix, expected", [
    ("Đảng bộ Sở Tài chính", "Đảng bộ", "Đảng ủy", "Đảng ủy Sở Tài chính"),
    ("Chi bộ Ban Dân tộc", "Chi bộ", "Chi bộ", "Chi bộ Ban Dân tộc"),
    ("Đảng bộ Cục Thuế tỉnh", "Đảng bộ", "Đảng ủy", "Đảng ủy Cục Thuế tỉnh"),
    ("Sở Tài chính", "Đảng bộ", "Đảng ủy", None),
    ("Sở Nội vụ", None, None, "Sở Nội vụ"),
])
def test_committee_name(name, unit_prefix, committee_prefix, expected):
    assert vnrules.committee_name(name, unit_prefix, committee_prefix) == expected


@pytest.mark.parametrize("value", [10**28, 10**30, -10**30, 1e308, float("inf"), float("-inf"),
                                   float("nan"), 10**5000, Decimal("1e999999999"), True, 0.05],
                         ids=lambda v: str(v)[:8] if not isinstance(v, int) or v < 10**100 else "10^5000")
def test_formatting_never_raises_on_a_stored_value(value):
    """Whatever a record holds (a hand edit, a file from before the reading bounds): a figure,
    a percentage and a share are written, never an exception."""
    for text in (vnrules.figure(value), vnrules.figure(value, 1), vnrules.percent(value),
                 vnrules.share(value, 3), vnrules.share(1, value)):
        assert isinstance(text, str) and len(text) < 80


def test_a_figure_past_28_digits_is_written_in_full():
    assert vnrules.figure(10**30) == "1." + ".".join(["000"] * 10)


def _cldr_figure(value, decimals: int, fixed: bool) -> str:
    """The figure as babel writes it from CLDR's data for «vi» (the reference the rule in
    vnrules is checked against), rounded half up first as the rule rounds."""
    from decimal import ROUND_HALF_UP, localcontext

    from babel.numbers import format_decimal

    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    with localcontext() as exact:
        exact.prec = max(28, number.adjusted() + decimals + 2)
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        pattern = "#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals else "")
        return format_decimal(rounded, format=pattern, locale="vi")


def test_figures_are_written_as_cldr_writes_vietnamese_numbers():
    """vnrules groups and separates figures itself (babel loaded its locale data in every
    process that wrote one): for integers, floats and decimals of every size, sign and
    precision, with and without fixed decimals, it writes what babel writes for «vi» — but
    for a figure that rounds to nothing, which is 0, never «-0»."""
    import random

    rng = random.Random(20261203)
    values = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 99999, 100000, 999999, 1000000, 10**27,
              10**28 + 7, 10**45 + 123, 10**61 - 1, -(10**61 - 1), -1, -1000, -1234567, 0.5, 1.5, 2.5, 0.05, 0.004, 12.345,
              1234.5678, 999.995, 99.95, Decimal("1E+5"), Decimal("12.300"), Decimal("-0.5"),
              Decimal("123456789012345678901234567890.125")]
    for _ in range(3000):
        digits = rng.randint(1, 40)
        value = Decimal(rng.randint(-10**digits, 10**digits)).scaleb(-rng.randint(0, 8))
        values.append(value)
        values.append(float(value) if abs(value) < 10**15 else int(value))
    compared = 0
    for value in values:
        for decimals in (0, 1, 2, 3):
            for fixed in (False, True):
                ours = vnrules.figure(value, decimals, fixed)
                expected = _cldr_figure(value, decimals, fixed)
                if expected.startswith("-") and not expected.strip("-0,"):
                    assert ours == expected[1:], (value, decimals, fixed)   # «-0», «-0,00»
                else:
                    assert ours == expected, (value, decimals, fixed)
                    compared += 1
    assert compared > 40_000


@pytest.mark.parametrize("value, decimals, fixed, expected", [
    (-0.3, 0, False, "0"), (-0.04, 1, False, "0"), (-0.004, 2, True, "0,00"),
    (-1234.5, 0, False, "-1.235"), (-0.05, 1, True, "-0,1"),
])
def test_a_negative_figure_keeps_its_sign_unless_it_rounds_to_nothing(value, decimals, fixed, expected):
    assert vnrules.figure(value, decimals, fixed) == expected
