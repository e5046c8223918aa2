"""The pipeline: load → validate → build contexts → render → write.

Each step is a function here; the CLI only parses arguments and reports. Nothing is written
until every document has been rendered in memory, so bad data or a broken template leaves
the previous outputs as they were.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import shutil
import signal
import threading
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import edits, harvest
from ..documents import kit, manifest
from ..config import store
from ..base import transaction
from ..documents.contexts.common import Prose, prose_values
from ..documents.contexts.consolidated import consolidated_context
from ..documents.contexts.digest import OUTPUT as DIGEST, digest_context
from ..documents.contexts.forms import forms_context
from ..documents.contexts.outline import outline_context
from ..documents.contexts.plan import plan_context
from ..documents.contexts.unit import UnitContexts
from ..documents.environment import ProseRenderer, template_environment
from ..base.exceptions import (WARNING, Cancelled, DataError, Unsignable, OutputError, Problem,
                               RenderFailure, UsageError, VanbanError)
from ..base.exceptions import os_reason
from ..formats.profiles import Profile
from ..documents.renderer import CompiledTemplate, DocProperties
from ..config.campaign import CampaignData
from ..config.validate import load_campaign
from ..review import decisions as review_decisions, queue as review_queue, rules as review_rules
from ..review import states as review_states
from ..documents import trace as review_trace
from ..documents.contexts.letter import OUTPUT_DIR as LETTERS, OWN_PROFILE, letter_context
from ..base.writer import zip_bytes
from ..base.workers import PARALLEL_FROM, WORKER_NICE, forking, workers_for
from ..base.workers import worker_start as _worker_start

from .bundled import BUNDLED_TEMPLATES, EXAMPLES, template_dirs


@dataclass
class Document:
    """One output: where it goes, which template draws it, and what it is filled with."""

    output: str             # path under the out folder: "ke-hoach.docx"
    template: str | None    # template file name: "ke-hoach.docx"; None: made whole by ``produce``
    context: dict
    props: DocProperties | None
    produce: Callable[[], bytes] | None = None
    # the context made where the document is rendered (a render worker), not beforehand
    make: Callable[[], tuple[dict, DocProperties]] | None = None
    profile: Profile | None = None   # its own format (a letter dated under another), else the campaign's

    @property
    def compiled_as(self) -> str:
        """The key of its compiled template: the template, and the format it is drawn in."""
        return self.template if self.profile is None else f"{self.template}@{self.profile.id}"


@dataclass
class Spec:
    """An output before its context is built: what it depends on, and how to build it."""

    output: str
    template: str | None                                # None: ``make`` gives the bytes
    depends: list[str]                                  # names of the inputs it reads
    make: Callable[[], tuple[dict, DocProperties]] | Callable[[], bytes]


@dataclass
class Prepared:
    """A validated campaign and the documents it makes, ready to render."""

    data: CampaignData
    documents: list[Document]
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class BuildReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)        # a person's copy, left: nothing new
    merged: list[edits.Merged] = field(default_factory=list)   # a person's copy, new build merged in
    kept: list[tuple[str, str]] = field(default_factory=list)  # a person's copy left, and why
    locked: list[tuple[str, str]] = field(default_factory=list)  # open in Word: not replaced, why
    read_back: list[str] = field(default_factory=list)  # parts of the report whose words written
                                                        # in Word were saved into its data
    hand_typed: list[tuple[str, str, str]] = field(default_factory=list)  # (output, number, where)
    standing: list[Problem] | None = None   # the warnings a no-op build of the same data prints


UNITS_DIR = "don-vi"
CAMPAIGN, PLAN, OUTLINE, FORMS, REPORT, UNITS = ("chien-dich.yaml", "ke-hoach.yaml", "de-cuong.yaml",
                                                 "phu-luc.yaml", "bao-cao-tong-hop.yaml", "don-vi.csv")
RETURNS = "bao-cao/"
REVIEW = "kiem-tra.yaml+xem-xet/"     # the checks and the reviewers' decisions
PARENT_KIT = "cap-tren/"
REPORTED = "don-vi.csv:reported"


def find_template(data_dir: Path, name: str) -> Path:
    for folder in template_dirs(data_dir):
        if (folder / name).is_file():
            return folder / name
    return BUNDLED_TEMPLATES / name


def specs(data: CampaignData, problems: list[Problem]) -> list[Spec]:
    """Every output of the campaign, each with what it depends on. Contexts are built only
    when ``make`` is called; prose problems go to ``problems``."""
    review_rules.load(data.folder, data.appendix, problems)   # a rule's mistake is a data error
    review = functools.cache(lambda: review_queue.build(data, data.folder))   # one queue a build
    renderer = ProseRenderer(prose_values(data))
    prose = Prose(renderer, data.sources[PLAN], problems)
    outline_prose = Prose(renderer, data.sources[OUTLINE], problems) if data.outline else None
    report_prose = Prose(renderer, data.sources[REPORT], problems) if data.consolidated else None
    out = [Spec("ke-hoach.docx", "ke-hoach.docx", [CAMPAIGN, PLAN, OUTLINE],
                lambda: plan_context(data, prose, outline_prose))]
    if data.outline:
        out.append(Spec("de-cuong.docx", "de-cuong.docx", [CAMPAIGN, PLAN, OUTLINE],
                        lambda: outline_context(data, outline_prose)))
    if data.appendix:
        out.append(Spec("phu-luc.docx", "phu-luc.docx", [CAMPAIGN, PLAN, FORMS],
                        lambda: forms_context(data)))
    if data.outline and data.appendix and data.units:
        out.append(Spec("bao-cao-tong-hop.docx", "bao-cao-tong-hop.docx",
                        [CAMPAIGN, PLAN, OUTLINE, FORMS, REPORT, UNITS, RETURNS, REVIEW],
                        lambda: consolidated_context(data, outline_prose, report_prose, review())))
        out.append(Spec(review_trace.OUTPUT, None,
                        [CAMPAIGN, PLAN, OUTLINE, FORMS, REPORT, UNITS, RETURNS, REVIEW],
                        lambda: review_trace.workbook(data, review())))
        sent_back = review_states.load(data.folder)
        for uid, state in sorted(sent_back.items()):
            record = data.returns.get(uid)
            if record is not None and uid in data.members and review_states.state_of(
                    sent_back, uid, record.source.sha256) == review_states.RETURNED:
                out.append(Spec(f"{LETTERS}/{uid}.docx", "tra-lai.docx",
                                [CAMPAIGN, PLAN, OUTLINE, FORMS, REPORT, RETURNS, REVIEW, f"unit:{uid}"],
                                lambda uid=uid, state=state: letter_context(data, uid, state, review(),
                                                                            outline_prose)))
        out.append(Spec(DIGEST, DIGEST, [CAMPAIGN, PLAN, OUTLINE, REPORTED, RETURNS],
                        lambda: digest_context(data, outline_prose)))
        builder = UnitContexts(data, outline_prose)
        for unit in data.units:
            if data.member(unit.id).level.branches:
                out.append(Spec(f"{kit.KITS}/{unit.id}.zip", None,
                                [CAMPAIGN, PLAN, OUTLINE, FORMS, f"unit:{unit.id}"],
                                lambda unit=unit: kit.kit_bytes(data, data.member(unit.id))))
            depends = [CAMPAIGN, PLAN, OUTLINE, FORMS, f"unit:{unit.id}"]
            out.append(Spec(f"{UNITS_DIR}/{unit.id}.docx", "don-vi.docx", depends,
                            lambda unit=unit: builder.context(unit)))
            if data.campaign.unit_workbooks:
                out.append(Spec(f"{UNITS_DIR}/{unit.id}.xlsx", None, depends,
                                lambda unit=unit: builder.workbook(unit)))
    if data.campaign.parent is not None:
        parent, found = kit.parent_of(data)
        problems += found
        if parent is not None and data.returns and data.outline and data.appendix \
                and not any(p.is_error for p in found):
            out.append(Spec(f"{kit.UP}/{data.campaign.parent.unit}.docx", "don-vi.docx",
                            [CAMPAIGN, PLAN, OUTLINE, FORMS, REPORT, UNITS, RETURNS, PARENT_KIT, REVIEW],
                            lambda: kit.sent_up(data, parent, report_prose or outline_prose)))
    return out


def input_hashes(data: CampaignData, data_dir: Path) -> dict[str, str]:
    """A hash of each input an output may depend on."""
    hashes = {name: manifest.file_hash(data_dir / name)
              for name in (CAMPAIGN, PLAN, OUTLINE, FORMS, REPORT)}
    for unit in data.units:  # the units by their rows, wherever the list is kept (CSV, XLSX)
        hashes[f"unit:{unit.id}"] = manifest._sha(unit.model_dump_json())
    hashes[UNITS] = manifest._sha(*[hashes[f"unit:{u.id}"] for u in data.units])
    # what the digest reads of the list: how many units, and the rows of those that reported
    hashes[REPORTED] = manifest._sha(str(len(data.units)), *[hashes[f"unit:{u.id}"] for u in data.units
                                                            if u.id in data.returns])
    records = sorted(store.folder(data_dir).glob("*.yaml"))
    hashes[RETURNS] = manifest._sha(*[p.name.encode() + p.read_bytes() for p in records])
    hashes[PARENT_KIT] = kit.parent_hash(data_dir)
    hashes[REVIEW] = manifest._sha(manifest.file_hash(data_dir / review_rules.FILE),
                                   manifest.file_hash(review_decisions.folder(data_dir) / review_decisions.DECIDED),
                                   manifest.file_hash(review_decisions.folder(data_dir) / review_states.FILE))
    return hashes


def _documents(chosen: list[Spec], problems: list[Problem],
               defer: Callable[[Spec], bool] | None = None) -> list[Document]:
    """The contexts of ``chosen``; raises one :class:`DataError` with every problem found.

    When the data already has errors, contexts are still built to find the problems of the
    prose too; one that cannot be built because of those errors is passed over (its cause is
    among the problems reported)."""
    documents = []
    broken = any(p.is_error for p in problems)
    for spec in chosen:
        if spec.template is None:  # a workbook: made whole when it is written
            documents.append(Document(spec.output, None, {}, None, spec.make))
            continue
        if defer is not None and defer(spec):   # made by the worker that renders it
            documents.append(Document(spec.output, spec.template, {}, None, make=spec.make))
            continue
        try:
            context, props = spec.make()
        except (KeyError, ValueError, TypeError, AttributeError, IndexError, StopIteration):
            if not broken:
                raise
            continue
        own = context.pop(OWN_PROFILE, None)
        documents.append(Document(spec.output, spec.template, context, props, profile=own))
    if any(p.is_error for p in problems):
        raise DataError(problems)
    return documents


def prepare(data_dir: Path, unit_id: str | None = None, *, repair: bool = True) -> Prepared:
    """Load and validate the data and build every document's context (or only the skeleton
    of ``unit_id``); raise one :class:`DataError` with every problem found."""
    data = load_campaign(data_dir, repair=repair)
    problems = list(data.problems)
    chosen = _choose(specs(data, problems), unit_id)
    return Prepared(data, _documents(chosen, problems), problems)


def _choose(all_specs: list[Spec], unit_id: str | None) -> list[Spec]:
    if unit_id is None:
        return all_specs
    chosen = [s for s in all_specs if s.output.startswith(f"{UNITS_DIR}/{unit_id}.")]
    if not chosen:
        raise UsageError(f"Không có đơn vị mã «{unit_id}» trong don-vi.csv.")
    return chosen


def compile_templates(documents: list[Document], data: CampaignData, data_dir: Path,
                      cache: dict | None = None) -> dict[str, CompiledTemplate]:
    """Each template the documents use, compiled once for the run — or once for as long as
    the file and the profile stay the same, when the caller keeps a ``cache`` between runs."""
    env = None
    compiled: dict[str, CompiledTemplate] = {}
    envs: dict[str, object] = {}
    for doc in documents:
        if doc.template is None or doc.compiled_as in compiled:
            continue
        profile = doc.profile or data.profile
        path = find_template(data_dir, doc.template)
        key = (str(path), manifest.file_hash(path), profile.model_dump_json())
        if cache is not None and key in cache:
            compiled[doc.compiled_as] = cache[key]
            continue
        if profile is data.profile:
            env = env or template_environment(profile)
            own_env = env
        else:
            own_env = envs.setdefault(profile.id, template_environment(profile))
        compiled[doc.compiled_as] = CompiledTemplate(path, own_env, profile)
        if cache is not None:
            cache[key] = compiled[doc.compiled_as]
    return compiled


def render_all(prepared: Prepared, data_dir: Path) -> dict[str, bytes]:
    """Every output's bytes, each template compiled once for the run."""
    compiled = compile_templates(prepared.documents, prepared.data, data_dir)
    return {doc.output: _bytes(doc, compiled) for doc in prepared.documents}


def check(data_dir: Path, out_dir: Path | None = None) -> list[Problem]:
    """Validate data and templates without writing; return the warnings (an interrupted
    collection among them, and an interrupted build of ``out_dir``).

    Every data file and every row of the unit list is validated, and every document is built
    and rendered in memory — but the ones made per unit (skeletons, workbooks, kits), which
    are made for a few units of each shape only (see :func:`_samples`): one template and the
    same code draw every unit of a shape, so a list of 20.000 units is checked in seconds."""
    data = load_campaign(data_dir, repair=False)
    problems = list(data.problems)
    chosen = _samples(specs(data, problems), data)
    prepared = Prepared(data, _documents(chosen, problems), problems)
    render_all(prepared, data_dir)
    warnings = prepared.warnings
    if out_dir is not None and out_dir.is_dir():
        warnings += [Problem(f"{out_dir}/", None, "", note, WARNING) for note in transaction.pending(out_dir)]
    return warnings


def _samples(every: list[Spec], data: CampaignData) -> list[Spec]:
    """``every`` output but those made per unit, which are kept for two units of each shape:
    the first of its level, kind and filled columns, and the one of the longest name (what
    a header breaks into lines)."""
    shapes: dict[tuple, list] = {}
    for unit in data.units:
        key = (unit.level, unit.kind, tuple(k for k, v in vars(unit).items() if v is None or v == ""))
        first, longest = shapes.setdefault(key, [unit, unit])
        if len(unit.name) + len(unit.header_lines or "") > len(longest.name) + len(longest.header_lines or ""):
            shapes[key][1] = unit
    kept = {f"unit:{u.id}" for pair in shapes.values() for u in pair}
    return [spec for spec in every
            if not any(d.startswith("unit:") for d in spec.depends) or kept.intersection(spec.depends)]


@dataclass
class Loaded:
    """A campaign loaded, validated and planned: what a build starts from. A long-running
    caller (the web workspace) keeps it while ``stamp`` — the inputs as they are on disk —
    stays the same, so a build with nothing to do reads no data file again."""

    stamp: tuple
    data: CampaignData
    problems: list[Problem]     # found while loading; a build adds those of the prose
    every: list[Spec]
    keys: dict[str, str]        # output → manifest key
    memo: dict = field(default_factory=dict)  # (template, inputs) → key, kept across loads
    # held while contexts are built: the prose adds its problems to ``problems`` for a while
    guard: threading.Lock = field(default_factory=threading.Lock)


def input_stamp(data_dir: Path) -> tuple:
    """Name, size and time of every input: the data files, the collected returns and the
    templates. Any edit on disk changes it."""
    seen = []
    for folder in (data_dir, store.folder(data_dir), data_dir / PARENT_KIT,
                   review_decisions.folder(data_dir), *template_dirs(data_dir)):
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_file():
                        st = entry.stat()
                        seen.append((str(folder), entry.name, st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            seen.append((str(folder), "", -1, -1, -1))
    return tuple(sorted(seen))


def load(data_dir: Path, previous: Loaded | None = None) -> Loaded:
    """The campaign of ``data_dir`` ready to build: ``previous`` itself when no input changed
    since it was loaded. Raises one :class:`DataError` with every problem of the data."""
    stamp = input_stamp(data_dir)
    if previous is not None and previous.stamp == stamp:
        return previous
    data = load_campaign(data_dir)
    problems = list(data.problems)
    every = specs(data, problems)
    if any(p.is_error for p in problems):
        _documents(every, problems)  # adds the problems of the prose, then raises them all
    memo = previous.memo if previous is not None and len(previous.memo) < 100_000 else {}
    return Loaded(stamp, data, problems, every, output_keys(every, data, data_dir, memo), memo)


def problems_of(loaded: Loaded) -> list[Problem]:
    """Every problem ``vanban check`` finds in a loaded campaign but those of the templates:
    its contexts built (nothing rendered) to find the problems of the prose."""
    with loaded.guard:
        known = len(loaded.problems)
        try:
            _documents(loaded.every, loaded.problems)
        except DataError:
            pass
        found = list(loaded.problems)
        del loaded.problems[known:]
    return found


def build(data_dir: Path, out_dir: Path, unit_id: str | None = None, *, force: bool = False,
          progress: Callable[[int], Callable[[int], None] | None] | None = None,
          loaded: Loaded | None = None, templates: dict | None = None,
          cancel: threading.Event | None = None, official: bool = False) -> BuildReport:
    """Generate the documents into ``out_dir``, redoing only those whose inputs changed
    (all of them with ``force``); remove the outputs that no longer correspond to the data.
    ``progress(total)`` may return a function told how many documents were done. A caller
    that keeps the campaign between builds passes it as ``loaded`` (see :func:`load`) and
    its compiled templates as ``templates``. Setting ``cancel`` stops it before anything is
    written (:class:`Cancelled`). ``official``: refuse (:class:`Unsignable`, nothing written)
    while a finding of severity «cao» is open — the consolidated report would be a draft.

    Three steps: *plan* (what is stale; what a person edited), *render* (every stale output's
    bytes, in parallel, staged beside the out folder; an error is carried back, not raised in a
    worker; a person's copy of a finished document gets the new build merged into it, see
    ``edits.py``), and *commit* (the staged files renamed into place — but for files open in
    Word —, the removals and the manifest, through one journal — see ``transaction.py``). A bad
    template or bad data leaves ``out_dir`` as it was; a build killed at any moment leaves it
    before or after (the next run finishes). A file a person edited is never replaced.
    """
    loaded = loaded or load(data_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"«{out_dir}» là một tệp, không phải thư mục để ghi kết quả")
    with transaction.lock(out_dir):
        notes = transaction.recover(out_dir)
        book = manifest.Manifest(out_dir)
        report = BuildReport()
        if unit_id is None:  # words written in the report in Word become the report's data
            read = harvest.read_back(loaded.data, data_dir, out_dir, book)
            report.read_back, found = read.taken, read.problems
            if read.changed:
                loaded = load(data_dir, loaded)
        else:
            found = []
        if official:
            from ..review import queue

            items = queue.build(loaded.data, data_dir)
            still = queue.open_high(items)
            if still:
                raise Unsignable(queue.lines(still, loaded.data.appendix))
        return _build(loaded, data_dir, out_dir, unit_id, force, progress, templates, book, report,
                      [Problem(str(out_dir), None, "", n, WARNING) for n in notes] + found, cancel)


def _build(loaded: Loaded, data_dir: Path, out_dir: Path, unit_id: str | None, force: bool, progress,
           templates: dict | None, book: manifest.Manifest, report: BuildReport,
           notes: list[Problem], cancel: threading.Event | None) -> BuildReport:
    data, every = loaded.data, loaded.every
    chosen = _choose(every, unit_id)
    keys = loaded.keys
    # plan: what is stale, and what a person edited; the contexts, with the prose's problems
    todo, edited = _plan(chosen, book, keys, force, report)
    # on several processes, each unit's skeleton context is made by the worker that renders
    # it (in parallel, and never all held here); its prose's problems come back with it
    defer = _made_in_worker if workers_for(len(todo)) > 1 else None
    with loaded.guard:
        known = len(loaded.problems)
        # what a build with nothing to do would say: the data's own warnings (``quick``)
        report.standing = None if notes else list(loaded.problems)
        try:
            loaded.problems += notes
            documents = _documents(todo, loaded.problems, defer)
            report.warnings = list(loaded.problems)
        finally:
            del loaded.problems[known:]  # this build's own findings are in its report only
    compiled = compile_templates(documents, data, data_dir, templates)
    # render: every stale output staged, nothing in out_dir touched
    change = transaction.Transaction(out_dir)
    step = progress(len(documents)) if progress else None
    try:
        found: list[Problem] = []
        results = render_staged(documents, compiled, out_dir, change.staging, step, cancel,
                                (loaded.problems, found), fresh=_new_folders(documents, out_dir))
        if found:   # as _documents would have: said with the others, and an error stops the build
            report.warnings += found
            if any(p.is_error for p in report.warnings):
                raise DataError(report.warnings)
        results = _finish(results, edited, out_dir, change, report)
        if cancel is not None and cancel.is_set():
            raise Cancelled()
    except BaseException:
        change.discard()
        raise
    # commit: renames, removals and the manifest, through one journal
    removed = _removed(every, book, out_dir, report) if unit_id is None else []
    _commit(change, book, keys, results, removed, report)
    for name in edits.CHECKED_FOR_HAND_TYPED:   # the figures a person typed into a signed report
        if book.state(name) == manifest.EDITED:
            report.hand_typed += [(name, n, where) for n, where in edits.hand_typed(out_dir, name)]
    return report


# the documents whose context grows with the number of units: made by a worker too, while the
# others render (the consolidated report measures the names of every unit not yet reported)
_GROWS_WITH_UNITS = {"bao-cao-tong-hop.docx", DIGEST}


def _made_in_worker(spec: Spec) -> bool:
    """A unit's skeleton, or a document listing every unit: its context is made where it is
    rendered."""
    return spec.template is not None and (spec.output.startswith(f"{UNITS_DIR}/")
                                          or spec.output in _GROWS_WITH_UNITS)


def _plan(chosen: list[Spec], book: manifest.Manifest, keys: dict[str, str], force: bool,
          report: BuildReport) -> tuple[list[Spec], set[str]]:
    """The outputs to render, and which of them are a person's copy to merge into. An edited
    output with nothing new is left (said in ``report.edited``); an edited output that is
    not a finished document is left even when the data changed (``report.kept``)."""
    todo, edited = [], set()
    for s in chosen:
        state = book.state(s.output)
        entry = book.entries.get(s.output)
        stale = force or entry is None or entry.key != keys[s.output] or state == manifest.MISSING
        if state == manifest.EDITED:
            if not stale:
                report.edited.append(s.output)
                continue
            if not edits.finished(s.output):
                report.kept.append((s.output, KEPT_NOT_MERGED))
                continue
            edited.add(s.output)
        if stale:
            todo.append(s)
        else:
            report.unchanged.append(s.output)
    return todo, edited


KEPT_NOT_MERGED = ("tệp đã được sửa sau khi vanban ghi nên không ghi đè; dữ liệu đã đổi — muốn "
                   "bản mới thì đổi tên hoặc xóa tệp này rồi sinh lại")
KEPT_REMOVED = "đơn vị không còn trong dữ liệu nhưng tệp đã được sửa nên không xóa"


@dataclass
class Result:
    """One rendered output, ready to commit: its staged file (None: the file already holds
    exactly it), its hash, whether it is a person's copy, and the base to keep for it."""

    output: str
    staged: Path | None
    sha: str
    edited: bool = False
    base: bytes | None = None
    stat: tuple[int, int] | None = None     # the staged file's size and time, if known


def _finish(results: list[tuple[str, Path | None, str, tuple[int, int] | None]], edited: set[str], out_dir: Path,
            change: transaction.Transaction, report: BuildReport) -> list[Result]:
    """The rendered outputs as they will be committed: a person's copy gets the new build
    merged into it (or is left), a finished document's base is kept beside it."""
    out, when = [], None
    for name, staged, sha, stat in results:
        if name not in edited:
            base = None
            if edits.finished(name) and (staged is not None or edits.read_base(out_dir, name) is None):
                base = (staged or out_dir / name).read_bytes()
            out.append(Result(name, staged, sha, base=base, stat=stat))
            continue
        if staged is None:  # the person's copy is exactly the new build
            out.append(Result(name, None, sha, base=(out_dir / name).read_bytes()))
            continue
        new = staged.read_bytes()
        when = when or edits.revision_time()
        outcome = edits.merge_into(out_dir, name, new, when)
        staged.unlink()
        if outcome.note:
            report.kept.append((name, outcome.note))
            continue
        if outcome.merged is not None and (outcome.merged.inserted or outcome.merged.deleted
                                           or outcome.merged.conflicts):
            report.merged.append(outcome.merged)
        else:
            report.edited.append(name)
        if outcome.data is None:  # nothing to write: the copy stays; the new build is the base
            out.append(Result(name, None, "", edited=True, base=new))
        else:
            merged = transaction.stage(change.staging, outcome.data, out_dir / name)
            out.append(Result(name, merged, manifest.content_hash(outcome.data), edited=True, base=new))
    return out


def output_keys(chosen: list[Spec], data: CampaignData, data_dir: Path,
                memo: dict | None = None) -> dict[str, str]:
    """The manifest key of each output: a hash of everything it is made from. A caller that
    keeps ``memo`` between loads hashes again only the outputs whose inputs changed."""
    hashes = input_hashes(data, data_dir)
    templates = {t: manifest.file_hash(find_template(data_dir, t))
                 for t in {s.template for s in chosen if s.template}}
    memo = {} if memo is None else memo
    named = {d: f"{d}:{h}" for d, h in hashes.items()}
    keys = {}
    heads: dict[tuple, object] = {}   # the hash of what many outputs share, carried on per output
    for s in chosen:
        template = templates.get(s.template, "-")
        made_from = (template, *[named[d] for d in s.depends])
        key = memo.get(made_from)
        if key is None:
            head = heads.get(made_from[:-1])
            if head is None:
                head = heads[made_from[:-1]] = manifest.key_head(list(made_from[1:-1]), template)
            key = memo[made_from] = manifest.key_from(head, made_from[-1])
        keys[s.output] = key
    return keys


def _new_folders(documents: list[Document], out_dir: Path) -> frozenset[str]:
    """The folders of the out folder the documents go into that it does not have yet (all of
    them, the first time): their files are staged as they will stand and each folder moved
    into place by one rename."""
    folders = {d.output.partition("/")[0] for d in documents if "/" in d.output}
    return frozenset(f for f in folders if not (out_dir / f).exists())


def _removed(every: list[Spec], book: manifest.Manifest, out_dir: Path, report: BuildReport) -> list[str]:
    """Outputs of an earlier build that the data no longer makes (a unit removed); those a
    person edited are kept (said in ``report.kept``)."""
    current = {s.output for s in every}
    stale = {n for n in book.entries if n not in current}
    try:
        with os.scandir(out_dir / UNITS_DIR) as entries:
            names = [f"{UNITS_DIR}/{e.name}" for e in entries if e.name.endswith((".docx", ".xlsx"))]
    except OSError:
        names = []
    stale |= {n for n in names if n not in current}
    out = []
    for name in sorted(stale):
        if book.state(name) == manifest.EDITED:
            report.kept.append((name, KEPT_REMOVED))
        else:
            out.append(name)
    return out


def _commit(change: transaction.Transaction, book: manifest.Manifest, keys: dict[str, str],
            results: list[Result], removed: list[str], report: BuildReport) -> None:
    """Stage the renames, the bases and the removals, and commit them with the manifest; a
    file open in Word or LibreOffice is not touched (the manifest keeps its old entry, so the
    next build does it)."""
    present = _listing(change.root, [r.output for r in results if r.staged is not None])
    tree = change.staging / transaction.TREE
    whole: set[str] = set()     # new folders staged whole, still not in the out folder: moved at once
    for result in results:
        if result.staged is not None and result.staged.is_relative_to(tree):
            folder = result.output.partition("/")[0]
            if folder not in whole and not (change.root / folder).exists():
                whole.add(folder)
                change.adopt(tree / folder, folder)
    for result in sorted(results, key=lambda r: r.output):
        name = result.output
        # a file that is not there is open in no program: only those there are looked at
        busy = edits.in_use(change.root / name) if result.staged is not None and name in present \
            else None
        if busy:
            report.locked.append((name, busy))
            result.staged.unlink(missing_ok=True)
            continue
        if result.staged is None:
            if not result.edited:
                report.unchanged.append(name)
            entry = book.entries.get(name)
            sha = result.sha or (entry.sha if entry else "")
            book.record(name, keys[name], change.root / name, sha, result.edited)
        else:
            if not result.edited:
                report.written.append(name)
            if "/" not in name or name.partition("/")[0] not in whole:   # else moved with its folder
                change.adopt(result.staged, name)
            book.record(name, keys[name], result.staged, result.sha, result.edited, result.stat)
        if result.base is not None:
            change.put(edits.base_of(name), result.base)
    for name in removed:
        busy = edits.in_use(change.root / name)
        if busy:
            report.locked.append((name, busy))
            continue
        change.delete(name)
        if edits.finished(name):
            change.delete(edits.base_of(name))
        book.forget(name)
        report.removed.append(name)
    if results or removed or book.touched or not book.path.exists():
        change.put(manifest.MANIFEST.as_posix(), book.dumps())
    change.commit()


def _listing(root: Path, names: list[str]) -> set[str]:
    """Which of ``names`` (paths under ``root``) are there: one listing of each folder
    rather than a look-up of each file; a folder that cannot be listed counts as holding
    them all (each is then looked at on its own)."""
    folders: dict[str, list[str]] = {}
    for name in names:
        folder, _, _ = name.rpartition("/")
        folders.setdefault(folder, []).append(name)
    out: set[str] = set()
    for folder, inside in folders.items():
        try:
            there = set(os.listdir(root / folder if folder else root))
        except FileNotFoundError:
            continue
        except OSError:
            out.update(inside)
            continue
        out.update(n for n in inside if n.rpartition("/")[2] in there)
    return out


CHUNK = 16
IN_FLIGHT = 4       # chunks sent ahead to each worker
# once this share of a large build is under way, what is staged so far is written to disk
# while the rest renders: the sync before the journal then waits for the last files only
EARLY_SYNC = 0.8


def render_staged(documents: list[Document], compiled: dict[str, CompiledTemplate],
                  out_dir: Path, staging: Path, progress=None,
                  cancel: threading.Event | None = None,
                  prose: tuple[list[Problem], list[Problem]] | None = None,
                  fresh: frozenset[str] = frozenset()) -> list[tuple[str, Path | None, str, tuple[int, int] | None]]:
    """Render every document and stage the bytes of each one that differs from the file in
    ``out_dir``: ``(output, staged file, hash)``, or ``(output, None, hash)`` when unchanged.
    Nothing in ``out_dir`` is touched. The first error — from any process — is raised here,
    after the others have stopped; so is :class:`Cancelled` once ``cancel`` is set.

    The worker processes handle signals their own way (``_worker_start``): whatever handler
    the program that forked them had (a web server's), stopping the pool ends them; a worker
    that dies all the same is reported, never waited for.

    A document whose context is made here (``make``, deferred by :func:`_documents`) adds its
    prose's problems to the first list of ``prose`` (the one its ``Prose`` writes to): they
    are taken back from there, in the documents' order, into the second."""
    staging.mkdir(parents=True, exist_ok=True)
    global _JOB
    _JOB = (documents, compiled, out_dir, staging, prose[0] if prose else [], fresh)
    chunks = [range(i, min(i + CHUNK, len(documents))) for i in range(0, len(documents), CHUNK)]
    results: list[tuple[str, Path | None, str, tuple[int, int] | None]] = []
    said: list[tuple[int, list[Problem]]] = []
    try:
        workers = workers_for(len(documents))
        if workers == 1:
            for chunk in chunks:
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                results += _unpack(_render_chunk(chunk), progress, said)
            return results
        for template in compiled.values():
            template.warm()  # pack the shared parts once, before the processes part ways
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_worker_start, initargs=(os.getpid(),))
        try:
            # a few chunks in flight per worker, more sent as they come back: waiting on all
            # of them at once (thousands at 10.000 units) costs this process time quadratic
            # in their number, taken from the workers' cores
            waiting = iter(chunks)
            with forking():
                pending: set = {pool.submit(_render_chunk, next(waiting))}
            sent, early = 1, None
            while True:
                while len(pending) < workers * IN_FLIGHT:
                    chunk = next(waiting, None)
                    if chunk is None:
                        break
                    pending.add(pool.submit(_render_chunk, chunk))
                    sent += 1
                    if early is None and sent >= len(chunks) * EARLY_SYNC and len(chunks) >= 64:
                        early = transaction.sync_soon(staging)
                if not pending:
                    break
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        raise OutputError("Một tiến trình sinh văn bản bị dừng đột ngột (máy hết bộ "
                                          "nhớ hoặc bị tắt); chưa ghi tệp nào, hãy chạy lại.") from None
                    results += _unpack(outcome, progress, said)  # raises the first error
        finally:
            pool.shutdown(wait=True, cancel_futures=True)  # the chunks under way end in a moment
        return results
    finally:
        _JOB = None
        if prose:
            prose[1].extend(p for _, found in sorted(said, key=lambda f: f[0]) for p in found)




def _unpack(outcome, progress, said: list) -> list[tuple[str, Path | None, str, tuple[int, int] | None]]:
    done, error, found = outcome
    said += found
    if error is not None:
        raise error
    if progress:
        progress(len(done))
    return done


_JOB = None


def _render_chunk(indexes: range):
    """Render and stage the documents at ``indexes``: ``(results, None)``, or ``(results so
    far, error)`` — an error travels back as data, never raised inside a worker."""
    documents, compiled, out_dir, staging, problems, fresh = _JOB
    done: list[tuple[str, Path | None, str, tuple[int, int] | None]] = []
    found: list[tuple[int, list[Problem]]] = []     # (document, its prose's problems)
    for i in indexes:
        doc = documents[i]
        try:
            if doc.make is not None:
                known = len(problems)
                try:
                    context, props = doc.make()
                finally:
                    if len(problems) > known:
                        found.append((i, problems[known:]))
                        del problems[known:]
                doc = Document(doc.output, doc.template, context, props)
            data = _bytes(doc, compiled)
            folder = doc.output.partition("/")[0] if "/" in doc.output else None
            staged, stat = _stage(data, out_dir / doc.output, staging,
                                  doc.output if folder in fresh else None)
            done.append((doc.output, staged, manifest.content_hash(data), stat))
        except VanbanError as exc:
            return done, exc, found
        except Exception as exc:  # a bug of ours: its kind and words, for the report
            return done, RenderFailure(f"{doc.output}: {type(exc).__name__}: {exc}"), found
    return done, None, found


def _stage(data: bytes, target: Path, staging: Path,
           in_tree: str | None = None) -> tuple[Path | None, tuple[int, int] | None]:
    """``data`` written to a new file in ``staging``, with the file's size and time (which
    its rename into place keeps: the manifest records them); ``(None, None)`` when ``target``
    holds exactly it. ``in_tree``: the output's path, in a folder the out folder does not
    have yet — staged where it will stand in that folder, moved into place whole."""
    if in_tree is not None:
        staged = transaction.stage_in_tree(staging, data, in_tree)
    else:
        try:
            if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
                return None, None
        except OSError as exc:
            raise OutputError(f"Không đọc được tệp {target}: {os_reason(exc)}") from None
        staged = transaction.stage(staging, data, target)
    try:
        stat = os.stat(staged)
    except OSError:
        return staged, None
    return staged, (stat.st_size, stat.st_mtime_ns)


def _bytes(doc: Document, compiled: dict[str, CompiledTemplate]) -> bytes:
    if doc.produce is not None:
        return doc.produce()
    return zip_bytes(compiled[doc.compiled_as].render(doc.context, doc.props))


def new_campaign(target: Path, example: str = "dang") -> list[Path]:
    """Start a campaign folder from a bundled example (``dang``: the Party campaign,
    ``nha-nuoc``: the state one): ``target/data`` and ``target/templates``, so that
    ``vanban build`` inside ``target`` builds it as it is."""
    if example not in EXAMPLES:
        raise UsageError(f"Không có chiến dịch mẫu «{example}»; có: {', '.join(EXAMPLES)}.")
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"Thư mục «{target}» đã có nội dung; hãy chọn một thư mục mới hoặc trống.")
    made = []
    for src, name in ((EXAMPLES[example], "data"), (BUNDLED_TEMPLATES, "templates")):
        # the example's own returned figures, if any were collected, do not start a campaign
        shutil.copytree(src, target / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(store.FOLDER, ".*"))
        made.append(target / name)
    return made
