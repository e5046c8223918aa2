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

from datetime import date
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import vnrules
from .profiles import Profile


def template_environment(profile: Profile) -> jinja2.Environment:
    """The environment every .docx template of a run is compiled in."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
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


class ProseRenderer:
    """Renders prose strings against the data's values, compiling each distinct text once."""

    def __init__(self, values: dict[str, Any]):
        self.env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined,
                                                 autoescape=False)
        self.values = values
        self._cache: dict[str, jinja2.Template] = {}

    def render(self, text: str, extra: dict | None = None) -> str:
        """``text`` with its references filled; ``extra`` adds values (a unit's own)."""
        if "{" not in text:
            return text
        try:
            template = self._cache.get(text)
            if template is None:
                template = self._cache[text] = self.env.from_string(text)
            return template.render({**self.values, **extra} if extra else self.values)
        except jinja2.TemplateSyntaxError as exc:
            raise ProseError(f"dẫn giá trị sai cú pháp trong «{text}»: {_syntax_hint(exc)}; "
                             "cách ghi đúng: {{ docs.nq01 }}") from None
        except jinja2.UndefinedError as exc:
            raise ProseError(f"dẫn tới giá trị không có: {_undefined_name(exc)}; các giá trị "
                             f"dẫn được: {self.known()}") from None
        except jinja2.exceptions.SecurityError:
            raise ProseError("cách dẫn giá trị này không được phép") from None
        except ValueError as exc:  # a reference our functions refuse, said in Vietnamese
            raise ProseError(f"trong «{text}»: {exc}") from None
        except Exception as exc:
            raise ProseError(f"không dẫn được giá trị trong «{text}» ({exc})") from None

    def known(self) -> str:
        names = []
        for key, value in self.values.items():
            if isinstance(value, Namespace):
                names += [f"{key}.{k}" for k in value._values]
            else:
                names.append(key)
        return ", ".join(names)


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
