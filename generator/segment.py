"""Where the words of a Vietnamese text are: which spaces join two syllables of one word.

Vietnamese writes a space between every syllable, so «CHÍNH SÁCH» and «XÂY DỰNG» look like
two words each; a line may not be broken there. The word segmenter of pyvi (a CRF model
shipped inside its wheel, nothing downloaded) says which spaces are inside a word. It is
trained on mixed-case text, so a name in capitals is segmented on a title-cased copy
(«Ngân Hàng Chính Sách Xã Hội»), which it reads best (see ``bench/break_bench.py``).

The segmenter is imported only when a text is first segmented, and each text is segmented
once (``lru_cache``): a build that breaks no line never pays for it.
"""

from __future__ import annotations

import re
from functools import lru_cache

_tokenizer = None  # pyvi's ViTokenizer class, loaded on first use


def _segmenter():
    global _tokenizer
    if _tokenizer is None:
        import warnings
        with warnings.catch_warnings():  # an old pickle read by a newer scikit-learn
            warnings.simplefilter("ignore")
            from pyvi.ViTokenizer import ViTokenizer
        _tokenizer = ViTokenizer
    return _tokenizer.tokenize


def _known(syllables: list[str]) -> bool:
    """Whether pyvi's own lexicon has these syllables as one word (it spells «uỷ, hoà»)."""
    from .vnrules import spell_tones
    key = spell_tones(" ".join(syllables).lower(), "uỷ")
    return key in (_tokenizer.bi_grams if len(syllables) == 2 else _tokenizer.tri_grams)


def _split_long(chunk: list[str]) -> list[bool] | None:
    """A word of three syllables or more that the model joined but the lexicon does not know
    is often two words run together («Đảng Ủy Xã», «Xuất Nhập Khẩu Thủy Sản»): the inner
    gaps of the fewest known words (and lone syllables) that make it up, with at least one
    known word; ``None`` to keep it whole («Lê Quý Đôn», «Hợp Tác Xã»)."""
    n = len(chunk)
    if n < 3 or (n == 3 and _known(chunk)):
        return None
    # every way to cut it into known words and lone syllables; lone syllables side by side
    # stay together (most likely a name the lexicon lacks: «Vườn Quốc Gia | Vũ Quang»)
    ways: list[tuple[int, int, tuple[int, ...]]] = []

    def walk(start: int, cuts: tuple[int, ...], pieces: int, known: int, lone: bool) -> None:
        if start == n:
            if known:
                ways.append((pieces, -known, cuts))
            return
        for size in (1, 2, 3):
            end = start + size
            if end > n or (size > 1 and not _known(chunk[start:end])):
                continue
            glued = size == 1 and lone  # a lone syllable after a lone syllable
            walk(end, cuts if glued or not start else cuts + (start,),
                 pieces + (not glued), known + (size > 1), size == 1)

    walk(0, (), 0, 0, False)
    if not ways:
        return None
    ways.sort()
    if len(ways) > 1 and ways[0][:2] == ways[1][:2] and ways[0][2] != ways[1][2]:
        return None  # two readings as good: «Đảng Ủy | Ban» or «Đảng | Ủy Ban»: keep it whole
    pieces, _, cuts = ways[0]
    if pieces < 2:
        return None
    return [i + 1 not in cuts for i in range(n - 1)]


def _title_case(syllable: str) -> str:
    return syllable[:1].upper() + syllable[1:].lower()


@lru_cache(maxsize=8192)
def joins(tokens: tuple[str, ...]) -> tuple[bool, ...]:
    """For each gap between two tokens of a text split at its spaces (``len(tokens) - 1``
    gaps): ``True`` when the two are syllables of one word. Punctuation around a token is
    left out of what the segmenter reads, and never joins across it: «VĂN HÓA, THỂ THAO»
    has a gap after the comma whatever the segmenter says."""
    if len(tokens) < 2:
        return ()
    cleaned = [_clean(t) for t in tokens]
    text = " ".join(_title_case(c) for c in cleaned)
    gaps = _gaps(text, _segmenter()(text))
    syllables = text.split(" ")
    for k in range(len(gaps) - 1):  # «Đảng_Ủy Ban»: the lexicon knows «Ủy Ban», not «Đảng Ủy»
        if gaps[k] and not gaps[k + 1] and (k == 0 or not gaps[k - 1]) \
                and not _known(syllables[k:k + 2]) and _known(syllables[k + 1:k + 3]):
            gaps[k], gaps[k + 1] = False, True
    start = 0
    for end in range(1, len(syllables) + 1):  # each joined run start..end
        if end == len(syllables) or not gaps[end - 1]:
            inner = _split_long(syllables[start:end])
            if inner is not None:
                gaps[start:end - 1] = inner
            start = end
    return tuple(g and _ends_clean(left) and _starts_clean(right)
                 for g, left, right in zip(gaps, tokens, tokens[1:]))


def _clean(token: str) -> str:
    core = re.sub(r"\s+", "", token).strip(_PUNCTUATION)
    return core or "-"


_PUNCTUATION = "\"'“”‘’«»()[],.;:!?…-–/"


def _ends_clean(token: str) -> bool:
    return not token.endswith(tuple(_PUNCTUATION))


def _starts_clean(token: str) -> bool:
    return not token.startswith(tuple(_PUNCTUATION))


def _gaps(text: str, out: str) -> list[bool]:
    """Read the segmenter's answer back onto ``text``'s spaces: it writes a word's inner
    spaces as «_» and may put spaces around punctuation; anything else is ``text`` itself."""
    gaps: list[bool] = []
    i = j = 0
    while i < len(text):
        if text[i] == " ":
            while j < len(out) and out[j] == " ":
                j += 1
            joined = j < len(out) and out[j] == "_"
            gaps.append(joined)
            if joined:
                j += 1
            i += 1
            continue
        while j < len(out) and out[j].lower() != text[i].lower() and out[j] in " _":
            j += 1  # a space or «_» the segmenter put beside punctuation
        if j < len(out) and out[j].lower() == text[i].lower():
            j += 1
        i += 1
    return gaps
