"""The Vietnamese rules of an official document, in one place.

Dates (with the leading-zero rule), document numbers, figures and percentages, Roman numerals,
the Vietnamese letter sequence, heading labels, the header block, the signature block and the
recipients block. Everything that differs between the Party format (HD 36) and the state format
(NĐ 30) is read from the :class:`~generator.formats.profiles.Profile` passed in: this module holds the
rules, the profile holds the values.

Templates reach these functions as Jinja filters and globals (see ``environment.py``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext

from ..base import measure
from ..base.thousands import thousands
from .profiles import Profile
from .styles import text_width_cm


# The order Vietnamese documents use for lettered items: đ comes after d; f, j, w, z are not
# Vietnamese letters and are never used.
LETTERS = ("a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m",
           "n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y")

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


# --- text ---------------------------------------------------------------------------------

SYMBOL = re.compile(r"\w+(?:[/-]\w+)+")  # a candidate: words joined by «/» or «-»


def is_symbol(token: str) -> bool:
    """Whether ``token`` (a :data:`SYMBOL` match) is a document symbol — ``01-NQ/ĐUK``,
    ``1847/QĐ-TTg``, ``QĐ-TTg``, ``05-CT`` — rather than a range of years (``2020-2025``) or
    a compound (``thi đua-khen``): a slash in it, or a hyphen between a number or capitals
    and a capital. A symbol is written as issued: never upper-cased, never cut at its hyphen."""
    if "/" in token:
        return True
    left, _, right = token.partition("-")
    return right[:1].isupper() and (left.isdigit() or left.isupper())


def upper(text: str) -> str:
    """Capitals of a Vietnamese text, in NFC (``Đảng ủy Khối`` → ``ĐẢNG ỦY KHỐI``); document
    symbols keep their own case (``Quyết định 1847/QĐ-TTg`` → ``QUYẾT ĐỊNH 1847/QĐ-TTg``)."""
    text = unicodedata.normalize("NFC", text)
    out, last = [], 0
    for m in SYMBOL.finditer(text):
        out.append(text[last:m.start()].upper())
        out.append(m.group(0) if is_symbol(m.group(0)) else m.group(0).upper())
        last = m.end()
    out.append(text[last:].upper())
    return unicodedata.normalize("NFC", "".join(out))


def capitalize_first(text: str) -> str:
    """First letter in capitals, the rest untouched (a state summary line)."""
    return text[:1].upper() + text[1:] if text else text


def after_colon(text: str) -> str:
    """What follows «…:» in a line: the first letter in lower case, as a sentence goes on after
    a colon («…: số đếm phải là số nguyên»), unless the first word is an abbreviation (UBND,
    HĐND) — so the lines of a list read alike whatever case their author typed."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and not first.isupper():
        return first[0].lower() + text[1:]
    return text


# --- numbers ------------------------------------------------------------------------------

def two_digits(n: int) -> str:
    """``5`` → ``05``; numbers of two digits and more are unchanged."""
    return f"{n:02d}"


def day_text(day: int) -> str:
    """A day below 10 gets a leading zero."""
    return two_digits(day)


def month_text(month: int) -> str:
    """Months 1 and 2 get a leading zero; months 3–12 do not (NĐ 30, HD 36)."""
    return two_digits(month) if month <= 2 else str(month)


def roman(n: int) -> str:
    """Roman numeral of a positive integer: ``4`` → ``IV``."""
    if n < 1:
        raise ValueError(f"số La Mã phải dương: {n}")
    out = []
    for value, symbol in _ROMAN:
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)


def letter(n: int) -> str:
    """The n-th letter of the Vietnamese sequence (1 → ``a``, 5 → ``đ``, 24 → ``aa``)."""
    if n < 1:
        raise ValueError(f"thứ tự chữ cái phải dương: {n}")
    size = len(LETTERS)
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, size)
        out = LETTERS[rest] + out
    return out


def _decimal(value: int | float | Decimal) -> Decimal:
    """Any stored number as a Decimal, exactly (an integer past 10^1000: infinite)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        if abs(value).bit_length() > 3000:
            return Decimal("-Infinity") if value < 0 else Decimal("Infinity")
        return Decimal(int(value))
    return Decimal(str(value))


_WRITTEN_IN_FULL = 10 ** 61     # from here on a figure is written short (1,000E+61)


def figure(value: int | float | Decimal | None, decimals: int = 0, fixed: bool = False) -> str:
    """A figure the Vietnamese way: ``1234567`` → ``1.234.567``, ``12.5`` → ``12,5``.

    ``decimals`` is the largest number of decimals shown; trailing zeros are dropped, unless
    ``fixed`` (a column of rates: ``64,0`` beside ``66,7``, never ``64``).
    ``None`` (no figure) gives an empty string.
    """
    if value is None:
        return ""
    if type(value) is int and -_WRITTEN_IN_FULL < value < _WRITTEN_IN_FULL:   # the usual figure
        whole = thousands(abs(value))
        fraction = "," + "0" * decimals if fixed and decimals else ""
        return ("-" if value < 0 else "") + whole + fraction
    number = _decimal(value)
    if not number.is_finite():  # never a figure read (see figures.bounded); said, never raised
        return "" if number.is_nan() else ("−∞" if number < 0 else "∞")
    if number.adjusted() > 60:  # no figure is this large (≥ _WRITTEN_IN_FULL): written short
        return f"{number:.3E}".replace(".", ",")
    with localcontext() as exact:  # every digit kept: 28 would fail past 10^28
        exact.prec = max(28, number.adjusted() + decimals + 2)
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded.copy_abs():f}".partition(".")
    if not fixed:
        fraction = fraction.rstrip("0")
    whole = thousands(int(whole))   # thousands grouped by «.», the decimals after «,» (CLDR «vi»)
    sign = "-" if rounded < 0 else ""   # a figure rounded to nothing is 0, never «-0»
    return f"{sign}{whole},{fraction}" if fraction else sign + whole


def percent(value: int | float | Decimal | None, decimals: int = 1) -> str:
    """A percentage the Vietnamese way: ``85.5`` → ``85,5%`` (the value is already ×100)."""
    if value is None:
        return ""
    return figure(value, decimals) + "%"


def share(part: int | float, whole: int | float, decimals: int = 1) -> str:
    """``part`` as a percentage of ``whole``; empty when the whole is zero."""
    if not whole:
        return ""
    with localcontext() as lenient:  # an absurd figure gives ∞, never an exception
        lenient.traps[Overflow] = lenient.traps[InvalidOperation] = False
        lenient.traps[DivisionByZero] = False
        value = _decimal(part) * 100 / _decimal(whole)
    return percent(value, decimals)


# --- dates --------------------------------------------------------------------------------

def short_date(d: date) -> str:
    """Date in running text: ``23/02/2021``, ``10/3/2016``, ``05/5/2021``."""
    return f"{day_text(d.day)}/{month_text(d.month)}/{d.year}"


def date_words(d: date) -> str:
    """A date in words: ``ngày 23 tháng 02 năm 2021``."""
    return f"ngày {day_text(d.day)} tháng {month_text(d.month)} năm {d.year}"


def full_date(d: date, place: str) -> str:
    """Place and date line: ``Hà Tĩnh, ngày 23 tháng 02 năm 2021``."""
    return f"{place}, {date_words(d)}"


BLANK = "    "  # the gap left for a number or a day a unit writes by hand


def blank_day(year: int) -> str:
    """The date of a reference a unit completes by hand: ``   tháng    năm 2021`` (follows
    «ngày »)."""
    return f"{BLANK[1:]}tháng{BLANK}năm {year}"


def blank_date(year: int, place: str) -> str:
    """Date line of a skeleton, filled in by hand but for the year:
    ``Hà Tĩnh, ngày    tháng    năm 2021``."""
    return f"{place}, ngày{BLANK}tháng{BLANK}năm {year}"


# --- document numbers ---------------------------------------------------------------------

def number_text(number: int | None, profile: Profile) -> str:
    """The number part: zero-padded below 10, or the blank of a skeleton."""
    if number is None:
        return profile.numbering.blank_number
    return two_digits(number)


def symbol(number: int | None, doc_type: str | None, issuer: str, profile: Profile) -> str:
    """Number and symbol: ``150-KH/ĐUK`` (Party), ``07/KH-UBND`` (state), ``12/UBND-VX``
    (a state công văn, which has no type symbol)."""
    pattern = profile.numbering.symbol if doc_type else profile.numbering.symbol_no_type
    return pattern.format(number=number_text(number, profile), type=doc_type or "",
                          issuer=issuer)


def letter_type(profile: Profile) -> str | None:
    """The type symbol of a letter (công văn): ``CV`` in a Party document (``Số 12-CV/ĐUK``);
    none in a state one, whose letters have no type symbol (``Số: 12/UBND-VX``)."""
    return "CV" if profile.texts.national_title.upper().startswith("ĐẢNG") else None


def number_line(number: int | None, doc_type: str | None, issuer: str, profile: Profile) -> str:
    """The number line of the header: ``Số 150-KH/ĐUK`` or ``Số: 07/KH-UBND``."""
    return profile.numbering.label + symbol(number, doc_type, issuer, profile)


def reference(name: str, symbol_text: str, d: date | None, profile: Profile) -> str:
    """A reference to a document in running text:
    ``Nghị quyết số 01-NQ/ĐUK, ngày 10/10/2016`` (Party) or
    ``Quyết định số 1847/QĐ-TTg ngày 27/12/2018`` (state)."""
    if d is None:
        return f"{name} số {symbol_text}"
    return profile.numbering.reference.format(name=name, symbol=symbol_text,
                                              date=short_date(d))


# --- units --------------------------------------------------------------------------------

def committee_name(unit_name: str, unit_prefix: str | None, committee_prefix: str | None) -> str | None:
    """The name a unit's committee signs with: ``Đảng bộ Sở Tài chính`` → ``Đảng ủy Sở Tài
    chính``; ``Chi bộ Ban Dân tộc`` stays. ``None`` when the name does not start with the
    level's prefix (the data must then say it)."""
    if not unit_prefix or not committee_prefix:
        return unit_name
    if not unit_name.lower().startswith(unit_prefix.lower() + " "):
        return None
    return committee_prefix + unit_name[len(unit_prefix):]


def attached_to(doc_name: str, symbol_text: str, date_text: str, issuer: str,
                profile: Profile) -> str:
    """The line under an attachment's title:
    ``(Kèm theo Kế hoạch số 150-KH/ĐUK, ngày 23/02/2021 của Ban Thường vụ Đảng ủy Khối)``."""
    ref = profile.numbering.reference.format(name=doc_name, symbol=symbol_text, date=date_text)
    return f"(Kèm theo {ref} của {issuer})"


def appendix_label(n: int, profile: Profile) -> str:
    """``Phụ lục 1`` (Party) or ``Phụ lục I`` (state)."""
    return "Phụ lục " + (roman(n) if profile.numbering.appendix == "roman" else str(n))


# --- headings -----------------------------------------------------------------------------

def heading_label(path: tuple[int, ...], profile: Profile,
                  formats: list[str] | None = None) -> str:
    """Label of a heading from its position in the tree: ``(2,)`` → ``II.``,
    ``(3, 1)`` → ``1.``, ``(3, 1, 2)`` → ``1.2.``, then ``a)``, ``b)`` … ``đ)``.

    A level deeper than the profile has reuses its last format (validation reports such a
    tree as an error before any document is written)."""
    formats = formats or profile.numbering.headings
    depth = min(len(path) - 1, len(formats) - 1)
    n = path[-1]
    nested = ".".join(str(p) for p in path[1:]) if len(path) > 1 else str(n)
    return formats[depth].format(roman=roman(n), n=n, path=nested, letter=letter(n))


# --- header, signature, recipients --------------------------------------------------------

@dataclass(frozen=True)
class Header:
    """The header block as the template lays it out (left and right columns)."""

    superior: str           # cơ quan cấp trên, capitals; may be empty
    issuer: str             # cơ quan ban hành, capitals; lines joined with "\n"
    separator: str          # "*" under the issuer (Party), or empty
    issuer_rule: bool       # a short solid line under the issuer (state)
    number: str             # "Số 150-KH/ĐUK"
    national_title: str     # "ĐẢNG CỘNG SẢN VIỆT NAM" / "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto: str              # "Độc lập - Tự do - Hạnh phúc" (state) or empty
    place_date: str         # "Hà Tĩnh, ngày 23 tháng 02 năm 2021"


# a line of a header may break before these words — where a new phrase of a body's name
# starts (và, các, của; a place; a kind of body) — never inside a word or a place name
_BREAK_BEFORE = {"VÀ", "CÁC", "CỦA", "TỈNH", "THÀNH", "HUYỆN", "THỊ", "PHƯỜNG", "QUẬN",
                 "KHỐI", "SỞ", "BAN", "PHÒNG", "CỤC", "TRƯỜNG", "BỆNH", "TRUNG", "NGÂN",
                 "TỔNG", "CÔNG", "CHI", "HỘI", "ĐOÀN", "ỦY", "UỶ", "CƠ", "ĐÀI", "BÁO", "TẠP", "NHÀ"}
# never broken after these: «TỔNG CÔNG TY», «ĐẢNG ỦY», «CHI BỘ», «LIÊN ĐOÀN», «HỢP TÁC XÃ»,
# «XÃ HỘI», «ỦY BAN»
_NOT_AFTER = {"TỔNG", "ĐẢNG", "CHI", "HỘI", "NGÂN", "LIÊN", "TÁC", "XÃ", "ỦY", "UỶ"}
_DANGLING = {"VÀ", "CÁC", "CỦA", "VỀ"}       # a line never ends with these
_AFTER_PAIRS = {("ĐẢNG", "ỦY"), ("ĐẢNG", "UỶ"), ("ĐẢNG", "BỘ"), ("CHI", "BỘ")}  # «ĐẢNG ỦY / VIỄN THÔNG»
# …unless the committee's title goes on: «ĐẢNG ỦY KHỐI / DOANH NGHIỆP TỈNH» («Đảng ủy Khối» is
# one title), never «ĐẢNG ỦY / KHỐI …»
_TITLE_GOES_ON = {"KHỐI"}
# a number stays with the word that names it: «NGÀY 10/10/2016», «SỐ 01-NQ/ĐUK», «NĂM 2021»
_NAMES_A_NUMBER = {"NGÀY", "SỐ", "THÁNG", "NĂM"}
# what a Vietnamese syllable may be (initial consonants, vowels, final consonants): a token
# that is none is an abbreviation («TNHH», «MTV», «UBND»), a new part of a name after it
_SYLLABLE = re.compile(
    r"^(?:NGH|PH|TH|TR|GI|CH|NH|NG|KH|GH|QU|[BCDĐGHKLMNPQRSTVX])?"
    r"[AĂÂEÊIOÔƠUƯYÀ-ỹ]+(?:NG|NH|CH|[CMNPTIOUY])?$")


# a line of a summary or title may break before these words, or after a comma
_PHRASE_BEFORE = {"VÀ", "CỦA", "VỀ", "NGÀY", "TẠI", "TRONG", "THEO", "ĐẾN", "GIAI", "NHIỆM",
                  "TRÊN", "CHO", "VỚI", "NĂM", "GẮN", "NHẰM", "ĐỂ", "(KÈM"}


def break_lines(text: str, width_cm: float, size_pt: float, bold: bool,
                before: set[str] | None = None) -> list[str]:
    """``text`` in as few lines as fit ``width_cm``, broken where a reader breaks it.

    Only between words of the language (:mod:`generator.formats.segment` says which syllables make one
    word: «CHÍNH SÁCH», «ĐA KHOA», «PHÁT THANH»), never after a numeral (it stays with what it
    counts: «15 NĂM», «MỘT THÀNH VIÊN»), never before a dash (no line starts with «-»: «PHÁT
    THANH - / TRUYỀN HÌNH»), never leaving «VÀ», «CỦA», «CÁC», «VỀ» at a line's end; a line
    is added rather than one of these broken. Among the breaks left, preferred: for a
    body's name (``before`` None) before a new part of the name; for a sentence (``before``:
    the words a phrase starts with) before a new phrase or after a comma, a document's number
    kept with its date; no last line of one word; lines as even as possible. Only when a single
    word is wider than the line is it broken inside."""
    return list(_break_lines(text, round(width_cm, 3), size_pt, bold,
                             None if before is None else frozenset(before)))


_NUMERAL = re.compile(r"^\d+$")
# numerals written in words («CÔNG TY TNHH MỘT THÀNH VIÊN»); «năm» is left out: it is as often
# «year» («NĂM 2021») as «five»
_NUMBER_WORDS = {"MỘT", "HAI", "BA", "BỐN", "SÁU", "BẢY", "TÁM", "CHÍN", "MƯỜI"}
# words a numeral never counts (conjunctions, prepositions): «NĂM 2021 / CỦA …» may break there
_NOT_COUNTED = {"VÀ", "CỦA", "VỀ", "CÁC", "TẠI", "TRONG", "THEO", "ĐẾN", "TRÊN", "CHO", "VỚI",
                "NHẰM", "ĐỂ", "GẮN"}
_DASHES = {"-", "–"}
# what a break costs; a rule broken costs more than a line added, which costs more than any
# preference: inside a word, after a numeral, beside a dash, after «VÀ» … > one more line >
# a last line of one word > a break that is not before a new phrase > uneven lines
_FORBIDDEN = 10_000_000
_LINE = 100_000
_ORPHAN = 10_000
_NOT_PREFERRED = 1_000
_IN_TERM = 3_000      # inside a term the lexicon knows («TRUNG HỌC / CƠ SỞ») or a proper name
_IN_WORD = 30_000     # inside a word the lexicon knows, of a run too long for a line
_UNEVEN = 20          # per cm² of space left at a line's end


@lru_cache(maxsize=4096)
def _break_lines(text: str, width_cm: float, size_pt: float, bold: bool,
                 before: frozenset[str] | None) -> tuple[str, ...]:
    # break only at a single space between two words: a run of spaces (the blank a number or
    # a date is written in by hand) stays inside its token
    words = _words(text)
    if len(words) < 2 or measure.width_cm(text, size_pt, bold) <= width_cm:
        return (text,)
    costs = _break_costs(text, before)  # what a break before each word costs, at any width
    sizes = [_word_width(w, size_pt, bold) for w in words]
    space = _word_width(" ", size_pt, bold)
    # the cheapest way to set words[start:] (its cost, where its first line ends); of two
    # ways that cost the same, the one with the shorter first line
    n = len(words)
    best: list[tuple[float, int] | None] = [None] * n + [(0.0, n)]
    line, uneven = _LINE, _UNEVEN
    for start in range(n - 1, -1, -1):
        chosen = None
        width = -space
        for end in range(start + 1, n + 1):
            width += space + sizes[end - 1]
            if width > width_cm and end > start + 1:
                break
            rest = best[end]
            if rest is None:
                continue
            # centred: the last line's space left counts too
            cost = rest[0] + line + costs[end] + uneven * (width_cm - width) ** 2
            if chosen is None or cost < chosen[0]:
                chosen = (cost, end)
        best[start] = chosen
    lines, start = [], 0
    while start < n:
        end = best[start][1]
        lines.append(" ".join(words[start:end]))
        start = end
    return tuple(lines)


_SINGLE_SPACE = re.compile(r"(?<=\S) (?=\S)")


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_SINGLE_SPACE.split(text.strip()))


@lru_cache(maxsize=65536)   # the same words in every unit's lines
def _word_width(word: str, size_pt: float, bold: bool) -> float:
    return measure.width_cm(word, size_pt, bold)


@lru_cache(maxsize=65536)
def _key(word: str) -> str:
    """A token as the rules compare it: its first part, in capitals."""
    return upper(word.split()[0])


@lru_cache(maxsize=4096)    # a text broken at two widths (a portrait and a landscape page)
def _break_costs(text: str, before: frozenset[str] | None) -> list[int]:
    """What a break before each word of ``text`` costs (``costs[i]``: before ``words[i]``;
    0 at both ends): the rules and preferences of :func:`break_lines`, which depend on the
    words, not on the width."""
    words = _words(text)
    from . import segment  # only now: a text that fits never loads the segmenter
    joined = segment.joins(words)
    starts = _BREAK_BEFORE if before is None else before
    keys = [_key(w) for w in words]
    # where each word of the language starts (a break there leaves a word whole)
    word_start = [True] + [not j for j in joined]
    in_term, name_start = _terms_and_names(words, keys, word_start)

    def forbidden(i: int) -> bool:  # a break before words[i] breaks a rule
        numeral = bool(_NUMERAL.match(words[i - 1])) or keys[i - 1] in _NUMBER_WORDS
        named = keys[i - 1] in _NAMES_A_NUMBER and words[i][:1].isdigit()
        return (joined[i - 1] or (numeral and keys[i] not in _NOT_COUNTED) or named
                or keys[i] in _DASHES or keys[i - 1] in _DANGLING)

    def cost_of_break(i: int) -> int:  # a break before words[i]
        if forbidden(i):        # inside a glued run, not inside a word of it the lexicon knows
            return _FORBIDDEN + in_term[i]
        if keys[i - 1] in _DASHES:  # allowed («PHÁT THANH - / TRUYỀN HÌNH»), not sought
            good = False
        elif before is not None:  # a sentence: before a new phrase, or after a comma —
            # but a document's number keeps its date: «SỐ 01-NQ/ĐUK, NGÀY 10/10/2016»
            good = (keys[i] in starts or words[i - 1].endswith((",", ";"))) and \
                not (keys[i] == "NGÀY" and "/" in words[i - 1])
        else:                   # a body's name: before a new part of the name (a kind of
            # body, a proper name, what follows an abbreviation), after «ĐẢNG ỦY», «CHI BỘ»
            after_title = i >= 2 and (keys[i - 2], keys[i - 1]) in _AFTER_PAIRS
            if after_title and keys[i] in _TITLE_GOES_ON:
                good = False    # «ĐẢNG ỦY / KHỐI …»: the title is cut
            else:
                good = (keys[i] in starts and keys[i - 1] not in _NOT_AFTER) or after_title \
                    or name_start[i] or (i >= 3 and (keys[i - 3], keys[i - 2]) in _AFTER_PAIRS
                                         and keys[i - 1] in _TITLE_GOES_ON) \
                    or (_abbreviation(keys[i - 1]) and not _abbreviation(keys[i]))
        # one word alone on the last line («… / TỈNH», «… / HÀ TĨNH»); a run of three
        # syllables or more the segmenter joined is most often more than one word («QUẬN
        # NINH KIỀU»), and reads well enough alone
        last_alone = sum(word_start[i + 1:]) == 0 and len(words) - i <= 2
        return (0 if good else _NOT_PREFERRED) + (_ORPHAN if last_alone else 0) + \
            in_term[i]

    return [0] + [cost_of_break(i) for i in range(1, len(words))] + [0]


def _abbreviation(key: str) -> bool:
    letters = key.strip(",.;:()«»\"")
    return len(letters) > 1 and letters.isalpha() and not _SYLLABLE.match(letters)


def _terms_and_names(words: list[str], keys: list[str],
                     word_start: list[bool]) -> tuple[list[int], list[bool]]:
    """For a break before each token: what it costs to fall inside a term or a proper name, and
    whether a proper name starts there. A term: words of the language side by side that
    pyvi's lexicon knows as one («TRUNG HỌC CƠ SỞ», which the segmenter gives as two words).
    A proper name: a word of two syllables or more that the lexicon does not know («XUÂN ÔN»,
    «DIỄN CHÂU», «QUẢNG NAM»), with the lone syllable before it («NGUYỄN», «HUYỆN»), unless
    that is a little word of grammar («VÀ», «CỦA», «TẠI» …)."""
    from . import segment
    n = len(words)
    spans, start = [], 0                        # each word of the language: tokens a..b
    for i in range(1, n + 1):
        if i == n or word_start[i]:
            spans.append((start, i))
            start = i
    in_term = [0] * (n + 1)
    name_start = [False] * (n + 1)
    alpha = [k.isalpha() for k in keys]         # a syllable: no figure, sign or punctuation
    span_ok = [all(alpha[a:b]) for a, b in spans]
    for k in range(len(spans)):
        for m in (3, 2):                        # two or three words the lexicon joins
            if k + m <= len(spans) and spans[k + m - 1][1] - spans[k][0] <= 6 and \
                    all(span_ok[k:k + m]) and \
                    segment.known(keys[spans[k][0]:spans[k + m - 1][1]]):
                for j in range(k + 1, k + m):
                    in_term[spans[j][0]] = _IN_TERM
                break
        a, b = spans[k]
        if b - a >= 4:      # a long run the segmenter glued, broken only when nothing else fits:
            for j in range(a + 1, b):   # not inside a word of it the lexicon knows («ỦY BAN»)
                in_term[j] = _IN_WORD if segment.known(keys[j - 1:j + 1]) else 0
        if 2 <= b - a <= 3 and span_ok[k] and not segment.known(keys[a:b]):
            first = a
            if k > 0 and spans[k - 1][1] - spans[k - 1][0] == 1:
                before = keys[spans[k - 1][0]]
                if before not in _NOT_COUNTED and before not in _DANGLING and \
                        alpha[spans[k - 1][0]] and not _abbreviation(before):
                    first = spans[k - 1][0]
            name_start[first] = True
            for j in range(first + 1, b):
                in_term[j] = _IN_TERM
    return in_term, name_start


NO_BREAK = "\u00a0"  # a no-break space: the reader of returned files reads it as a space


@lru_cache(maxsize=8192)   # the same headings in every unit's skeleton
def keep_heading_words(text: str) -> str:
    """A heading or an outline item as Word wraps it (justified, by the reader's program, not
    by us), its end kept whole: its last word of the language bound by no-break spaces, so
    that it is never split («viên / chức»), and a last word of one syllable bound to the word
    before it, never alone on the last line («… THỜI GIAN / TỚI»); three syllables at most.
    Only the end, and no more: a heading justified stretches its other spaces, and each space
    bound widens them (LibreOffice does not stretch a no-break space) — binding the last two
    words whatever their length left «… QUÁN TRIỆT, / TRIỂN KHAI THỰC HIỆN» with wide gaps."""
    tokens = text.split(" ")
    if len(tokens) < 3:
        return text
    from . import segment
    joined = segment.joins(tuple(tokens))
    words, start = [], 0                # each word of the language: tokens start..end
    for i in range(len(tokens)):
        if i == len(tokens) - 1 or not joined[i]:
            words.append((start, i + 1))
            start = i + 1
    first = words[-1][0]
    if len(words) > 1 and words[-1][1] - words[-1][0] == 1 and words[-1][1] - words[-2][0] <= 3:
        first = words[-2][0]            # a last word of one syllable kept with the word before
    if words[-1][1] - first > 3:        # a run too long to bind (a name of many syllables)
        return text
    return " ".join(tokens[:first] + [NO_BREAK.join(tokens[first:])])


@lru_cache(maxsize=8192)
def keep_words(text: str) -> str:
    """A text Word wraps in a table's cell (left-aligned: a no-break space does not widen
    anything there): the syllables of each word of the language bound by no-break spaces
    («thị trấn», «Quảng Nam», «kiến thiết» never cut), and «và», «của», «các», «về» bound to
    the word after them (never at a line's end: «… HĐND và / UBND tỉnh»)."""
    tokens = text.split(" ")
    if len(tokens) < 2:
        return text
    from . import segment
    joined = segment.joins(tuple(tokens))
    out = tokens[0]
    for gap, before, token in zip(joined, tokens, tokens[1:]):
        out += (NO_BREAK if gap or upper(before) in _DANGLING else " ") + token
    return out


def wrap(text: str, profile: Profile, key: str, container_cm: float | None = None) -> str:
    """A centred line of text of the element ``key`` (a summary, a title, a «(Kèm theo …)»
    line) broken into lines by measure, between phrases: never inside a word, a name or a
    document symbol (``05-CT/TW`` is never cut at its hyphen). Lines joined with ``\n``."""
    width = (container_cm if container_cm is not None else text_width_cm(profile)) - 0.2
    style = profile.styles[key]
    return "\n".join(break_lines(text, width, profile.size(key), style.bold, before=_PHRASE_BEFORE))


def header(*, superior: str | None, issuer_lines: list[str], number: str, place_date: str,
           profile: Profile) -> Header:
    """The header block of a document issued by ``issuer_lines`` under ``superior``: each
    name broken into lines where a reader breaks it (lines the data gives are kept)."""
    texts = profile.texts
    width = profile.page.header_left_cm - measure.CELL_MARGINS_CM

    def lines(text: str, key: str) -> str:
        style = profile.styles[key]
        return "\n".join(break_lines(upper(text), width, profile.size(key), style.bold))

    return Header(
        superior=lines(superior, "superior") if superior else "",
        issuer="\n".join(lines(line, "issuer") for line in issuer_lines),
        separator=texts.separator or "",
        issuer_rule=profile.styles["issuer_rule"].border_bottom_cm is not None,
        number=number,
        national_title=texts.national_title,
        motto=texts.motto or "",
        place_date=place_date,
    )


@dataclass(frozen=True)
class Authority:
    """One line of authority above the signer's title: ``T/M`` + ``BAN THƯỜNG VỤ``.
    (The functions below take any item with ``mode`` and ``of``, such as the data's own.)"""

    mode: str   # a key of the profile's signature modes: tm, kt, tl, tuq, q
    of: str     # the body or title signed for: "Ban Thường vụ", "Chủ tịch"


@dataclass(frozen=True)
class Signature:
    """The signature block, line by line, as the template lays it out."""

    authority: list[str]   # "T/M BAN THƯỜNG VỤ", then "KT. CHỦ TỊCH" …
    title: str             # "PHÓ BÍ THƯ"
    signed_mark: str       # "(Đã ký)" on a published copy, else empty
    name: str              # "Nguyễn Trọng Vân", or empty on a skeleton


def signature(*, authority: list[Authority], title: str, name: str, signed: bool,
              profile: Profile) -> Signature:
    """The signature block; a mode the profile does not know is written as typed
    (``signature_problem`` reports it, so such a block is never written to a file)."""
    modes = profile.signature.modes
    return Signature(
        authority=[f"{modes.get(a.mode, a.mode)} {upper(a.of)}" for a in authority],
        title=upper(title),
        signed_mark=profile.texts.signed_mark if signed else "",
        name=name,
    )


def signature_problem(authority: list[Authority], title: str, committee: bool,
                      profile: Profile) -> str | None:
    """Why this signature is not allowed, in Vietnamese, or ``None`` when it is.

    A Party committee signs collectively (``T/M BAN THƯỜNG VỤ`` / ``PHÓ BÍ THƯ``), never
    ``K/T BÍ THƯ``; ``K/T`` is for the advisory bodies of a committee.
    """
    modes = profile.signature.modes
    for a in authority:
        if a.mode not in modes:
            known = ", ".join(f"{k} ({v})" for k, v in modes.items())
            return f"thể thức {profile.id} không có cách ký «{a.mode}»; chỉ có: {known}"
    if committee and profile.signature.committee_signs_collectively:
        if any(a.mode == "kt" for a in authority):
            return (f"cấp ủy đảng không ký «{modes['kt']} {upper(authority[0].of)}»: "
                    f"cấp phó ký «{modes.get('tm', 'T/M')} BAN THƯỜNG VỤ» (hoặc "
                    f"«{modes.get('tm', 'T/M')} ĐẢNG ỦY», «{modes.get('tm', 'T/M')} CHI BỘ») "
                    f"rồi ghi chức vụ «{upper(title)}»")
    return None


def recipients(lines: list[str], profile: Profile) -> list[str]:
    """Recipient lines with the profile's dash and punctuation: every line ends with the
    separator (``,`` Party, ``;`` state), the last one with ``.``."""
    rules = profile.recipients
    cleaned = [line.strip().rstrip(",;.").strip() for line in lines]
    cleaned = [line.removeprefix("-").strip() for line in cleaned]
    out = []
    for i, line in enumerate(cleaned):
        end = rules.last if i == len(cleaned) - 1 else rules.separator
        out.append(f"{rules.prefix}{line}{end}")
    return out


# --- where the tone mark goes: «uỷ, hoà, khoẻ» or «ủy, hòa, khỏe» -------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_ON_FIRST = re.compile(rf"(?<![qQ])([oOuU])([{_TONES}])([aAeEyY])(?![^\W\d_])")
_ON_SECOND = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![^\W\d_])")
_SPELLINGS = ("giữ nguyên", "uỷ", "ủy")


def spell_tones(text: str, choice: str) -> str:
    """``text`` with the tone of the open syllables oa, oe, uy where ``choice`` puts it:
    «uỷ» on the second vowel (uỷ, hoà, khoẻ — as Hướng dẫn 05-HD/VPTW mostly writes), «ủy» on
    the first (ủy, hòa, khỏe — as Hướng dẫn 36-HD/VPTW and Nghị định 30 write); «giữ nguyên»
    leaves the data's spelling. ``quy``, ``hoàn``, ``khuya`` … are never touched."""
    if choice == "giữ nguyên":
        return text
    decomposed = unicodedata.normalize("NFD", text)
    if choice == "uỷ":
        decomposed = _ON_FIRST.sub(r"\1\3\2", decomposed)
    else:
        decomposed = _ON_SECOND.sub(r"\1\3\2", decomposed)
    return unicodedata.normalize("NFC", decomposed)


def yes_count(yes: int, answered: int, blank: int = 0) -> str:
    """A yes/no row summed over units, in a table: «Có: 4/6» (how many said «Có» of how many
    answered), «3 đơn vị để trống» when nobody answered — never «0/0»."""
    if not answered:
        return f"{figure(blank)} đơn vị để trống" if blank else ""
    return f"«Có»: {figure(yes)}/{figure(answered)}" + (f" ({figure(blank)} để trống)" if blank else "")


def rate_rule(row: int, top: int | str, bottom: int | str) -> str:
    """How the rate of row ``row`` of an appendix is worked out: ``dòng 6 = (5) : (1) × 100``
    (no-break spaces: the formula is never broken over two lines)."""
    return "\u00a0".join(f"dòng {row} = ({top}) : ({bottom}) × 100".split(" "))   # never broken inside


def shaded_rule(totals: bool, rates: list[str], filled: bool = False) -> str:
    """The line under an appendix table about its shaded cells, said once for the table
    rather than inside each cell: on a form to fill, they are not written in; on a report
    whose figures are filled, how they were worked out."""
    how = (["tổng cộng = cộng các số cùng dòng, cùng cột"] if totals else []) \
        + (["tỷ lệ (%) " + "; ".join(rates)] if rates else [])
    if filled:
        return "Ghi chú: ô nền xám là số tự tính" + (": " + "; ".join(how) if how else "") + "."
    return ("Ghi chú: không ghi vào ô nền xám (tự tính" + (": " + "; ".join(how) if how else "")
            + ").")


def figures_period(start: date, end: date) -> str:
    """The span the figures of a report cover, said under each of its appendix tables."""
    return f"(Số liệu tính từ ngày {short_date(start)} đến ngày {short_date(end)})"


# --- Empty digital-signature fields of the PDF (``vanban build --pdf``) ------------------------
# Nghị định 30/2020/NĐ-CP, Phụ lục I (chữ ký số trên văn bản điện tử): the signer's signature
# image goes centred between the signer's title and name; the organisation's (the seal's
# image, the seal's real size) overlaps about 1/3 of the signer's signature image, on its
# left; on an attachment sent in its own file (a phụ lục), the organisation's signature goes at
# the top right of its first page. Hướng dẫn 05-HD/VPTW's section on the Party's electronic
# documents could not be read here: the Party's PDFs follow the state's placement.
SIGNER_FIELD = "ChuKyNguoiKy"
ORGANISATION_FIELD = "ChuKyCoQuan"
SIGNER_TOOLTIP = "Chữ ký số của người có thẩm quyền (ký bằng phần mềm ký số của cơ quan)"
ORGANISATION_TOOLTIP = "Chữ ký số của cơ quan, tổ chức (hình ảnh con dấu, do văn thư ký)"
SEAL_PT = 36 / 25.4 * 72           # a seal about 36 mm across: the organisation's field
SIGNER_MIN_WIDTH_PT = 5 / 2.54 * 72    # the signer's field at least 5 cm wide
SIGNER_MIN_HEIGHT_PT = 1.5 / 2.54 * 72  # … and 1.5 cm high, where the gap is smaller
ATTACHMENT_MARGIN_PT = 0.5 / 2.54 * 72  # the attachment's field 0.5 cm in from the page's edges,
ATTACHMENT_FIELD_PT = (6 / 2.54 * 72, 1.4 / 2.54 * 72)  # 6 × 1.4 cm: within the 2 cm top margin

Box = tuple[float, float, float, float]   # x0, y0, x1, y1 in PDF points, origin bottom left


def signature_boxes(above: Box, below: Box) -> tuple[Box, Box]:
    """The signer's and the organisation's fields, from the box of the lines above the
    signature (authority, title, «(Đã ký)») and the box of the signer's name below it."""
    centre = (min(above[0], below[0]) + max(above[2], below[2])) / 2
    width = max(SIGNER_MIN_WIDTH_PT, above[2] - above[0], below[2] - below[0])
    top, bottom = above[1], below[3]
    if top - bottom < SIGNER_MIN_HEIGHT_PT:
        middle = (top + bottom) / 2
        top, bottom = middle + SIGNER_MIN_HEIGHT_PT / 2, middle - SIGNER_MIN_HEIGHT_PT / 2
    signer = (centre - width / 2, bottom, centre + width / 2, top)
    # the seal's right edge a third of the way into the signer's field, centred on its height
    right = signer[0] + width / 3
    middle = (top + bottom) / 2
    seal = (right - SEAL_PT, middle - SEAL_PT / 2, right, middle + SEAL_PT / 2)
    return signer, seal


def attachment_box(page_width: float, page_height: float) -> Box:
    """The organisation's field on a document with no signature block of its own (an
    attachment): the top right corner of its first page. Its signature shows no image there,
    only the number and the time of signing in 10 pt (Nghị định 30, Phụ lục I), so the field
    is a strip in the top margin."""
    right, top = page_width - ATTACHMENT_MARGIN_PT, page_height - ATTACHMENT_MARGIN_PT
    width, height = ATTACHMENT_FIELD_PT
    return (right - width, top - height, right, top)
