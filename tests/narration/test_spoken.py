"""What the placeholder voice is asked to say: numbers as a narrator reads them."""

from __future__ import annotations

import pytest

from exhibit.narration.spoken import spoken_text, zh_cardinal


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("1921年7月23日", "一九二一年七月二十三日"),
        ("1935年1月15日至17日", "一九三五年一月十五日至十七日"),
        ("2000年", "二〇〇〇年"),
        ("1934—1936年", "一九三四—一九三六年"),
        ("1934年—1936年", "一九三四年—一九三六年"),
        ("20世纪50年代", "二十世纪五十年代"),  # a decade is a quantity, not a year
        ("经过28年", "经过二十八年"),
    ],
)
def test_chinese_years_are_read_digit_by_digit(written: str, spoken: str) -> None:
    assert spoken_text(written, "zh") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("望志路106号", "望志路一百零六号"),
        ("兴业路76号", "兴业路七十六号"),
        ("一共13人", "一共十三人"),
        ("10", "十"),
        ("110", "一百一十"),
        ("1001", "一千零一"),
        ("10010", "一万零一十"),
        ("25,000里", "两万五千里"),
        ("100000", "十万"),
        ("200000000", "两亿"),
        ("2.5米", "二点五米"),
        ("50%", "百分之五十"),
        ("1/3", "三分之一"),
        ("9:30", "九点三十分"),
        ("9:05", "九点零五分"),
        ("2艘游船", "两艘游船"),
        ("第1次", "第一次"),
        ("007", "零零七"),
        ("１９２１年", "一九二一年"),  # full-width digits
    ],
)
def test_chinese_numbers_are_read_as_quantities(written: str, spoken: str) -> None:
    assert spoken_text(written, "zh") == spoken


def test_cardinal_inserts_zero_for_skipped_places() -> None:
    assert zh_cardinal(1005) == "一千零五"
    assert zh_cardinal(100_005) == "十万零五"
    assert zh_cardinal(12_345) == "一万二千三百四十五"


def test_marks_are_dropped_or_kept_and_never_split_a_number() -> None:
    text = "{mark:a}1921年，{mark:b}代表13人"
    assert spoken_text(text, "zh") == "一九二一年，代表十三人"
    assert spoken_text(text, "zh", keep_marks=True) == "{mark:a}一九二一年，{mark:b}代表十三人"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("In July 1921, the congress", "In July 19 21, the congress"),
        ("in 1905", "in 19 oh 5"),
        ("by 1900", "by 19 hundred"),
        ("in 2008", "in two thousand 8"),
        ("in 2021", "in 20 21"),
        ("1,921 delegates", "1,921 delegates"),  # an amount, not a year
        ("106 Wangzhi Road", "106 Wangzhi Road"),
        ("3.5%", "3.5%"),
    ],
)
def test_english_years_are_read_in_pairs(written: str, spoken: str) -> None:
    assert spoken_text(written, "en") == spoken
