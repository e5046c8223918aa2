"""Damaged data never crashes vanban: random edits of the example's files (lines deleted,
doubled, swapped, re-indented, values replaced, stray characters) give either a build or a
list of Vietnamese problems — never a traceback or the «unexpected error» exit."""

from __future__ import annotations

import random

import pytest

from conftest import run_cli

FILES = ["chien-dich.yaml", "ke-hoach.yaml", "de-cuong.yaml", "phu-luc.yaml", "don-vi.csv",
         "bao-cao-tong-hop.yaml"]
VALUES = ["", "[]", "{}", "0", "-1", "null", "true", '"x"', "31/02/2021", "99999999999", "[1, 2]",
          "{a: 1}", '"{{ x }}"', '"{{"', "~", "&a", "*a", "!!binary aGk=",
          ".inf", ".nan", "1" * 5000, '"{{ [[[0]*1000]*1000]*1000 }}"', "? " + "k" * 5000]
ODDITIES = ["\x0b", "\t", "&<>", "}}", "{%", "Ƣ", "\u200b", "\x00", '"', "'", "#"]


def mutate(lines: list[str], rng: random.Random) -> list[str]:
    lines = list(lines)
    i = rng.randrange(len(lines))
    op = rng.choice(["del", "dup", "swap", "value", "indent", "char"])
    if op == "del":
        del lines[i]
    elif op == "dup":
        lines.insert(i, lines[i])
    elif op == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "value" and ":" in lines[i]:
        key = lines[i].partition(":")[0]
        lines[i] = f"{key}: {rng.choice(VALUES)}"
    elif op == "value" and "," in lines[i]:
        cells = lines[i].split(",")
        cells[rng.randrange(len(cells))] = rng.choice(["", "x", "cb", "dn", "ĐẢNG", "a b"])
        lines[i] = ",".join(cells)
    elif op == "indent":
        lines[i] = " " + lines[i]
    else:
        lines[i] += rng.choice(ODDITIES)
    return lines


@pytest.mark.parametrize("seed", range(150))
def test_damaged_data_gives_problems_not_crashes(campaign, tmp_path, capsys, seed):
    rng = random.Random(seed)
    units = (campaign / "don-vi.csv").read_text(encoding="utf-8").splitlines()
    (campaign / "don-vi.csv").write_text("\n".join(units[:4]) + "\n", encoding="utf-8")
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(FILES)
        path = campaign / name
        path.write_text("\n".join(mutate(path.read_text(encoding="utf-8").splitlines(), rng)) + "\n",
                        encoding="utf-8")
    code, out, err = run_cli(["build", "--data", campaign, "--out", tmp_path / "out"], capsys)
    assert code in (0, 1), err
    assert "Traceback" not in err + out and "không mong đợi" not in err
    if code == 1:
        assert "lỗi" in err and "chưa ghi tệp nào" in err
