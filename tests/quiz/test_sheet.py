"""Question spreadsheets: Chinese columns, answer spellings, encodings, XLSX."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from exhibit.quiz.sheet import parse_csv, parse_xlsx

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "难度", "分类"]
ROWS = [
    [
        "单选题",
        "中国共产党成立于哪一年？",
        "1919",
        "1921",
        "1927",
        "1949",
        "B",
        "1921年7月。",
        "1",
        "建党",
    ],
    [
        "多选题",
        "中共一大在哪两地举行？",
        "上海",
        "北京",
        "嘉兴",
        "广州",
        "A、C",
        "先上海后嘉兴。",
        "中",
        "建党",
    ],
    [
        "多选",
        "哪些是长征中的事件？",
        "遵义会议",
        "南昌起义",
        "飞夺泸定桥",
        "",
        "A,C",
        "",
        "3",
        "长征",
    ],
    ["多选", "Which?", "a", "b", "c", "d", "AC", "", "", ""],
    ["判断题", "遵义会议于1935年召开。", "", "", "", "", "对", "", "2", "长征"],
    ["判断", "长征于1934年结束。", "", "", "", "", "×", "", "", ""],
    ["判断", "南湖在嘉兴。", "正确", "错误", "", "", "A", "", "", ""],
    ["", "No type, one letter", "x", "y", "", "", "b", "", "", ""],
    ["", "No type, true", "", "", "", "", "√", "", "", ""],
]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", bom: bool = False) -> bytes:
    text = "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gb18030", False)]
)
def test_csv_in_every_encoding_and_every_answer_spelling(encoding: str, bom: bool) -> None:
    drafts, problems = parse_csv(csv_bytes([HEADER, *ROWS], encoding, bom))
    assert problems == []
    got = [(d.line, d.fields["type"], d.fields["answer"]) for d in drafts]
    assert got == [
        (2, "single", "B"),
        (3, "multiple", ["A", "C"]),
        (4, "multiple", ["A", "C"]),
        (5, "multiple", ["A", "C"]),
        (6, "truefalse", True),
        (7, "truefalse", False),
        (8, "truefalse", True),
        (9, "single", "B"),
        (10, "truefalse", True),
    ]
    first = drafts[0].fields
    assert first == {
        "type": "single",
        "stem": "中国共产党成立于哪一年？",
        "options": ["1919", "1921", "1927", "1949"],
        "answer": "B",
        "difficulty": 1,
        "category": "建党",
        "explanation": "1921年7月。",
    }
    assert drafts[1].fields["difficulty"] == 3  # 中
    assert drafts[2].fields["options"] == ["遵义会议", "南昌起义", "飞夺泸定桥"]


def test_bad_rows_are_reported_by_row_and_column_and_the_rest_read() -> None:
    rows = [
        HEADER,
        ["单选", "Good", "a", "b", "", "", "A", "", "", ""],  # row 2
        ["单选", "Answer out of range", "a", "b", "", "", "E", "", "", ""],  # 3
        ["单选", "Two answers for single", "a", "b", "c", "", "AB", "", "", ""],  # 4
        ["填空题", "A fill-in", "", "", "", "", "x", "", "", ""],  # 5
        ["判断", "Not a truth", "", "", "", "", "maybe", "", "", ""],  # 6
        ["单选", "", "a", "b", "", "", "A", "", "", ""],  # 7: no stem
        ["多选", "Only one right", "a", "b", "c", "", "B", "", "", ""],  # 8
        ["单选", "Gap", "a", "", "c", "", "A", "", "", ""],  # 9
        ["单选", "Hard to say", "a", "b", "", "", "A", "", "很难说", ""],  # 10
        ["单选", "No answer", "a", "b", "", "", "", "", "", ""],  # 11
        ["", "", "", "", "", "", "", "", "", ""],  # 12: empty, skipped
        ["问答", "Unknown type", "", "", "", "", "x", "", "", ""],  # 13
        ["单选", "Last good", "a", "b", "", "", "b", "", "", ""],  # 14
    ]
    drafts, problems = parse_csv(csv_bytes(rows))
    assert [d.line for d in drafts] == [2, 14]
    assert [(p.line, p.column, p.message) for p in problems] == [
        (3, 7, "cannot read the answer 'E': expected letters among A..B"),
        (4, 7, "a single-choice (单选) question has one answer, got 'AB'"),
        (
            5,
            1,
            "'填空题' questions cannot be imported; only 单选, 多选 and 判断 (single, multiple, true/false)",
        ),
        (6, 7, "'maybe' is not a true/false answer; write 对/错, 正确/错误, √/× or T/F"),
        (7, 2, "this row has no question text (题干)"),
        (8, 7, "a multiple-choice (多选) question needs at least 2 right answers, got 'B'"),
        (9, 5, "option C is filled but option B before it is empty"),
        (10, 9, "difficulty '很难说' is not 1..5 or 易/中/难"),
        (11, 7, "this row has no answer (答案)"),
        (
            13,
            1,
            "'问答' questions cannot be imported; only 单选, 多选 and 判断 (single, multiple, true/false)",
        ),
    ]


def test_quoted_cells_spanning_lines_keep_row_numbers_as_lines() -> None:
    data = ('题干,选项A,选项B,答案\n"First line\nsecond line",a,b,A\nNext,a,b,Z\n').encode()
    drafts, problems = parse_csv(data)
    assert drafts[0].fields["stem"] == "First line\nsecond line"
    assert [(p.line, p.column) for p in problems] == [(4, 4)]  # the file's line 4


def test_missing_columns_are_one_clear_problem() -> None:
    drafts, problems = parse_csv("名字,分数\n张三,90\n".encode())
    assert drafts == []
    assert problems[0].line == 1 and "no 题干 (stem), 答案 (answer) column" in problems[0].message


def test_english_headers_and_extra_columns() -> None:
    data = (
        b"id,type,question,option a,option b,option c,answer,explanation,difficulty,category,tags,source\n"
        b'q_boat,single,Where?,Lake,Sea,River,A,On a lake.,2,founding,"nanhu, 1921",Notes p.3\n'
    )
    (d,), problems = parse_csv(data)
    assert problems == []
    assert d.title == "q_boat"
    assert d.fields["tags"] == ["nanhu", "1921"] and d.fields["source"] == "Notes p.3"


def test_xlsx_with_numbers_and_booleans_in_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        ["单选", "中国共产党成立于哪一年？", 1919, 1921, 1927, 1949, "B", "1921年。", 1, "建党"]
    )
    sheet.append(["判断", "遵义会议于1935年召开。", None, None, None, None, True, None, 2.0, None])
    sheet.append(["单选", "Bad", "a", "b", None, None, "C", None, None, None])
    path = tmp_path / "bank.xlsx"
    book.save(path)
    drafts, problems = parse_xlsx(path)
    assert [(d.line, d.fields["answer"]) for d in drafts] == [(2, "B"), (3, True)]
    assert drafts[0].fields["options"] == ["1919", "1921", "1927", "1949"]
    assert drafts[1].fields["difficulty"] == 2
    assert [(p.line, p.column) for p in problems] == [(4, 7)]
