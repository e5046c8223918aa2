"""The ``vanban`` command. Parses arguments, runs the pipeline of ``main.py``, and reports in
Vietnamese; every error class maps to its exit code here, in one place, never a traceback."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

import click

from . import __version__
from .app.bundled import BUNDLED_TEMPLATES, EXAMPLES
from .base.exceptions import DataError, OutputError, Problem, Unsignable, VanbanError, printable

EXIT_UNEXPECTED = 70

# click's own words (usage lines, its errors) in Vietnamese
_CLICK_VI = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Error: {message}": "Lỗi: {message}",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing command.": "Thiếu lệnh.",
    "Try '{command} {option}' for help.": "Gõ '{command} {option}' để xem hướng dẫn.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Got unexpected extra argument ({args})": "Thừa đối số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các đối số ({args})",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp, không phải thư mục.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục, không phải tệp.",
    "directory": "Thư mục",
    "file": "Tệp",
    "path": "Đường dẫn",
    "Aborted!": "Đã dừng.",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "{value!r} is not {choice}.": "{value!r} không phải là {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} không phải một trong: {choices}.",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "(Did you mean one of: {possibilities}?)": "(Có phải ý bạn là một trong: {possibilities}?)",
}


@contextlib.contextmanager
def _loading():
    """The engine's modules loaded without Python's garbage collector: loading makes hundreds
    of thousands of objects and no garbage, and the collector's passes over them were a
    tenth of the time ``vanban collect`` spent loading."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _vi(message: str) -> str:
    return _CLICK_VI.get(message, message)


def _vi_n(singular: str, plural: str, n: int) -> str:
    return _vi(singular if n == 1 else plural)


for _module in ("core", "exceptions", "formatting", "parser", "types", "decorators", "termui"):
    _mod = sys.modules.get(f"click.{_module}") or __import__(f"click.{_module}", fromlist=["_"])
    if hasattr(_mod, "_"):
        _mod._ = _vi
    if hasattr(_mod, "ngettext"):
        _mod.ngettext = _vi_n


def _report_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


DATA_OPTION = click.option("--data", "data_dir", type=click.Path(path_type=Path), default="data",
                           show_default=True, help="Thư mục dữ liệu của chiến dịch.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vanban")
def cli() -> None:
    """vanban — sinh văn bản của một đợt sơ kết, tổng kết từ một bộ dữ liệu.

    Dữ liệu (thư mục data/) là nguồn duy nhất; các văn bản được sinh vào thư mục out/.
    """


@cli.command()
@DATA_OPTION
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default="out",
              show_default=True, help="Thư mục ghi các văn bản sinh ra.")
@click.option("--unit", "unit_id", metavar="MÃ", default=None,
              help="Chỉ sinh báo cáo mẫu của một đơn vị (mã trong don-vi.csv).")
@click.option("--force", is_flag=True, help="Sinh lại mọi văn bản, kể cả văn bản không đổi.")
@click.option("--watch", is_flag=True,
              help="Theo dõi thư mục dữ liệu và mẫu; sinh lại mỗi khi có tệp được lưu.")
@click.option("--pdf", is_flag=True,
              help="Ghi thêm bản PDF/A của các văn bản để ký, có ô chữ ký số trống (cần LibreOffice).")
@click.option("--ban-chinh-thuc", "official", is_flag=True,
              help="Bản để ký: không sinh nếu còn chỗ số liệu mức «cao» chưa quyết định (vanban review).")
def build(data_dir: Path, out_dir: Path, unit_id: str | None, force: bool, watch: bool,
          pdf: bool, official: bool) -> None:
    """Sinh mọi văn bản của chiến dịch vào thư mục kết quả (chỉ những văn bản có thay đổi)."""
    try:
        _build_once(data_dir, out_dir, unit_id, force, pdf, official=official)
    except Unsignable as exc:
        for line in exc.lines:
            click.echo(line, err=True)
        raise
    if watch:
        from .app import main as pipeline
        from .app.watch import watch as run_watch

        click.echo(f"Đang theo dõi {data_dir} và các mẫu; nhấn Ctrl+C để dừng.")

        def rebuild() -> None:
            try:
                _build_once(data_dir, out_dir, unit_id, False, pdf, quiet_unchanged=True)
            except DataError as exc:
                _report_problems(exc.problems)
                click.echo("Dữ liệu có lỗi; chưa ghi tệp nào. Sửa rồi lưu lại để sinh tiếp.", err=True)
            except VanbanError as exc:
                click.echo(f"Lỗi: {exc}", err=True)

        run_watch([data_dir] + pipeline.template_dirs(data_dir)[:2], rebuild)


class _Bar:
    """A progress bar on a terminal, for runs of more than 50 documents; nothing otherwise."""

    def __init__(self):
        self.bar = None

    def start(self, total: int):
        if total < 50 or not sys.stderr.isatty():
            return None
        self.bar = click.progressbar(length=total, label="Đang sinh văn bản", file=sys.stderr)
        return self.bar.update

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None


def _build_once(data_dir: Path, out_dir: Path, unit_id: str | None, force: bool, pdf: bool,
                quiet_unchanged: bool = False, official: bool = False) -> None:
    from .app import edits, main as pipeline, quick

    bar = _Bar()
    try:
        report = pipeline.build(data_dir, out_dir, unit_id, force=force, progress=bar.start,
                                official=official)
    finally:
        bar.finish()
    _report_problems(report.warnings)
    plain = unit_id is None and not force and not pdf and not official
    if len(report.written) <= 50:
        for name in report.written:
            click.echo(f"đã ghi {out_dir / name}")
    for name in report.removed:
        click.echo(f"đã xóa {out_dir / name} (không còn trong dữ liệu)")
    for line in edits.lines(out_dir, report):
        click.echo(line)
    pdf_failed = False
    if pdf:
        from .documents.pdf import PdfError, convert, font_note, remove

        try:
            for name in remove(out_dir, report.removed):
                click.echo(f"đã xóa {out_dir / name} (văn bản không còn)")
            made = convert(out_dir)
            for name in made:
                click.echo(f"đã ghi {out_dir / name} (PDF/A, có ô chữ ký số trống)")
            note = font_note() if made else None
            if note:
                click.echo(f"Cảnh báo: {note}", err=True)
        except PdfError as exc:
            click.echo(f"Lỗi PDF: {exc}", err=True)
            pdf_failed = True
    if not (quiet_unchanged and not report.written and not report.removed and not report.merged):
        merged = f", {len(report.merged)} tệp đã sửa được gộp bản mới" if report.merged else ""
        click.echo(f"Xong: {len(report.written)} tệp đã ghi, {len(report.unchanged)} tệp không đổi, "
                   f"{len(report.removed)} tệp đã xóa{merged}.")
    if (report.locked or pdf_failed) and not quiet_unchanged:
        sys.exit(OutputError.exit_code)
    if plain and report.standing is not None and not edits.lines(out_dir, report):
        # out/ complete and nobody's copy involved: the next no-op is answered from a stamp
        count = len(report.written) + len(report.unchanged)
        quick.record(data_dir, out_dir, [("err", str(p)) for p in report.standing] + [
            ("out", f"Xong: 0 tệp đã ghi, {count} tệp không đổi, 0 tệp đã xóa.")])


@cli.command()
@DATA_OPTION
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default="out", show_default=True,
              help="Thư mục kết quả: báo nếu còn một lần ghi vào đó bị ngắt giữa chừng.")
@click.option("--schema", "schema", is_flag=True,
              help="In JSON Schema của các tệp dữ liệu (để trình soạn thảo kiểm tra) rồi thoát.")
def check(data_dir: Path, out_dir: Path, schema: bool) -> None:
    """Kiểm tra dữ liệu và mẫu văn bản, liệt kê mọi lỗi; không ghi gì."""
    if schema:
        from .app.docs import json_schemas

        click.echo(json.dumps(json_schemas(), ensure_ascii=False, indent=2))
        return
    from .app import main as pipeline

    warnings = pipeline.check(data_dir, out_dir)
    _report_problems(warnings)
    click.echo(f"Dữ liệu hợp lệ ({len(warnings)} cảnh báo).")


@cli.command()
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--mau", "example", type=click.Choice(sorted(EXAMPLES)), default="dang",
              show_default=True,
              help="Chiến dịch mẫu: dang (văn bản của Đảng) hoặc nha-nuoc (văn bản nhà nước).")
@click.option("--from", "kit_path", type=click.Path(path_type=Path), default=None, metavar="BỘ_DỮ_LIỆU",
              help="Lập chiến dịch của đơn vị cho các chi bộ trực thuộc từ bộ dữ liệu cấp trên gửi "
                   "(out/bo-du-lieu/<mã>.zip của cấp trên).")
def new(target: Path, example: str, kit_path: Path | None) -> None:
    """Tạo thư mục chiến dịch mới TARGET từ chiến dịch mẫu, hoặc từ bộ dữ liệu của cấp trên."""
    if kit_path is not None:
        from .documents.kit import new_from_kit

        for made in new_from_kit(target, kit_path, BUNDLED_TEMPLATES):
            click.echo(f"đã tạo {made}")
        click.echo(f"Liệt kê các chi bộ trực thuộc trong {target / 'data' / 'don-vi.csv'}, rồi chạy: "
                   f"cd {target} && vanban build")
        return
    from .app import main as pipeline

    for made in pipeline.new_campaign(target, example):
        click.echo(f"đã tạo {made}")
    click.echo(f"Sửa dữ liệu trong {target / 'data'}, rồi chạy: cd {target} && vanban build")


def _date_option(value: str | None):
    if value is None:
        return None
    from .model.schema import parse_date
    from pydantic_core import PydanticCustomError

    try:
        return parse_date(value)
    except PydanticCustomError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@DATA_OPTION
@click.option("--replace", is_flag=True,
              help="Lấy bản mới khi đơn vị đã có số liệu (bản cũ được giữ trong lịch sử).")
@click.option("--received", metavar="NGÀY", default=None,
              help="Ngày nhận các tệp này (mặc định: hôm nay), để tính gửi đúng hạn hay muộn.")
def collect(paths: tuple[Path, ...], data_dir: Path, replace: bool, received: str | None) -> None:
    """Đọc số liệu từ các báo cáo đơn vị gửi về (tệp hoặc thư mục) vào dữ liệu."""
    with _loading():
        from .intake.collect import collect as run

    report = run(list(paths), data_dir, replace=replace, received=_date_option(received))
    out: list[str] = []    # a thousand files give thousands of lines: written at once
    err: list[str] = []
    for path, unit in report.stored:
        out.append(f"đã nhận {printable(path)} → {unit}")
    for path, unit in report.replaced:
        out.append(f"đã thay số liệu của {unit} bằng {printable(path)} (bản cũ giữ trong lịch sử)")
    for path, unit in report.unchanged:
        out.append(f"không đổi {printable(path)} ({unit}: đã nhận đúng tệp này)")
    for path, note in report.notes:
        err.append(f"{printable(path)}: cảnh báo: {note}")
    locked = {path for path, _ in report.locked}
    for path, unit, kept in report.conflicts:
        if path in locked:
            err.append(f"{printable(path)}: xung đột: báo cáo của {unit} đã được duyệt, số liệu đã khóa; bản "
                       f"mới để riêng ở {printable(kept)}. Muốn dùng bản mới: «vanban review --mo-khoa "
                       f"{unit} --ly-do …» rồi nhận lại với --replace.")
            continue
        err.append(f"{printable(path)}: xung đột: {unit} đã có số liệu từ tệp khác; bản mới để riêng ở "
                   f"{printable(kept)}. Dùng --replace để lấy bản mới.")
    disputed = {path for path, _, _ in report.disputed}
    for path, _, why in report.disputed:
        err.append(f"{printable(path)}: xung đột: {why}")
    for path, why in report.refused:
        if path not in disputed:
            err.append(f"{printable(path)}: không nhận: {why}")
    for unit, finding in report.findings:
        err.append(f"{unit}: cần xem lại: {finding}")
    if out:
        click.echo("\n".join(out))
    if err:
        click.echo("\n".join(err), err=True)
    click.echo(f"Xong: {len(report.stored)} nhận mới, {len(report.replaced)} thay, "
               f"{len(report.unchanged)} không đổi, {len(report.conflicts) + len(disputed)} xung đột, "
               f"{len(report.refused) - len(disputed)} không nhận.")
    if report.refused or report.conflicts:
        sys.exit(1)


@cli.command()
@DATA_OPTION
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None,
              help="Ghi thêm bảng tình trạng ra tệp CSV (mở bằng Excel).")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path), default=None,
              help="Ghi thêm bảng tình trạng ra tệp Excel (.xlsx).")
@click.option("--today", metavar="NGÀY", default=None, help="Tính quá hạn theo ngày này (mặc định: hôm nay).")
def status(data_dir: Path, csv_path: Path | None, xlsx_path: Path | None, today: str | None) -> None:
    """Đơn vị nào đã gửi báo cáo, gửi muộn, chưa gửi."""
    from .config import store
    from .app.status import as_csv, as_xlsx, statuses, summary, table
    from .config.validate import load_campaign
    from .base.writer import write_atomic

    data = load_campaign(data_dir)
    _report_problems(data.problems)
    lines = statuses(data, _date_option(today) or store.today())
    click.echo(table(lines))
    click.echo()
    click.echo(summary(lines))
    from .review import completeness, states

    for line in completeness.lines(completeness.completeness(data)):
        click.echo(line)
    click.echo(states.summary(data, data_dir))
    for line in states.branches_lines(data):
        click.echo(line)
    if csv_path:
        write_atomic(csv_path, as_csv(lines))
        click.echo(f"đã ghi {csv_path}")
    if xlsx_path:
        write_atomic(xlsx_path, as_xlsx(lines))
        click.echo(f"đã ghi {xlsx_path}")


@cli.command()
@DATA_OPTION
@click.option("--muc", "severity", type=click.Choice(["cao", "trung-binh", "thap"]),
              help="Chỉ những chỗ mức này.")
@click.option("--don-vi", "unit", metavar="MÃ", help="Chỉ một đơn vị (mã trong don-vi.csv).")
@click.option("--cap", "level", metavar="MÃ", help="Chỉ một cấp đơn vị (mã hoặc tên).")
@click.option("--bang", "table", metavar="MÃ", help="Chỉ một phụ lục (mã trong phu-luc.yaml: pl1 …).")
@click.option("--con-mo", "open_only", is_flag=True, help="Chỉ những chỗ chưa quyết định.")
@click.option("--quyet-dinh", "key", metavar="MÃ", help="Quyết định về chỗ có mã này (cột mã của danh sách).")
@click.option("--giai-trinh", "explained", metavar="LỜI", help="Đơn vị đã giải trình: ghi lời giải trình.")
@click.option("--chap-nhan", "accepted", is_flag=True, help="Chấp nhận số liệu như đơn vị ghi.")
@click.option("--sua", "corrected", metavar="SỐ", help="Dùng số này thay số đơn vị ghi (cần --ly-do).")
@click.option("--ly-do", "reason", metavar="LỜI", default="", help="Lý do (với --sua, --chap-nhan).")
@click.option("--yeu-cau-sua", "ask", metavar="LỜI", help="Đề nghị đơn vị sửa: ghi điều đề nghị.")
@click.option("--nguoi", "by", metavar="TÊN", help="Tên người quyết định (mặc định: tên đăng nhập máy).")
@click.option("--xem-xet", "reviewing", metavar="MÃ_ĐƠN_VỊ", help="Đánh dấu báo cáo của đơn vị là đang xem xét.")
@click.option("--duyet", "approve", metavar="MÃ_ĐƠN_VỊ", help="Duyệt báo cáo của đơn vị (khóa số liệu).")
@click.option("--tra-lai", "send_back", metavar="MÃ_ĐƠN_VỊ", help="Trả lại báo cáo của đơn vị (cần --ly-do).")
@click.option("--mo-khoa", "unlock", metavar="MÃ_ĐƠN_VỊ", help="Mở khóa báo cáo đã duyệt (cần --ly-do).")
def review(data_dir: Path, severity: str | None, unit: str | None, level: str | None,
           table: str | None, open_only: bool, key: str | None, explained: str | None,
           accepted: bool, corrected: str | None, reason: str, ask: str | None, by: str | None,
           reviewing: str | None, approve: str | None, send_back: str | None, unlock: str | None) -> None:
    """Xem xét số liệu trước khi ký: mọi chỗ cần xem lại, theo mức và ảnh hưởng tới tổng; quyết
    định từng chỗ (đã giải trình, chấp nhận, sửa, yêu cầu đơn vị sửa)."""
    from .base.exceptions import UsageError
    from .config.figures import FigureError, parse_number
    from .review import decisions, queue, states
    from .config.validate import load_campaign

    data = load_campaign(data_dir)
    problems = list(data.problems)
    items = queue.build(data, data_dir, problems)
    if any(p.is_error for p in problems):
        raise DataError(problems)
    moves = [(u, st) for u, st in ((reviewing, states.REVIEWING), (approve, states.APPROVED),
                                   (send_back, states.RETURNED), (unlock, states.REVIEWING)) if u]
    if moves:
        if len(moves) > 1:
            raise UsageError("Mỗi lần chỉ đổi tình trạng một báo cáo.")
        who_, state = moves[0]
        record = data.returns.get(who_)
        if record is None:
            raise UsageError(f"Đơn vị «{who_}» chưa có báo cáo nào được nhận.")
        if unlock and not reason.strip():
            raise UsageError("Mở khóa báo cáo đã duyệt cần ghi lý do (--ly-do).")
        if send_back and not reason.strip():
            raise UsageError("Trả lại báo cáo cần ghi lý do (--ly-do).")
        states.change(data_dir, who_, state, record.source.sha256, reason, by)
        click.echo(f"{data.members[who_].name if who_ in data.members else who_}: {state}"
                   + (" (đã mở khóa)" if unlock else ""))
        click.echo(states.summary(data, data_dir))
        return
    if key:
        item = queue.pick(items, key)
        chosen = [k for k, on in ((decisions.EXPLAINED, explained is not None), (decisions.ACCEPTED, accepted),
                                  (decisions.CORRECTED, corrected is not None),
                                  (decisions.ASK_UNIT, ask is not None)) if on]
        if len(chosen) != 1:
            raise UsageError("Chọn đúng một quyết định: --giai-trinh, --chap-nhan, --sua hoặc --yeu-cau-sua.")
        value = None
        if corrected is not None:
            try:
                value = parse_number(corrected)
            except (FigureError, ValueError) as exc:
                raise UsageError(f"«{corrected}» không phải một số: {exc}") from None
        record = data.returns.get(item.finding.unit)
        decision = decisions.decide(data_dir, item.finding, chosen[0],
                                    explained or ask or reason, value, by,
                                    record.source.sha256 if record else "")
        click.echo(f"đã ghi quyết định «{decision.decision}» cho {item.finding.key[:8]} ({item.unit_name})")
        items = queue.build(data, data_dir)
        click.echo(queue.summary(items))
        return
    shown = queue.chosen(items, severity={"cao": "cao", "trung-binh": "trung bình", "thap": "thấp"}.get(
        severity or "", None), unit=unit, level=level, table=table, decided=not open_only)
    _report_problems(problems)
    for line in queue.lines(shown, data.appendix):
        click.echo(line)
    if shown:
        click.echo()
    click.echo(queue.summary(items))
    click.echo(states.summary(data, data_dir))


@cli.command()
@DATA_OPTION
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default="out",
              show_default=True, help="Thư mục ghi các văn bản sinh ra.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Cổng trên máy này (đang bận thì lấy cổng khác).")
@click.option("--no-browser", is_flag=True, help="Không tự mở trình duyệt.")
def serve(data_dir: Path, out_dir: Path, port: int, no_browser: bool) -> None:
    """Mở không gian làm việc trên trình duyệt (chỉ trên máy này, có mã truy cập)."""
    from .web.server import serve as run

    run(data_dir, out_dir, port, not no_browser, say=click.echo)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command and turn every error into a message and an exit code."""
    if hasattr(signal, "SIGXFSZ") and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file over the size limit: an error, not death
    try:
        cli.main(args=argv, prog_name="vanban", standalone_mode=False)
    except DataError as exc:
        _report_problems(exc.problems)
        errors = sum(p.is_error for p in exc.problems)
        click.echo(f"Có {errors} lỗi trong dữ liệu; chưa ghi tệp nào.", err=True)
        sys.exit(exc.exit_code)
    except VanbanError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(_vi("Aborted!"), err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Đã dừng theo yêu cầu; các tệp đã có vẫn nguyên vẹn.", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours: say so plainly, keep the traceback for developers
        if os.environ.get("VANBAN_DEBUG"):
            traceback.print_exc()
        click.echo(f"Lỗi không mong đợi trong vanban ({type(exc).__name__}: {exc}). "
                   "Các tệp đã có vẫn nguyên vẹn. Đặt biến VANBAN_DEBUG=1 để xem chi tiết "
                   "và gửi cho người phát triển.", err=True)
        sys.exit(EXIT_UNEXPECTED)
