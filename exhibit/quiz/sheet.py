"""A reader for question spreadsheets (CSV and XLSX) with the usual Chinese columns.

Banks exported from exam systems and kept in Excel look alike: a header row with
题型, 题干, 选项A..选项H, 答案, 解析, 难度, 分类 (English names work too), one question
per row. Answers come as ``A``, ``AC``, ``A,C``, ``A、C`` or, for true/false, 对 / 错 /
正确 / 错误 / √ / ×. CSV files may be UTF-8 (with or without a byte-order mark, as Excel
writes it) or GB18030 (GBK), which Chinese Excel uses by default.

Problems are reported by row and column of the sheet: row 1 is the header.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from exhibit.quiz.draft import Draft, Problem
from exhibit.quiz.spelling import normalize, parse_letters, parse_truth
from exhibit.spec.errors import ExhibitError
from exhibit.spec.quiz import LETTERS

# Header names (NFKC, lower case, no spaces) -> field.
_HEADERS: dict[str, str] = {}
for _field, _names in {
    "type": ["题型", "类型", "题目类型", "试题类型", "题类", "type", "questiontype", "kind"],
    "stem": [
        "题干",
        "题目",
        "试题",
        "问题",
        "题目内容",
        "试题内容",
        "题干内容",
        "stem",
        "question",
        "text",
    ],
    "answer": ["答案", "正确答案", "标准答案", "参考答案", "answer", "correct", "correctanswer"],
    "explanation": [
        "解析",
        "答案解析",
        "试题解析",
        "题目解析",
        "解释",
        "说明",
        "explanation",
        "feedback",
    ],
    "difficulty": ["难度", "难易度", "难易程度", "难度系数", "difficulty", "level"],
    "category": ["分类", "类别", "题目分类", "试题分类", "知识点", "章节", "category"],
    "tags": ["标签", "关键词", "tags", "tag"],
    "source": ["来源", "出处", "资料来源", "source"],
    "id": ["编号", "题号", "序号id", "id"],
    "status": ["状态", "status"],
    "time_limit": ["限时", "时限", "答题时间", "timelimit", "time_limit"],
}.items():
    for _name in _names:
        _HEADERS[_name] = _field

_TYPES = {
    "single": [
        "单选",
        "单选题",
        "单项选择",
        "单项选择题",
        "单择",
        "选择题",
        "single",
        "singlechoice",
        "radio",
    ],
    "multiple": [
        "多选",
        "多选题",
        "多项选择",
        "多项选择题",
        "不定项",
        "不定项选择",
        "不定项选择题",
        "multiple",
        "multiplechoice",
        "multi",
        "checkbox",
    ],
    "truefalse": [
        "判断",
        "判断题",
        "是非",
        "是非题",
        "对错题",
        "truefalse",
        "true/false",
        "tf",
        "judge",
        "boolean",
    ],
}
_TYPE_OF = {name: kind for kind, names in _TYPES.items() for name in names}
_UNSUPPORTED = ["填空", "简答", "问答", "论述", "名词解释", "材料", "案例", "计算", "连线", "排序"]
_DIFFICULTY_WORDS = {
    "易": 1,
    "容易": 1,
    "简单": 1,
    "较易": 2,
    "较简单": 2,
    "中": 3,
    "中等": 3,
    "一般": 3,
    "适中": 3,
    "较难": 4,
    "难": 5,
    "困难": 5,
    "很难": 5,
    "easy": 1,
    "medium": 3,
    "hard": 5,
}


def _key(header: object) -> str:
    return re.sub(r"[\s_\-:：]+", "", normalize(str(header or ""))).lower()


def _option_letter(key: str) -> str | None:
    """'选项a', 'a', 'optiona', 'option_a', '选项1' -> the option letter."""
    m = re.fullmatch(r"(?:选项|option|opt|choice)?([a-h])", key)
    if m:
        return m.group(1).upper()
    m = re.fullmatch(r"(?:选项|option|choice)([1-8])", key)
    if m:
        return LETTERS[int(m.group(1)) - 1]
    return None


def _text(value: object) -> str:
    """A cell as text: whole numbers without '.0', booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ExhibitError(
            "the file is neither UTF-8 nor GB18030 (GBK) text; save it as CSV UTF-8"
        ) from None


#: The part of a worksheet read: questions fill a few hundred rows and a dozen columns.
MAX_ROWS = 10_000
MAX_COLUMNS = 50


def _delimiter(header: str) -> str:
    """The separator of a CSV, from its header line: the most frequent of , tab ;."""
    counts = {d: header.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text or "newline inside string" in text:
        return (
            "a quoted cell that starts on this line is never closed; close it with '\"' (a quote inside "
            "a cell is written twice: \"\"), then import again; the lines after it were read as new rows"
        )
    if "expected after" in text:
        return (
            "text after the closing quote of a cell; inside a quoted cell a quote is written twice (\"\"), "
            "as Excel does"
        )
    if "NUL" in text:
        return "this line holds a NUL character (U+0000); save the file again as CSV UTF-8"
    return f"this line cannot be read as CSV: {text}"


def read_csv(data: bytes) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """Rows with the line each starts on (a quoted cell may span lines), and lines that failed.

    Read as Excel writes CSV: a quote inside a quoted cell is doubled (``""``), only the
    separator is guessed (from the header line). A row that cannot be read is reported
    by its line and reading goes on with the next line, so one stray quote never takes
    the rows after it with it.
    """
    text = decode(data)
    lines = text.splitlines(keepends=True)
    delimiter = _delimiter(lines[0] if lines else "")
    rows: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    start = 0  # index of the first line not read yet
    while start < len(lines):
        reader = csv.reader(iter(lines[start:]), csv.excel, delimiter=delimiter, strict=True)
        row_start = start + 1  # 1-based line of the row being read
        try:
            for row in reader:
                rows.append((row_start, row))
                row_start = start + reader.line_num + 1
            break
        except csv.Error as exc:
            problems.append(Problem(row_start, _csv_problem(exc)))
            start = row_start  # go on after the first line of the row that failed
    return rows, problems


def read_xlsx(path: Path) -> list[tuple[int, list[str]]]:
    """Rows of the first worksheet with their row numbers, within MAX_ROWS x MAX_COLUMNS.

    The sheet's declared size is not trusted (one stray cell at XFD1048576 declares
    17 billion cells): rows are read as they are stored, each only as wide as its
    last cell, and a value outside the bounds is an error that names its cell.
    """
    from openpyxl import load_workbook  # only imports need it
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    if not zipfile.is_zipfile(path):
        raise ExhibitError(f"{path}: {_not_a_workbook(path)}")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ExhibitError(
            f"{path}: not a readable .xlsx workbook ({exc}); open it in Excel and save it again"
        ) from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = [_text(v) for v in values]
            if not any(cells):
                continue
            last = max(i for i, c in enumerate(cells) if c) + 1
            if number > MAX_ROWS or last > MAX_COLUMNS:
                where = f"{get_column_letter(last)}{number}"
                raise ExhibitError(
                    f"{path}: cell {where} is outside the part of a sheet that is read "
                    f"({MAX_ROWS:,} rows x {MAX_COLUMNS} columns, A1:{get_column_letter(MAX_COLUMNS)}{MAX_ROWS}); "
                    "delete what is beyond it, or split the questions over several files"
                )
            rows.append((number, cells[:last]))
        return rows
    finally:
        book.close()


def _not_a_workbook(path: Path) -> str:
    """What a file named .xlsx that is not one (not a zip) probably is, and what to do."""
    try:
        head = path.read_bytes()[:4096]
    except OSError as exc:
        return f"cannot read it ({exc.strerror})"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "this is an old Excel 97-2003 workbook (.xls) named .xlsx; save it in Excel as .xlsx"
    try:
        decode(head[: head.rfind(b"\n") + 1] or head)
    except ExhibitError:
        return "this is not an Excel workbook (an .xlsx file is a zip archive); save the sheet in Excel as .xlsx"
    return (
        "this is a text file, not an Excel workbook (an .xlsx file is a zip archive); if it is CSV, "
        "name it .csv (or import it with --format csv)"
    )


def parse_rows(rows: Sequence[tuple[int, Sequence[object]]]) -> tuple[list[Draft], list[Problem]]:
    drafts: list[Draft] = []
    problems: list[Problem] = []
    filled = [(n, [_text(v) for v in row]) for n, row in rows if any(_text(v) for v in row)]
    if not filled:
        return [], [Problem(1, "the sheet is empty")]
    header_line, header = filled[0]
    columns: dict[str, int] = {}
    option_cols: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _key(name)
        letter = _option_letter(key)
        if letter and letter not in option_cols:
            option_cols[letter] = index
        elif key in _HEADERS and _HEADERS[key] not in columns:
            columns[_HEADERS[key]] = index
    missing = [f for f, label in (("stem", "题干"), ("answer", "答案")) if f not in columns]
    if missing:
        names = ", ".join({"stem": "题干 (stem)", "answer": "答案 (answer)"}[f] for f in missing)
        return [], [
            Problem(
                header_line,
                f"the header row has no {names} column; the first row must name the "
                "columns (题型, 题干, 选项A..选项H, 答案, 解析, 难度, 分类)",
            )
        ]
    letters = sorted(option_cols)
    for line, row in filled[1:]:
        result = _row(line, row, columns, [(ch, option_cols[ch]) for ch in letters])
        if isinstance(result, Problem):
            problems.append(result)
        else:
            drafts.append(result)
    return drafts, problems


@dataclass(frozen=True)
class _Row:
    """One filled row of the sheet, read by column name."""

    line: int
    cells: list[str]
    columns: dict[str, int]

    def cell(self, name: str) -> str:
        i = self.columns.get(name)
        return self.cells[i].strip() if i is not None and i < len(self.cells) else ""

    def problem(self, message: str, name: str) -> Problem:
        """A problem at the column ``name`` (the first column when the sheet has none)."""
        return Problem(self.line, message, self.columns.get(name, 0) + 1)


def _row(
    line: int, row: list[str], columns: dict[str, int], option_cols: Iterable[tuple[str, int]]
) -> Draft | Problem:
    r = _Row(line, row, columns)
    stem = r.cell("stem")
    if not stem:
        return r.problem("this row has no question text (题干)", "stem")
    options = _options(r, option_cols)
    if isinstance(options, Problem):
        return options
    answer = r.cell("answer")
    if not answer:
        return r.problem("this row has no answer (答案)", "answer")
    kind = _kind(r, answer, options)
    if isinstance(kind, Problem):
        return kind
    fields = _answered(r, kind, stem, answer, options)
    if isinstance(fields, Problem):
        return fields
    more = _more_fields(r)
    if isinstance(more, Problem):
        return more
    return Draft(line, {**fields, **more}, r.cell("id") or None, 1, {k: v + 1 for k, v in columns.items()})


def _options(r: _Row, option_cols: Iterable[tuple[str, int]]) -> list[str] | Problem:
    """The options' texts, in order; a filled option after an empty one is a problem."""
    options: list[str] = []
    gaps: list[str] = []
    for letter, index in option_cols:
        value = r.cells[index].strip() if index < len(r.cells) else ""
        if value:
            if gaps:
                return Problem(
                    r.line,
                    f"option {letter} is filled but option {gaps[0]} before it is empty",
                    index + 1,
                )
            options.append(value)
        else:
            gaps.append(letter)
    return options


def _kind(r: _Row, answer: str, options: list[str]) -> str | Problem:
    """The question's type: from 题型, else guessed from the answer."""
    kind_text = _key(r.cell("type"))
    kind = _TYPE_OF.get(kind_text)
    if kind_text and kind is None:
        if any(word in kind_text for word in _UNSUPPORTED):
            return r.problem(
                f"'{r.cell('type')}' questions cannot be imported; only 单选, 多选 and 判断 "
                "(single, multiple, true/false)",
                "type",
            )
        return r.problem(f"unknown question type '{r.cell('type')}'; use 单选, 多选 or 判断", "type")
    if kind is not None:
        return kind
    letters = parse_letters(answer, max(len(options), 1)) if options else None
    if letters is not None:
        return "multiple" if len(letters) > 1 else "single"
    if parse_truth(answer) is not None:
        return "truefalse"
    return r.problem(f"cannot read the answer '{answer}'; write letters (A, AC, A,C) or 对/错", "answer")


def _answered(r: _Row, kind: str, stem: str, answer: str, options: list[str]) -> dict[str, object] | Problem:
    """The question's type, stem, options and answer as a bank writes them."""
    if kind == "truefalse":
        truth = parse_truth(answer)
        if truth is None and options:
            # 判断题 laid out as two options (对 / 错) with a letter answer.
            letters = parse_letters(answer, len(options))
            if letters and len(letters) == 1:
                truth = parse_truth(options[LETTERS.index(letters[0])])
        if truth is None:
            return r.problem(f"'{answer}' is not a true/false answer; write 对/错, 正确/错误, √/× or T/F", "answer")
        return {"type": "truefalse", "stem": stem, "answer": truth}
    if len(options) < 2:
        return r.problem(
            f"a {kind} question needs at least 2 options (选项A, 选项B ...), got {len(options)}", "answer"
        )
    letters = parse_letters(answer, len(options))
    if letters is None:
        last = LETTERS[len(options) - 1]
        return r.problem(f"cannot read the answer '{answer}': expected letters among A..{last}", "answer")
    if kind == "single" and len(letters) > 1:
        return r.problem(f"a single-choice (单选) question has one answer, got '{answer}'", "answer")
    if kind == "multiple" and len(letters) < 2:
        return r.problem(f"a multiple-choice (多选) question needs at least 2 right answers, got '{answer}'", "answer")
    return {"type": kind, "stem": stem, "options": options, "answer": letters[0] if kind == "single" else list(letters)}


_STATUS_WORDS = {"草稿": "draft", "启用": "ready", "正常": "ready", "停用": "retired", "作废": "retired"}


def _more_fields(r: _Row) -> dict[str, object] | Problem:
    """Difficulty, category, explanation, source, tags, status and time limit, where given."""
    fields: dict[str, object] = {}
    difficulty = r.cell("difficulty")
    if difficulty:
        level = _difficulty(difficulty)
        if level is None:
            return r.problem(f"difficulty '{difficulty}' is not 1..5 or 易/中/难", "difficulty")
        fields["difficulty"] = level
    for name in ("category", "explanation", "source"):
        if r.cell(name):
            fields[name] = r.cell(name)
    if r.cell("tags"):
        fields["tags"] = [t for t in re.split(r"[\s,，、;；]+", r.cell("tags")) if t]
    if r.cell("status"):
        status = _STATUS_WORDS.get(r.cell("status"), r.cell("status").lower())
        if status not in ("draft", "ready", "retired"):
            return r.problem(f"status '{r.cell('status')}' is not draft, ready or retired", "status")
        fields["status"] = status
    if r.cell("time_limit"):
        try:
            seconds = float(r.cell("time_limit").rstrip("秒s "))
        except ValueError:
            return r.problem(f"time limit '{r.cell('time_limit')}' is not a number of seconds", "time_limit")
        fields["time_limit"] = int(seconds) if seconds.is_integer() else seconds
    return fields


def _difficulty(text: str) -> int | None:
    word = normalize(text).lower()
    if word in _DIFFICULTY_WORDS:
        return _DIFFICULTY_WORDS[word]
    try:
        value = float(word)
    except ValueError:
        return None
    return int(value) if value.is_integer() and 1 <= value <= 5 else None


def parse_csv(data: bytes) -> tuple[list[Draft], list[Problem]]:
    rows, unread = read_csv(data)
    drafts, problems = parse_rows(rows)
    return drafts, sorted(unread + problems, key=lambda p: (p.line, p.column))


def parse_xlsx(path: Path) -> tuple[list[Draft], list[Problem]]:
    return parse_rows(read_xlsx(path))
