"""Typed errors of vanban and the problems that validation collects.

Every error a user can meet is a subclass of :class:`VanbanError`; the CLI maps each class to
an exit code in one place (``cli.py``) and prints its Vietnamese message, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ERROR = "lỗi"
WARNING = "cảnh báo"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of validation: where it is and what is wrong, in Vietnamese."""

    file: str
    line: int | None
    place: str  # key path ("plan.date", "levels[1].id") or another description of the place
    message: str
    level: str = ERROR

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", dòng {self.line}"
        if self.place.startswith("cột "):
            where += f", {self.place}"  # a column of a table file (CSV)
        elif self.place:
            where += f", mục «{self.place}»"
        return f"{where}: {self.level}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


class VanbanError(Exception):
    """Base class of every error vanban reports to a user."""

    exit_code = 1


class DataError(VanbanError):
    """The campaign data has problems; carries all of them."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.place))
        errors = [p for p in self.problems if p.is_error]
        super().__init__(f"Dữ liệu có {len(errors)} lỗi.")


class TemplateError(VanbanError):
    """A .docx template cannot be read, compiled or rendered."""

    exit_code = 3

    def __init__(self, template: Path | str, message: str):
        self.template = str(template)
        super().__init__(f"Mẫu {self.template}: {message}")


class OutputError(VanbanError):
    """An output file or folder cannot be written."""

    exit_code = 4


class UsageError(VanbanError):
    """The command was called in a way that cannot work (missing folder, existing target…)."""

    exit_code = 2
