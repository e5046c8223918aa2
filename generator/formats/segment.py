"""Where the words of a Vietnamese text are: which spaces join two syllables of one word.

Vietnamese writes a space between every syllable, so «CHÍNH SÁCH» and «XÂY DỰNG» look like
two words each; a line may not be broken there. The word segmenter of pyvi (a CRF model
shipped inside its wheel, nothing downloaded) says which spaces are inside a word. It is
trained on mixed-case text, so a name in capitals is segmented on a title-cased copy
(«Ngân Hàng Chính Sách Xã Hội»), which it reads best (see ``bench/break_bench.py``).

The model is loaded only when a text is first segmented (35 ms: read straight from pyvi's files
by python-crfsuite, without the second scikit-learn costs to import), and each text is
segmented once (``lru_cache``): a build that breaks no line never pays for it.
"""

from __future__ import annotations

import os
import pickle
import re
import string
import unicodedata
from functools import lru_cache

class _Stub:
    """Stands for any class of the model's pickle but the CRF's own bytes (scikit-learn's
    estimator, numpy's scalars): they are not needed to tag, and importing them costs a
    second."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        if isinstance(state, dict):
            self.__dict__.update(state)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module in ("builtins", "copyreg", "collections", "_codecs"):
            return super().find_class(module, name)
        return _Stub


class _Pyvi:
    """pyvi's word segmenter (``ViTokenizer.tokenize``) on its own model files, read without
    importing ``pyvi.ViTokenizer`` (that imports scikit-learn only to unpickle the model:
    1 s); the CRF is run by python-crfsuite, as pyvi runs it. The features and the rule that
    writes the answer are pyvi 0.1.1's (MIT licence); ``tests/test_line_breaks.py`` checks
    this gives pyvi's own output on every text of the corpus."""

    def __init__(self):
        import pycrfsuite
        import pyvi

        models = os.path.join(os.path.dirname(pyvi.__file__), "models")
        self.bi_grams: set[str] = set()
        self.tri_grams: set[str] = set()
        self.syllables: set[str] = set()   # the lexicon's words of one syllable
        self.longer: set[str] = set()      # … of four syllables or more («trung học cơ sở»)
        with open(os.path.join(models, "words.txt"), encoding="utf-8") as f:
            for token in f.read().split("\n"):
                n = len(token.split(" "))
                if n == 2:
                    self.bi_grams.add(token)
                elif n == 3:
                    self.tri_grams.add(token)
                elif n == 1:
                    self.syllables.add(token)
                else:
                    self.longer.add(token)
        with open(os.path.join(models, "pyvi3.pkl"), "rb") as f:
            crf = _Unpickler(f).load()
        self.model = crf.modelfile.__dict__["__FILE_RESOURCE_DATA__"]  # the tagger reads it
        self.tagger = pycrfsuite.Tagger()                              # in place: keep it
        self.tagger.open_inmemory(self.model)
        self._windows: dict[tuple, dict] = {}

    def features(self, sent: list[str], i: int) -> dict:
        word = sent[i]
        f = {"bias": 1.0, "word.lower()": word.lower(), "word.isupper()": word.isupper(),
             "word.istitle()": word.istitle(), "word.isdigit()": word.isdigit()}
        if i > 0:
            w1 = sent[i - 1]
            f.update({"-1:word.lower()": w1.lower(), "-1:word.istitle()": w1.istitle(),
                      "-1:word.isupper()": w1.isupper(),
                      "-1:word.bi_gram()": " ".join([w1, word]).lower() in self.bi_grams})
            if i > 1:
                f["-2:word.tri_gram()"] = \
                    " ".join([sent[i - 2], w1, word]).lower() in self.tri_grams
        if i < len(sent) - 1:
            w1 = sent[i + 1]
            f.update({"+1:word.lower()": w1.lower(), "+1:word.istitle()": w1.istitle(),
                      "+1:word.isupper()": w1.isupper(),
                      "+1:word.bi_gram()": " ".join([word, w1]).lower() in self.bi_grams})
            if i < len(sent) - 2:
                f["+2:word.tri_gram()"] = \
                    " ".join([word, w1, sent[i + 2]]).lower() in self.tri_grams
        return f

    def _features(self, sent: list[str]) -> list[list[bytes]]:
        """:meth:`features` of every token, as the CRF reads them: a token's depend only on
        the two tokens either side of it (and on whether there are any), so they are kept by
        that window — the same words recur in every unit's lines («(Kèm theo Báo cáo số …
        của Đảng ủy …»)."""
        known, out = self._windows, []
        if len(known) > 200_000:
            known.clear()
        padded = (None, None, *sent, None, None)     # None: no token there
        for i in range(len(sent)):
            window = padded[i:i + 5]
            item = known.get(window)
            if item is None:
                item = known[window] = _attributes(self.features(sent, i))
            out.append(item)
        return out

    _SYLLABLE = re.compile("(" + "|".join([
        r"[A-ZĐ]+\.", r"Tp\.", r"Mr\.", r"Mrs\.", r"Ms\.", r"Dr\.", r"ThS\.",
        "==>", "->", r"\.\.\.", ">>", "\n", r"\w+://[^\s]+",
        r"([a-zA-Z0-9_.+-]+@([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+)",
        r"\d+([\.,_]\d+)+", r"[^\w\s]", r"\w+"]) + ")")

    def tokenize(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        tmp, joined = self._joined(text)
        if not tmp:
            return text
        return tmp[0] + "".join(("_" if j else " ") + t for j, t in zip(joined[1:], tmp[1:]))

    def starts_joined(self, text: str) -> dict[int, bool]:
        """Where each token of ``text`` (NFC) starts, and whether :meth:`tokenize` writes it
        joined to the one before by «_» — without writing the answer out."""
        found = list(self._SYLLABLE.finditer(text))
        tmp, joined = self._joined(text, [m.group(0) for m in found])
        return dict(zip([m.start() for m in found], joined))

    def _joined(self, text: str, tmp: list[str] | None = None) -> tuple[list[str], list[bool]]:
        """The tokens of ``text`` (NFC) and, for each, whether pyvi joins it to the one before
        (the first never)."""
        if tmp is None:
            tmp = [m.group(0) for m in self._SYLLABLE.finditer(text)]
        if not tmp:
            return tmp, []
        labels = self.tagger.tag(self._features(tmp))
        joined = [False]
        for i in range(1, len(labels)):
            joined.append(labels[i] == "I_W" and tmp[i] not in string.punctuation and
                          tmp[i - 1] not in string.punctuation and
                          not tmp[i][0].isdigit() and not tmp[i - 1][0].isdigit() and
                          not (tmp[i][0].istitle() and not tmp[i - 1][0].istitle()))
        return tmp, joined


def _attributes(features: dict) -> list[bytes]:
    """A token's features as python-crfsuite turns a dict of them into the CRF's attributes
    (``"name:value"`` for a text, ``"name"`` weighing 1 for ``True`` or ``1.0``), given to it
    ready: a list of names each weighing 1. A ``False`` feature weighs 0 and adds nothing to a
    label's score, so it is left out; the scores, so the labels, are the same."""
    out = []
    for name, value in features.items():
        if isinstance(value, str):
            out.append(f"{name}:{value}".encode())
        elif value is True or (type(value) is float and value == 1.0):
            out.append(name.encode())
        elif value is not False:
            raise ValueError(f"{name}: {value!r}")  # no such feature in pyvi's model
    return out


_tokenizer: _Pyvi | None = None  # loaded on first use


def _segmenter():
    global _tokenizer
    if _tokenizer is None:
        _tokenizer = _Pyvi()
    return _tokenizer.tokenize


def _known(syllables: list[str]) -> bool:
    """Whether pyvi's own lexicon has these syllables as one word (it spells «uỷ, hoà»)."""
    return _known_key(" ".join(syllables).lower(), len(syllables))


@lru_cache(maxsize=65536)
def _known_key(key: str, n: int) -> bool:
    from .vnrules import spell_tones
    key = spell_tones(key, "uỷ")
    lexicon = {1: _tokenizer.syllables, 2: _tokenizer.bi_grams, 3: _tokenizer.tri_grams}
    return key in lexicon.get(n, _tokenizer.longer)


def known(syllables: list[str]) -> bool:
    """Whether pyvi's lexicon has these syllables (any case, any number) as one word or term:
    «TRUNG HỌC CƠ SỞ», which the segmenter returns as two words, is one term."""
    return _known_run(tuple(syllables))


@lru_cache(maxsize=65536)    # the same words in every unit's lines
def _known_run(syllables: tuple[str, ...]) -> bool:
    _segmenter()
    return _known([_clean(s) for s in syllables])


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
    text = unicodedata.normalize("NFC", " ".join(_title_case(c) for c in cleaned))
    if "_" in text:     # a «_» of the text itself: read the answer back character by character
        gaps = _gaps(text, _segmenter()(text))
    else:               # a space is joined when the token after it is written joined by «_»
        _segmenter()
        joined_at = _tokenizer.starts_joined(text)
        gaps = [joined_at.get(i + 1, False) for i, ch in enumerate(text) if ch == " "]
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


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)   # the same syllables in every text
def _clean(token: str) -> str:
    core = _SPACES.sub("", token).strip(_PUNCTUATION)
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
        while j < len(out) and out[j] != text[i] and out[j] in " _":
            j += 1  # a space or «_» the segmenter put beside punctuation
        if j < len(out) and out[j] == text[i]:
            j += 1
        i += 1
    return gaps
