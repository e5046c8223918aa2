"""Typed errors of vanban and the problems that validation collects.

Every error a user can meet is a subclass of :class:`VanbanError`; the CLI maps each class to
an exit code in one place (``cli.py``) and prints its Vietnamese message, never a traceback.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from .thousands import thousands

ERROR = "lỗi"
WARNING = "cảnh báo"


MAX_PLACE = 200       # characters of a file name or a key path in a message
MAX_MESSAGE = 1500    # characters of a message (a long list of known names included)


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters: a long one keeps its start and its end (where a
    message says what to do), and says how much was left out."""
    if len(text) <= limit:
        return text
    keep = max(limit - 32, 20)
    left = f" …[bỏ bớt {thousands(len(text) - keep)} ký tự]… "
    return text[: keep * 2 // 3] + left + text[-(keep - keep * 2 // 3):]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of validation: where it is and what is wrong, in Vietnamese."""

    file: str
    line: int | None
    place: str  # key path ("plan.date", "levels[1].id") or another description of the place
    message: str
    level: str = ERROR

    def __post_init__(self) -> None:
        # what comes from a file (a key of 5 MB, a value pasted whole) is cut where it is said
        for name, limit in (("file", MAX_PLACE), ("place", MAX_PLACE), ("message", MAX_MESSAGE)):
            value = getattr(self, name)
            if isinstance(value, str) and len(value) > limit:
                object.__setattr__(self, name, cut(value, limit))

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
    """Base class of every error vanban reports to a user.

    Errors cross process boundaries (a document rendered in another process sends its error
    back), so each one pickles with the arguments it was made from."""

    exit_code = 1

    def __reduce__(self):
        return (type(self), tuple(getattr(self, "_made_from", self.args)))


class DataError(VanbanError):
    """The campaign data has problems; carries all of them."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self._made_from = (problems,)
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.place))
        errors = [p for p in self.problems if p.is_error]
        super().__init__(f"Dữ liệu có {len(errors)} lỗi.")


class TemplateError(VanbanError):
    """A .docx template cannot be read, compiled or rendered."""

    exit_code = 3

    def __init__(self, template: Path | str, message: str):
        self._made_from = (template, message)
        self.template = str(template)
        super().__init__(f"Mẫu {self.template}: {message}")


class OutputError(VanbanError):
    """An output file or folder cannot be written."""

    exit_code = 4


class UsageError(VanbanError):
    """The command was called in a way that cannot work (missing folder, existing target…)."""

    exit_code = 2


class Unsignable(VanbanError):
    """The official copy was asked for while findings of severity «cao» are still open."""

    exit_code = 5

    def __init__(self, lines: list[str]):
        self._made_from = (lines,)
        self.lines = lines
        super().__init__(f"Chưa sinh được bản chính thức của báo cáo tổng hợp: còn {len(lines)} chỗ số "
                         "liệu mức «cao» chưa quyết định (xem và quyết định bằng «vanban review»); "
                         "chưa ghi tệp nào.")


class Cancelled(VanbanError):
    """A build stopped by the person (the workspace's «Dừng», Ctrl+C): nothing was written."""

    exit_code = 130

    def __init__(self, message: str = "Đã dừng việc sinh văn bản; thư mục kết quả giữ nguyên như trước."):
        self._made_from = (message,)
        super().__init__(message)


class RenderFailure(VanbanError):
    """A document could not be made for a reason vanban did not foresee (a bug): the
    message names the document and what went wrong."""

    exit_code = 70

    def __init__(self, message: str):
        self._made_from = (message,)
        super().__init__(f"Không tạo được văn bản {message}")


_OS_ERRORS = {
    errno.ENOSPC: "ổ đĩa đã hết chỗ trống",
    errno.EDQUOT: "đã dùng hết dung lượng được cấp trên ổ đĩa",
    errno.EFBIG: "tệp vượt quá cỡ lớn nhất được phép ghi (giới hạn cỡ tệp của hệ thống hoặc của ổ đĩa)",
    errno.EACCES: "không có quyền (tệp hoặc thư mục chỉ đọc, hoặc của người dùng khác)",
    errno.EPERM: "không được phép (tệp hoặc thư mục bị khóa)",
    errno.ENOENT: "không có tệp hoặc thư mục này",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
    errno.EBUSY: "tệp đang được chương trình khác dùng",
    errno.ETXTBSY: "tệp đang được chương trình khác dùng",
    errno.ENAMETOOLONG: "tên tệp quá dài",
    errno.EIO: "lỗi đọc ghi ổ đĩa",
    errno.EMFILE: "mở quá nhiều tệp cùng lúc",
    errno.ENFILE: "hệ thống đang mở quá nhiều tệp cùng lúc",
    errno.EEXIST: "đã có tệp hoặc thư mục cùng tên",
    errno.ENOTEMPTY: "thư mục không trống",
    errno.EXDEV: "không chuyển được tệp sang ổ đĩa khác",
    errno.ELOOP: "đường dẫn có liên kết vòng (liên kết tượng trưng trỏ lại chính nó)",
    errno.EMLINK: "quá nhiều liên kết tới tệp hoặc thư mục",
    errno.EINVAL: "tên tệp hoặc thao tác không hợp lệ trên ổ đĩa này",
    errno.EILSEQ: "tên tệp có ký tự ổ đĩa này không nhận",
    errno.EOVERFLOW: "tệp quá lớn để đọc",
    errno.ENOMEM: "máy không đủ bộ nhớ",
    errno.EAGAIN: "tài nguyên tạm thời bận; hãy thử lại",
    errno.EINTR: "việc đọc ghi bị ngắt giữa chừng; hãy thử lại",
    errno.EDEADLK: "tệp đang bị khóa bởi chương trình khác",
    errno.ENOLCK: "hệ thống không khóa được tệp",
    errno.ESTALE: "ổ mạng không còn kết nối (tệp trên ổ mạng đã thay đổi hoặc mất)",
    errno.ENODEV: "thiết bị không còn (ổ đĩa đã bị tháo ra?)",
    errno.ENXIO: "thiết bị không còn (ổ đĩa đã bị tháo ra?)",
    errno.ENOTCONN: "ổ mạng chưa kết nối",
    errno.ETIMEDOUT: "ổ mạng không trả lời (hết thời gian chờ)",
    errno.ECONNRESET: "kết nối tới ổ mạng bị ngắt",
    errno.EHOSTDOWN: "máy chứa ổ mạng không trả lời",
    errno.EHOSTUNREACH: "không tới được máy chứa ổ mạng",
    errno.ENETDOWN: "mạng không hoạt động",
    errno.ENETUNREACH: "không tới được mạng",
    errno.EPIPE: "chương trình nhận dữ liệu đã đóng",
    errno.ESPIPE: "không đọc ghi được theo vị trí (không phải tệp thường)",
    errno.EBADF: "tệp đã đóng hoặc không mở để ghi",
    errno.ENOSYS: "hệ thống không hỗ trợ thao tác này",
    errno.EOPNOTSUPP: "ổ đĩa không hỗ trợ thao tác này",
    errno.ECANCELED: "thao tác đã bị hủy",
}
_OS_GROUPS = (  # any other system error, said by what it is about
    (("ECONN", "ENET", "EHOST", "EADDR", "EPROTO", "ESOCK", "EREMOTE", "ECOMM"),
     "lỗi kết nối mạng"),
    (("ENO",), "hệ thống thiếu thứ cần cho việc đọc ghi tệp"),
    (("EBAD",), "hệ thống từ chối yêu cầu đọc ghi tệp"),
)


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Vietnamese (never the system's English words, never a
    bare number): known errors by name, any other by what it is about, with its code name
    for whoever helps."""
    code = getattr(exc, "errno", None)
    if code in _OS_ERRORS:
        return _OS_ERRORS[code]
    name = errno.errorcode.get(code, "") if code else ""
    about = next((text for prefixes, text in _OS_GROUPS if name.startswith(prefixes)),
                 "lỗi của hệ thống khi đọc ghi tệp")
    return f"{about} (mã lỗi {name})" if name else about


def printable(text: object, limit: int = 200) -> str:
    """``text`` (a file name from elsewhere …) as it can be shown on one line of a message:
    control characters — a newline in a file name — written as escapes, never obeyed."""
    shown = str(text)
    if not shown.isprintable():   # (most names are: checked at once, not letter by letter)
        shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in shown)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
