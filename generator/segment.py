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

_tokenize = None  # pyvi's ViTokenizer.tokenize, loaded on first use


def _segmenter():
    global _tokenize
    if _tokenize is None:
        import warnings
        with warnings.catch_warnings():  # an old pickle read by a newer scikit-learn
            warnings.simplefilter("ignore")
            from pyvi import ViTokenizer
        _tokenize = ViTokenizer.tokenize
    return _tokenize


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
