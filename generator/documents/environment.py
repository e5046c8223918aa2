"""The Jinja environments: one for the .docx templates, one for prose written in the data.

Templates render with autoescape on (a ``&`` or ``<`` in a name comes out as written, never
breaking the XML) and ``StrictUndefined`` (a missing variable is an error, not a blank). The
Vietnamese rules of ``vnrules`` are there as filters and globals.

Prose in the data (the plan's paragraphs, the summary) may refer to data values with
``{{ … }}``: ``{{ docs.nq01 }}``, ``{{ levels.cb.report_deadline }}``. It renders in a
sandbox, strictly, before any template: a reference to something undefined is a data problem
reported with its file and line. Values put into prose are never evaluated again, so a name
that contains ``{{ x }}`` comes out literally.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment
from markupsafe import Markup

from ..base.thousands import thousands
from ..formats import vnrules
from ..formats.profiles import Profile


# --- limits: what a template or a line of prose may compute --------------------------------

MAX_TEXT = 20_000       # characters one computation may produce (a long paragraph is 2.000)
MAX_NUMBER_BITS = 128   # an integer computed in a template or prose (10**38 and more is no figure)
# a width or a precision of five digits and more, or given as «*»: %99999d, %.99999f, %(x)*s,
# {:>99999}, {:.99999f}
_WIDE_FORMAT = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(?:\d{5,}|\*|\d*\.(?:\d{5,}|\*))"
                          r"|\{[^{}]*:[^{}]*\d{5,}[^{}]*\}")


class TooBig(SecurityError):
    """A computation that would make a result too large: said in Vietnamese."""


def weight(value: Any, limit: int = MAX_TEXT) -> int:
    """How large ``value`` is once written out, nested sequences expanded: characters of a
    text, items of a list (each counted with its own weight, however often the same list
    appears in it), keys and values of a mapping; anything else is 1. Counted up to just
    past ``limit``, over the distinct objects only: ``[[[0] * 1000] * 1000] * 1000`` is
    weighed without being written out, before it is made."""
    memo: dict[int, int] = {}

    def of(item: Any, depth: int) -> int:
        if isinstance(item, str):
            return len(item)
        if not isinstance(item, (list, tuple, dict, range, set, frozenset)) or depth > 60:
            return 1
        key = id(item)
        if key in memo:
            return memo[key]
        if isinstance(item, range):
            total = len(item)
        else:
            total = len(item)
            pieces = item.items() if isinstance(item, dict) else item
            for piece in pieces:
                total += of(piece, depth + 1)
                if total > limit:
                    break
        memo[key] = total
        return total

    return of(value, 0)


def _size(value: Any) -> int | None:
    """The weight of a text or a sequence (what ``*`` and ``+`` make larger), else None."""
    if isinstance(value, (str, list, tuple)):
        return weight(value)
    return None


def _check_weight(value: Any) -> Any:
    """``value`` if it can be written out within the limit (it is weighed, not written)."""
    if not isinstance(value, (str, int, float)) and weight(value) > MAX_TEXT:
        raise TooBig(f"phép tính cho ra một giá trị quá lớn (trên {thousands(MAX_TEXT)} ký tự khi "
                     "viết ra)")
    return value


def _check_int(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_NUMBER_BITS:
        raise TooBig("phép tính cho ra một số quá lớn")


def _check_text(length: int) -> None:
    if length > MAX_TEXT:
        raise TooBig(f"phép tính cho ra một chuỗi hay danh sách quá dài (trên {thousands(MAX_TEXT)} ký "
                     "tự khi viết ra)")


def _check_args(args: tuple, kwargs: dict) -> None:
    """A number given to a function that pads, repeats or wraps may not exceed the limit."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_TEXT:
            raise TooBig(f"số {value} quá lớn cho phép tính này")
        if isinstance(value, str) and _WIDE_FORMAT.search(value):
            raise TooBig("định dạng có độ rộng hoặc số chữ số quá lớn")


def _check_call(fn_name: str, target: Any, args: tuple, kwargs: dict) -> None:
    """The result size of a string method that can grow a text, estimated before it runs."""
    if not isinstance(target, str):
        return
    _check_args(args, kwargs)
    if fn_name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        hits = target.count(args[0]) if args[0] else len(target) + 1
        _check_text(len(target) + hits * len(args[1]))
    elif fn_name == "join" and args:
        items = list(args[0])
        _check_text(weight(items) - len(items) + len(target) * len(items))
    elif fn_name == "expandtabs":
        _check_text(len(target) * (args[0] if args and isinstance(args[0], int) else 8))
    elif fn_name in ("format", "format_map", "__mod__") and _WIDE_FORMAT.search(target):
        raise TooBig("định dạng có độ rộng hoặc số chữ số quá lớn")


# filters that can make a result much larger than what they are given
_GROWING = {"center", "indent", "wordwrap", "truncate", "batch", "slice", "format", "join",
            "replace", "filesizeformat", "urlize", "pprint"}


def _guarded_filter(name: str, fn):
    """A filter that can grow a text, checking what it is asked before it runs."""
    if name not in _GROWING:
        return fn

    def guarded(*args, **kwargs):
        values = [a for a in args if not isinstance(a, (jinja2.runtime.Context, jinja2.nodes.EvalContext,
                                                        jinja2.Environment))]
        target, rest = (values[0], tuple(values[1:])) if values else (None, ())
        if name == "join" and target is not None:
            items = list(target)  # an iterator (map, select …) is read once, here
            args = tuple(items if a is target else a for a in args)
            sep = rest[0] if rest else kwargs.get("d", "")
            _check_call("join", str(sep), (items,), {})
        elif name == "replace":
            _check_call("replace", str(target), rest, kwargs)
        elif name == "format":
            _check_call("format", target, rest, kwargs)
        else:
            _check_args(rest, kwargs)
        return fn(*args, **kwargs)
    if hasattr(fn, "jinja_pass_arg"):  # a filter given the context or environment first
        guarded.jinja_pass_arg = fn.jinja_pass_arg
    return guarded


class _Limits:
    """Sandbox rules shared by the templates' and the prose's environments: arithmetic and
    string operations that would make a huge result are refused before they run."""

    intercepted_binops = frozenset(["*", "**", "+", "%", "//"])

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(n, int) and not isinstance(n, bool) and _size(seq) is not None:
                    _check_text(_size(seq) * max(n, 0))   # nested repeats weighed whole
            if isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > MAX_NUMBER_BITS:
                    raise TooBig("phép tính cho ra một số quá lớn")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0:
                if max(left.bit_length(), 1) * right > MAX_NUMBER_BITS * 2:
                    raise TooBig("phép lũy thừa cho ra một số quá lớn")
        elif operator == "+" and _size(left) is not None and _size(right) is not None:
            _check_text(_size(left) + _size(right))
        elif operator == "%" and isinstance(left, str):
            _check_call("__mod__", left, (), {})
        try:
            result = super().call_binop(context, operator, left, right)
        except OverflowError:
            raise TooBig("phép tính cho ra một số quá lớn") from None
        _check_int(result)
        return result

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        bound = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        _check_call(getattr(bound, "__name__", ""), getattr(bound, "__self__", None), args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def guard_filters(self) -> None:
        self.filters = {name: _guarded_filter(name, fn) for name, fn in self.filters.items()}
        self.globals.pop("lipsum", None)
        # what ``{{ … }}`` prints is weighed before it is made into text
        given = self.finalize
        self.finalize = (lambda value: given(_check_weight(value))) if given else _check_weight


class TemplateSandbox(_Limits, SandboxedEnvironment):
    """The .docx templates' environment: a sandbox (a template is a file from the office,
    and may come from anywhere), with the limits above."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``block.text`` on a dict of the context, without the failed attribute look-up
        (an exception each time) Jinja makes first: a name that is not an attribute of
        ``dict`` can only be found as a key. Everything else as the sandbox does it."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class ProseSandbox(_Limits, ImmutableSandboxedEnvironment):
    """Prose in the data: a sandbox that changes nothing, with the limits above."""


def _speller(choice: str):
    """What every value printed in a template passes through: the profile's spelling of the
    tone in «uỷ/ủy, hoà/hòa» (``vnrules.spell_tones``), or nothing."""
    if choice == "giữ nguyên":
        return None

    def finalize(value):
        if isinstance(value, Markup):
            return Markup(vnrules.spell_tones(str(value), choice))
        if isinstance(value, str):
            return vnrules.spell_tones(value, choice)
        return value
    return finalize


def template_environment(profile: Profile) -> jinja2.Environment:
    """The environment every .docx template of a run is compiled in."""
    env = TemplateSandbox(autoescape=True, undefined=jinja2.StrictUndefined,
                          keep_trailing_newline=True, finalize=_speller(profile.texts.spelling_uy))
    env.filters.update({
        "short_date": vnrules.short_date,
        "full_date": vnrules.full_date,
        "figure": vnrules.figure,
        "percent": vnrules.percent,
        "roman": vnrules.roman,
        "letter": vnrules.letter,
        "upper_vi": vnrules.upper,
    })
    env.globals.update({
        "share": vnrules.share,
        "blank_date": vnrules.blank_date,
        "number_line": lambda number, doc_type, issuer: vnrules.number_line(
            number, doc_type, issuer, profile),
        "profile": profile,
    })
    env.guard_filters()
    return env


# --- prose --------------------------------------------------------------------------------

class DateValue:
    """A date in prose: ``{{ d }}`` → ``05/5/2021``; ``{{ d.full }}`` → ``ngày 05 tháng 5 năm
    2021``."""

    def __init__(self, d: date):
        self.date = d
        self.full = vnrules.date_words(d)
        self.year = d.year

    def __str__(self) -> str:
        return vnrules.short_date(self.date)


class DocValue:
    """A referenced document in prose: ``{{ docs.nq01 }}`` → ``Nghị quyết số 01-NQ/ĐUK, ngày
    10/10/2016``; ``.short`` without the date; ``.symbol``, ``.date``, ``.issuer``, ``.subject``."""

    def __init__(self, *, name: str, symbol: str, d: date, issuer: str, subject: str,
                 profile: Profile):
        self.name = name
        self.symbol = symbol
        self.date = DateValue(d)
        self.issuer = issuer
        self.subject = subject
        self.short = vnrules.reference(name, symbol, None, profile)
        self._full = vnrules.reference(name, symbol, d, profile)

    def __str__(self) -> str:
        return self._full


class Namespace:
    """Attribute access over a mapping, for prose (``levels.cb``); a missing key is undefined."""

    def __init__(self, values: dict[str, Any]):
        self._values = values

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):
        return iter(self._values.values())


class ProseError(Exception):
    """Prose that cannot be rendered; ``str()`` is a Vietnamese explanation."""


_PROSE: dict[str, jinja2.Template] = {}   # compiled prose by text, for the life of the process
_PROSE_KEPT = 20000                         # texts; past this the cache starts again


def _prose_environment() -> jinja2.Environment:
    env = ProseSandbox(undefined=jinja2.StrictUndefined, autoescape=False)
    env.guard_filters()
    return env


class ProseRenderer:
    """Renders prose strings against the data's values, compiling each distinct text once
    per process (the same sandbox every time, so a long-running workspace compiles a text
    once, not at every reload)."""

    env: jinja2.Environment | None = None

    def __init__(self, values: dict[str, Any]):
        if ProseRenderer.env is None:
            ProseRenderer.env = _prose_environment()
        self.values = values
        if len(_PROSE) > _PROSE_KEPT:
            _PROSE.clear()
        self._cache = _PROSE

    def render(self, text: str, extra: dict | None = None) -> str:
        """``text`` with its references filled; ``extra`` adds values (a unit's own)."""
        if "{" not in text:
            return text
        try:
            template = self._cache.get(text)
            if template is None:
                _check_prose(self.env.parse(text))
                template = self._cache[text] = self.env.from_string(text)
            result = _bounded_render(template, {**self.values, **extra} if extra else self.values)
        except TooBig as exc:
            raise ProseError(f"{exc} — đoạn văn chỉ nên dẫn giá trị, không tính toán lớn: "
                             f"«{_short(text)}»") from None
        except jinja2.TemplateSyntaxError as exc:
            raise ProseError(f"dẫn giá trị sai cú pháp trong «{text}»: {_syntax_hint(exc)}; "
                             "cách ghi đúng: {{ docs.nq01 }}") from None
        except jinja2.UndefinedError as exc:
            raise ProseError(f"dẫn tới giá trị không có: {_undefined_name(exc)}; các giá trị "
                             f"dẫn được: {self.known()}") from None
        except jinja2.exceptions.SecurityError:
            raise ProseError("cách dẫn giá trị này không được phép") from None
        except (MemoryError, RecursionError, OverflowError):
            raise ProseError(f"phép tính quá lớn trong «{_short(text)}»") from None
        except ValueError as exc:  # a reference our functions refuse, said in Vietnamese
            raise ProseError(f"trong «{text}»: {exc}") from None
        except ZeroDivisionError:
            raise ProseError(f"phép chia cho 0 trong «{_short(text)}»") from None
        except TypeError:
            raise ProseError(f"phép tính với giá trị không hợp kiểu (ví dụ cộng chữ với số) trong "
                             f"«{_short(text)}»") from None
        except Exception:
            raise ProseError(f"không dẫn được giá trị trong «{_short(text)}»") from None
        if result is None:
            raise ProseError(f"đoạn văn sau khi dẫn giá trị quá dài (trên {thousands(MAX_TEXT)} ký tự)"
                             + f": «{_short(text)}»")
        return result

    def known(self) -> str:
        names = []
        for key, value in self.values.items():
            if isinstance(value, Namespace):
                names += [f"{key}.{k}" for k in value._values]
            else:
                names.append(key)
        return ", ".join(names)


def _bounded_render(template: jinja2.Template, values: dict) -> str | None:
    """``template`` rendered piece by piece, stopped as soon as the text passes the limit
    (``None``): a long result is never made whole before it is refused."""
    pieces, total = [], 0
    for piece in template.generate(values):
        total += len(piece)
        if total > MAX_TEXT:
            return None
        pieces.append(piece)
    return "".join(pieces)


def _syntax_hint(exc: jinja2.TemplateSyntaxError) -> str:
    message = exc.message or ""
    if "unexpected '}'" in message or "expected token 'end of print statement'" in message:
        return "dấu ngoặc «{{ … }}» không khớp"
    if "unexpected end of template" in message:
        return "thiếu «}}» để đóng"
    if "unexpected char" in message:
        return "có ký tự không dùng được trong «{{ … }}»"
    return "không đọc được phần trong «{{ … }}»"


def _undefined_name(exc: jinja2.UndefinedError) -> str:
    msg = str(exc.message or exc)
    # jinja: "'x' is undefined" or "'Namespace object' has no attribute 'y'"
    if "has no attribute" in msg:
        return "«" + msg.rsplit("attribute", 1)[1].strip(" '") + "»"
    if "is undefined" in msg:
        return "«" + msg.split("'")[1] + "»"
    return msg


_NOT_IN_PROSE = {nodes.For: "for", nodes.Macro: "macro", nodes.CallBlock: "call",
                 nodes.FilterBlock: "filter", nodes.Include: "include", nodes.Import: "import",
                 nodes.FromImport: "from … import", nodes.Extends: "extends", nodes.Block: "block",
                 nodes.Assign: "set", nodes.AssignBlock: "set", nodes.With: "with"}


def _check_prose(tree: nodes.Template) -> None:
    """Prose refers to values; it does not loop, define macros or variables (a variable
    doubled again and again by «~» would grow past any limit before it is weighed) or
    include other files."""
    for node in tree.find_all(tuple(_NOT_IN_PROSE)):
        raise TooBig(f"lệnh «{{% {_NOT_IN_PROSE[type(node)]} %}}» không dùng được trong đoạn văn")


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"
