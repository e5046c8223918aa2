"""Reading figures as people type them, checking them, adding them up."""

import pytest

from generator.config import figures
from generator.model.schema import Appendix

APPENDIX = Appendix.model_validate({"tables": [
    {"id": "pl1", "title": "x", "columns": [{"id": "so", "title": "Số lượng"}], "rows": [
        {"id": "r1", "label": "Tổng số đảng viên"},
        {"id": "r5", "label": "Số đảng viên được học tập"},
        {"id": "r6", "label": "Tỷ lệ", "type": "percent", "formula": "r5 / r1"}]},
    {"id": "pl2", "title": "y", "years": {"start": 2019, "end": 2020}, "rows": [
        {"id": "dk", "label": "Đăng ký"}, {"id": "cn", "label": "Công nhận"},
        {"id": "tl", "label": "Tỷ lệ", "type": "percent", "formula": "cn / dk"}]},
    {"id": "pl3", "title": "z", "columns": [{"id": "tl", "title": "Có/Không"}], "rows": [
        {"id": "qc", "label": "Quy chế", "type": "yesno", "applies_to": {"kinds": ["cq"]}},
        {"id": "qt", "label": "Quy tắc", "type": "yesno"}]},
    {"id": "pl4", "title": "w", "columns": [{"id": "tt", "title": "Tập thể"}, {"id": "cn", "title": "Cá nhân"}],
     "rows": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"},
              {"id": "t", "label": "Tổng cộng", "total": True}]},
]})


class U:
    def __init__(self, kind="cq", level="cb"):
        self.kind, self.level = kind, level


@pytest.mark.parametrize("text, expected", [
    ("1.234", 1234), ("1.234.567", 1234567), ("12,5", 12.5), ("12,5%", 12.5), ("85%", 85),
    ("0", 0), ("", None), ("  ", None), ("-", None), ("–", None), ("45", 45), (" 1 234 ", 1234),
    ("12.5", 12.5), ("1,234,567", 1234567), ("-3", -3), ("7\u00a0", 7),
])
def test_parse_number(text, expected):
    assert figures.parse_number(text) == expected


@pytest.mark.parametrize("text", ["mười", "12a", "1.23.4", "abc%", "1,2,3"])
def test_not_a_number(text):
    with pytest.raises(figures.FigureError, match="không phải là số"):
        figures.parse_number(text)


@pytest.mark.parametrize("text, expected", [
    ("Có", True), ("có", True), ("x", True), ("X", True), ("Không", False), ("không", False),
    ("", None), ("-", None), ("Chưa", False),
])
def test_parse_answer(text, expected):
    assert figures.parse_answer(text) == expected


def test_percent_is_recomputed_from_figures():
    full = figures.computed(APPENDIX.tables[0], {"r1": {"so": 40}, "r5": {"so": 34}})
    assert full["r6"]["so"] == pytest.approx(85.0)
    assert figures.computed(APPENDIX.tables[0], {"r1": {"so": 0}, "r5": {"so": 0}})["r6"]["so"] is None


def test_year_totals_and_their_share():
    full = figures.computed(APPENDIX.tables[1], {"dk": {"y2019": 2, "y2020": 3}, "cn": {"y2019": 1, "y2020": 3}})
    assert full["dk"]["tong"] == 5 and full["cn"]["tong"] == 4
    assert full["tl"]["tong"] == pytest.approx(80.0)   # 4/5, not the average of 50% and 100%
    assert full["tl"]["y2019"] == pytest.approx(50.0)


def test_total_row():
    full = figures.computed(APPENDIX.tables[3], {"a": {"tt": 2, "cn": 5}, "b": {"tt": 1}})
    assert full["t"] == {"tt": 3, "cn": 5}


def test_check_finds_every_kind_of_problem():
    found = figures.check(APPENDIX, {
        "pl1": {"r1": {"so": 30}, "r5": {"so": 34}},
        "pl2": {"dk": {"y2019": -1, "y2020": 2}, "cn": {"y2019": 0, "y2020": 1}},
        "pl3": {"qc": {"tl": True}},
        "pl4": {"a": {"tt": 1, "cn": 2.5}, "b": {"tt": 0, "cn": 0}},
    }, {"pl1": {"r6": {"so": 150.0}}}, U())
    messages = [(f.table, f.row, f.message) for f in found]
    assert ("pl1", "r6", "«Số đảng viên được học tập» (34) lớn hơn «Tổng số đảng viên» (30) ở cột «Số lượng»") in messages
    assert ("pl1", "r6", "tỷ lệ 150% nằm ngoài 0–100") in messages
    assert any(m.startswith("tỷ lệ ghi tay 150% khác tỷ lệ tính từ số liệu 113,3%") for _, _, m in messages)
    assert ("pl2", "dk", "số âm (-1) ở cột «Năm 2019»") in messages
    assert ("pl3", "qt", "ô «Có/Không» còn để trống") in messages
    assert ("pl4", "a", "số đếm không nguyên (2,5) ở cột «Cá nhân»") in messages
    # and the negative count makes «Công nhận» (0) larger than «Đăng ký» (-1)
    assert ("pl2", "tl", "«Công nhận» (0) lớn hơn «Đăng ký» (-1) ở cột «Năm 2019»") in messages
    assert len(found) == 7


def test_consolidate_sums_counts_and_counts_answers():
    returns = [
        (U("cq"), {"pl1": {"r1": {"so": 40}, "r5": {"so": 30}}, "pl3": {"qc": {"tl": True}, "qt": {"tl": False}}}),
        (U("dn"), {"pl1": {"r1": {"so": 10}, "r5": {"so": 10}}, "pl3": {"qt": {"tl": True}}}),
        (U("cq"), {"pl1": {"r1": {"so": 50}}, "pl3": {"qc": {"tl": None}, "qt": {"tl": True}}}),
    ]
    pl1 = figures.consolidate(APPENDIX.tables[0], returns)
    assert pl1["values"]["r1"]["so"] == 100 and pl1["values"]["r5"]["so"] == 40
    # 40/50: the rate over the two units that gave both figures, not the mean of 75%, 100%, –
    # nor 40/100 (the third unit gave its whole and left its part blank)
    assert pl1["values"]["r6"]["so"] == pytest.approx(80.0)
    assert pl1["basis"]["r6"]["so"] == (2, 1)
    pl3 = figures.consolidate(APPENDIX.tables[2], returns)
    assert pl3["yes"] == {"qc": 1, "qt": 2}
    assert pl3["asked"] == {"qc": 2, "qt": 3}   # the office row is asked of offices only
    assert pl3["answered"] == {"qc": 1, "qt": 3}
