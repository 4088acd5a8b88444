"""Spoken text: what the placeholder voice says for a written narration line.

Staff write numbers as digits (``1921年7月23日``, ``望志路106号``). A synthesizer
reads them its own way, and espeak-ng reads a Chinese year as a quantity
(一千九百二十一年), which no Chinese narrator does. The rules here turn digits
into words the way a narrator reads them, before synthesis:

- Chinese years (three or four digits before 年, and both ends of a range like
  ``1934—1936年``) are read digit by digit, with 〇 for zero: 一九二一年.
- Other Chinese numbers are read as quantities: 106 -> 一百零六, 13 -> 十三,
  25000 -> 两万五千, 2.5 -> 二点五, 50% -> 百分之五十, 1/3 -> 三分之一,
  9:30 -> 九点三十分; a lone 2 before a measure word is 两 (2艘 -> 两艘).
- English years are read in pairs (1921 -> "19 21", 1905 -> "19 oh 5") and
  round thousands stay as they are; espeak-ng reads the rest well.

Bookmarks (``{mark:NAME}``) are kept when asked, so that a mark's share of the
spoken text can be measured on what is actually said.
"""

from __future__ import annotations

import re

from exhibit.spec.checks import MARK, strip_marks

ZH_DIGITS = "零一二三四五六七八九"
YEAR_DIGITS = "〇一二三四五六七八九"  # 〇 is the narrator's zero inside a year
_SMALL_UNITS = ("", "十", "百", "千")
_BIG_UNITS = ("", "万", "亿", "万亿")
#: Measure words after which a lone 2 is read 两 (两艘船, 两个人), not 二.
LIANG_MEASURES = "个位名条次天年岁件张座艘支辆人本只句场届项门把间家"

_FULLWIDTH = str.maketrans("０１２３４５６７８９％", "0123456789%")
_DASH = r"\s*[-–—~～至到]+\s*"


def _section(n: int) -> str:
    """A number below 10 000 in Chinese, with 零 where a place is skipped."""
    out = ""
    zero = False
    for power in range(3, -1, -1):
        digit = n // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += ZH_DIGITS[digit] + _SMALL_UNITS[power]
    return out


def zh_cardinal(n: int) -> str:
    """A whole number as a Chinese narrator reads it: 106 -> 一百零六, 25000 -> 两万五千."""
    if n == 0:
        return "零"
    if n < 0:
        return "负" + zh_cardinal(-n)
    if n >= 10**16:
        return zh_digits(str(n))
    sections: list[int] = []
    while n:
        sections.append(n % 10000)
        n //= 10000
    out = ""
    need_zero = False
    for index in range(len(sections) - 1, -1, -1):
        value = sections[index]
        if value == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or value < 1000):
            out += "零"
        out += _section(value) + _BIG_UNITS[index]
        need_zero = False
    if out.startswith("一十"):
        out = out[1:]  # 十三, not 一十三
    # A leading 2 before 千, 万 or 亿 is 两 in speech (两万五千里).
    if out.startswith("二") and len(out) > 1 and out[1] in "千万亿":
        out = "两" + out[1:]
    return out


def zh_digits(digits: str, zero: str = "零") -> str:
    """Digits read one by one: years, numbers with a leading zero, long codes."""
    table = zero + ZH_DIGITS[1:]
    return "".join(table[int(d)] for d in digits if d.isdigit())


def zh_year(digits: str) -> str:
    return zh_digits(digits, zero=YEAR_DIGITS[0])


def _zh_number(text: str) -> str:
    """One number token (digits with an optional decimal part) in words."""
    whole, _, frac = text.partition(".")
    if len(whole) > 1 and whole.startswith("0"):
        spoken = zh_digits(whole)
    else:
        spoken = zh_cardinal(int(whole)) if whole else "零"
    if frac:
        spoken += "点" + zh_digits(frac)
    return spoken


def _zh_replace(text: str) -> str:
    text = text.translate(_FULLWIDTH)
    # Full-width point, colon and slash count only between digits (elsewhere they are punctuation).
    text = re.sub(r"(?<=\d)[．：／](?=\d)", lambda m: {"．": ".", "：": ":", "／": "/"}[m[0]], text)
    # 25,000 -> 25000 (only real thousands separators: groups of three digits)
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    # Year ranges: 1934—1936年, 1934年—1936年
    text = re.sub(
        rf"(?<!\d)(\d{{3,4}})(年?)({_DASH})(\d{{3,4}})年",
        lambda m: f"{zh_year(m[1])}{m[2]}{m[3]}{zh_year(m[4])}年",
        text,
    )
    # Years: three or four digits before 年 (not 年代: 50年代 is 五十年代).
    text = re.sub(r"(?<![\d.])(\d{3,4})(?=年(?!代))", lambda m: zh_year(m[1]), text)
    # Percent and fractions
    text = re.sub(r"(\d+(?:\.\d+)?)%", lambda m: "百分之" + _zh_number(m[1]), text)
    text = re.sub(
        r"(?<![\d.])(\d+)/(\d+)(?![\d.])",
        lambda m: _zh_number(m[2]) + "分之" + _zh_number(m[1]),
        text,
    )
    # Clock times: 9:30 -> 九点三十分, 9:00 -> 九点
    text = re.sub(
        r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)",
        lambda m: (
            _zh_number(m[1])
            + "点"
            + (
                ""
                if int(m[2]) == 0
                else ("零" if m[2][0] == "0" else "") + zh_cardinal(int(m[2])) + "分"
            )
        ),
        text,
    )
    # A lone 2 before a measure word: 两
    text = re.sub(rf"(?<![\d.])2(?=[{LIANG_MEASURES}])", "两", text)
    # Everything else: quantities
    return re.sub(r"\d+(?:\.\d+)?", lambda m: _zh_number(m[0]), text)


_EN_ONES = ("oh", "1", "2", "3", "4", "5", "6", "7", "8", "9")


def en_year(digits: str) -> str:
    """An English year in the words of a narrator, given as text espeak-ng reads well."""
    n = int(digits)
    head, tail = divmod(n, 100)
    if 2000 <= n <= 2009:
        return "two thousand" + (f" {tail}" if tail else "")
    if tail == 0:
        return f"{head} hundred"
    if tail < 10:
        return f"{head} oh {tail}"
    return f"{head} {tail}"


def _en_replace(text: str) -> str:
    # Four-digit numbers from 1100 to 2099 that are not part of a larger number or an amount.
    return re.sub(
        r"(?<![\d.,$£€¥])(1[1-9]\d\d|20\d\d)(?![\d.,]\d|\s*%)",
        lambda m: en_year(m[1]),
        text,
    )


def spoken_text(text: str, lang: str, *, keep_marks: bool = False) -> str:
    """``text`` as the placeholder voice should say it (numbers in words, marks removed)."""
    if not keep_marks:
        text = strip_marks(text)
        return _spoken_part(text, lang)
    # Convert between the marks, so a number is never split by one.
    parts = re.split(r"(\{mark:[^{}]*\})", text)
    return "".join(p if MARK.fullmatch(p) else _spoken_part(p, lang) for p in parts)


def _spoken_part(text: str, lang: str) -> str:
    if lang.startswith("zh") or lang in ("cmn", "yue"):
        return _zh_replace(text)
    if lang.startswith("en"):
        return _en_replace(text)
    return text
