import pytest

from exhibit.quiz.spelling import parse_letters, parse_truth


@pytest.mark.parametrize(
    ("text", "letters"),
    [
        ("A", ("A",)),
        (" c ", ("C",)),
        ("AC", ("A", "C")),
        ("CA", ("A", "C")),
        ("A,C", ("A", "C")),
        ("A、C", ("A", "C")),
        ("A，C", ("A", "C")),  # full-width comma
        ("ＡＣ", ("A", "C")),  # full-width letters
        ("a c", ("A", "C")),
        ("A;B;D", ("A", "B", "D")),
    ],
)
def test_letters_in_every_usual_spelling(text: str, letters: tuple[str, ...]) -> None:
    assert parse_letters(text, 4) == letters


@pytest.mark.parametrize("text", ["", "E", "AA", "A1", "对", "Aa", "AB C?", "1"])
def test_unreadable_letters_give_none(text: str) -> None:
    assert parse_letters(text, 4) is None


@pytest.mark.parametrize("text", ["对", "正确", "√", "✓", "T", "true", "TRUE", "是", " 对 "])
def test_true_spellings(text: str) -> None:
    assert parse_truth(text) is True


@pytest.mark.parametrize("text", ["错", "错误", "×", "✗", "F", "false", "否", "X"])
def test_false_spellings(text: str) -> None:
    assert parse_truth(text) is False


def test_not_a_truth_value() -> None:
    assert parse_truth("maybe") is None
    assert parse_truth("A") is None
