"""The memo of the records a load read (``config/record_memo.py``): a load that takes unchanged
records from it says and takes exactly what a load without it does — whatever was edited,
restored, removed from the unit list, or forged in the memo itself."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil

import pytest

from conftest import REPO
from generator.app import main as pipeline
from generator.config import record_memo
from generator.config.validate import load_campaign
from generator.intake.collect import collect

import fill_returns  # tools/, put on the path by conftest


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    """The example with six units' returns collected (six records)."""
    root = tmp_path_factory.mktemp("memo")
    data, out, batch = root / "data", root / "out", root / "returns"
    shutil.copytree(REPO / "data", data)
    pipeline.build(data, out)
    batch.mkdir()
    rng = random.Random(7)
    for source in sorted((out / "don-vi").glob("*.docx"))[:6]:
        fill_returns.fill(source, batch / source.name, rng)
    report = collect([batch], data)
    assert len(report.stored) == 6
    return data


def memo_path(data):
    return data / "bao-cao" / ".vanban" / record_memo.FILE


def read_memo(data) -> tuple[dict, dict]:
    """The memo's header and its records' values."""
    head, body = memo_path(data).read_bytes().split(b"\n", 1)
    return json.loads(head), json.loads(body)


def write_memo(data, head: dict, entries: dict) -> None:
    """A memo as vanban writes one (its checksum made again: a deliberate change)."""
    body = json.dumps(entries, ensure_ascii=False).encode("utf-8")
    head = {**head, "sha256": hashlib.sha256(body).hexdigest()}
    memo_path(data).write_bytes(json.dumps(head).encode() + b"\n" + body)


def said(loaded) -> list[str]:
    return [str(p) for p in loaded.problems]


def without_memo(data):
    """A load as it was before the memo: the memo removed first, and again after."""
    memo_path(data).unlink(missing_ok=True)
    loaded = load_campaign(data)
    memo_path(data).unlink(missing_ok=True)
    return loaded


def twice(data):
    """A load that reads every record (and writes the memo), then one that takes them from it."""
    memo_path(data).unlink(missing_ok=True)
    first = load_campaign(data)
    assert memo_path(data).is_file()
    return first, load_campaign(data)


@pytest.fixture
def data(campaign, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(campaign, copy)
    return copy


def records(data):
    return sorted((data / "bao-cao").glob("*.yaml"))


def test_records_taken_from_the_memo_are_those_read(data):
    first, second = twice(data)
    assert len(second.returns) == 6 and second.returns == first.returns
    assert said(second) == said(first)
    head, entries = read_memo(data)
    assert head["reader"] == record_memo.reader()
    assert sorted(entries) == [p.name for p in records(data)]


def test_a_record_edited_in_place_is_read_again_even_with_its_time_put_back(data):
    """The same size, the modification time put back as it was (a person's tool, a copy
    restored with its times): the file changed, so it is read again."""
    load_campaign(data)                                  # the memo holds every record
    path = records(data)[0]
    text = path.read_text(encoding="utf-8")
    before = path.stat()
    value = re.search(r"so-luong: (\d+)", text).group(1)
    changed = str(int(value) + 1) if len(str(int(value) + 1)) == len(value) else str(int(value) - 1)
    path.write_text(text.replace(f"so-luong: {value}", f"so-luong: {changed}", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    loaded = load_campaign(data)
    assert loaded.returns == without_memo(data).returns
    unit = path.stem
    assert any(changed == str(v) for rows in loaded.returns[unit].figures.values()
               for cols in rows.values() for v in cols.values())


@pytest.mark.parametrize("edit", ["control", "wrong-kind", "other-campaign", "unit-gone", "deleted"])
def test_what_a_load_says_of_a_record_is_said_with_its_line_memo_or_not(data, edit):
    """A record with something to say (a character repaired, a figure of the wrong kind, another
    campaign's, a unit no longer listed) is never taken from the memo: the messages, with their
    lines, and the records taken are those of a load without it — the second load too."""
    load_campaign(data)                                  # every record in the memo
    path = records(data)[1]
    text = path.read_text(encoding="utf-8")
    if edit == "control":
        text = text.replace("findings:", "findings:\n- \"có\\x07 chuông\"", 1)
    elif edit == "wrong-kind":
        text = re.sub(r"so-luong: \d+", "so-luong: mười", text, count=1)
    elif edit == "other-campaign":
        text = text.replace("campaign: ", "campaign: khac-", 1)
    if edit == "unit-gone":
        units = data / "don-vi.csv"
        lines = units.read_text(encoding="utf-8").splitlines(keepends=True)
        units.write_text("".join(l for l in lines if f"{path.stem}," not in l), encoding="utf-8")
    elif edit == "deleted":
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")
    expected = without_memo(data)
    load_campaign(data)                                  # the memo as this load leaves it
    for loaded in (load_campaign(data), load_campaign(data)):
        assert said(loaded) == said(expected)
        assert loaded.returns == expected.returns
    if edit != "deleted":
        assert any(path.name in p for p in said(expected))   # something was said of it
        assert path.stem not in expected.returns or edit == "control"


@pytest.mark.parametrize("memo", [b"\x00\xff garbage", b"[1, 2]", b'{"version": 99, "records": {}}',
                                  b'{"version": 1, "records": {"x.yaml": "y"}}', b"{" * 100000])
def test_a_memo_that_cannot_be_used_is_not_used(data, memo):
    expected = without_memo(data)
    memo_path(data).parent.mkdir(parents=True, exist_ok=True)
    memo_path(data).write_bytes(memo)
    loaded = load_campaign(data)
    assert loaded.returns == expected.returns and said(loaded) == said(expected)
    assert read_memo(data)[0]["version"] == record_memo.VERSION


def test_values_forged_in_the_memo_are_checked_and_the_file_read_instead(data):
    """The memo lives in the data folder: values changed there (under a record's true size and
    times) go through the same checks; any found wrong, the file itself is read."""
    expected = load_campaign(data)
    head, entries = read_memo(data)
    name = records(data)[2].name
    forged = entries[name][1]
    table = next(iter(forged["figures"]))
    row = next(iter(forged["figures"][table]))
    col = next(iter(forged["figures"][table][row]))
    forged["figures"][table][row][col] = "một nghìn"      # not a figure
    forged["campaign"] = "chien-dich-khac"
    write_memo(data, head, entries)
    loaded = load_campaign(data)
    assert loaded.returns == expected.returns and said(loaded) == said(expected)


def test_a_memo_that_cannot_be_written_loses_nothing(data, monkeypatch):
    from generator.base.exceptions import OutputError

    def refuse(path, data):
        raise OutputError("không ghi được")

    monkeypatch.setattr(record_memo, "write_atomic", refuse)
    expected = without_memo(data)
    loaded = load_campaign(data)
    assert loaded.returns == expected.returns and said(loaded) == said(expected)
    assert not memo_path(data).exists()


def test_a_check_reads_the_memo_and_writes_none(data):
    """«vanban check» writes nothing: it takes what the memo holds, and leaves it as it is."""
    memo_path(data).unlink(missing_ok=True)
    checked = load_campaign(data, repair=False)
    assert not memo_path(data).exists()
    load_campaign(data)
    before = memo_path(data).read_bytes()
    records(data)[0].touch()                      # a change a check would otherwise remember
    again = load_campaign(data, repair=False)
    assert memo_path(data).read_bytes() == before
    assert again.returns == checked.returns and said(again) == said(checked)


@pytest.mark.parametrize("damage", ["a digit of a figure", "another reader"])
def test_a_memo_damaged_on_the_disk_or_made_by_another_reader_is_not_used(data, damage, monkeypatch):
    """One figure changed in the memo without its checksum (the disk, a sync gone wrong), or a
    memo made by a loader whose rules have changed since: the records are read again."""
    expected = load_campaign(data)
    head, body = memo_path(data).read_bytes().split(b"\n", 1)
    if damage == "another reader":
        memo_path(data).write_bytes(json.dumps({**json.loads(head), "reader": "0" * 64}).encode()
                                    + b"\n" + body)
    else:
        digits = re.search(rb"so-luong\":(\d)", body)
        flipped = str((int(digits.group(1)) + 1) % 10).encode()
        memo_path(data).write_bytes(head + b"\n" + body[:digits.start(1)] + flipped
                                    + body[digits.end(1):])
    parsed = []
    from generator.config import validate

    def load_yaml(path, name, problems, **options):
        parsed.append(name)
        return real(path, name, problems, **options)

    real = validate.load_yaml
    monkeypatch.setattr(validate, "load_yaml", load_yaml)
    loaded = load_campaign(data)
    assert sorted(n for n in parsed if n.startswith("bao-cao/")) == \
        [f"bao-cao/{p.name}" for p in records(data)]     # every record parsed again
    assert loaded.returns == expected.returns and said(loaded) == said(expected)


def test_a_memo_that_is_a_pipe_does_not_stop_the_load(data):
    """Not a plain file (a pipe, a device): not read — reading a pipe would wait for ever."""
    import subprocess
    import sys

    memo_path(data).unlink(missing_ok=True)
    memo_path(data).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(memo_path(data))
    code = ("import sys\nfrom pathlib import Path\nfrom generator.config.validate import load_campaign\n"
            f"print(len(load_campaign(Path({str(data)!r}), repair=False).returns))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "6"


def test_a_record_whose_values_json_cannot_hold_leaves_the_others_remembered(data):
    """A «!!binary» finding (bytes, which pydantic takes as text): that record is read every
    time, the others are remembered all the same."""
    path = records(data)[3]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("findings:", "findings:\n- !!binary aGVsbG8=", 1), encoding="utf-8")
    expected = without_memo(data)
    load_campaign(data)
    entries = read_memo(data)[1]
    assert sorted(entries) == sorted(p.name for p in records(data) if p != path)
    loaded = load_campaign(data)
    assert loaded.returns == expected.returns and said(loaded) == said(expected)
