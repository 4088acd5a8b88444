from exhibit.quiz.nickname import NICKNAME_MAX, clean_nickname


def test_control_and_format_characters_are_removed() -> None:
    # A bidi override could make a nickname read backwards on the board; a newline could add a row.
    assert clean_nickname("Red\u202eStar\x00\n") == "RedStar"
    assert clean_nickname("红\u200b星") == "红星"


def test_whitespace_is_collapsed_and_trimmed() -> None:
    assert clean_nickname("  Red   Star \t ") == "Red Star"


def test_length_is_limited() -> None:
    assert clean_nickname("x" * 100) == "x" * NICKNAME_MAX
    assert len(clean_nickname("党" * 40) or "") == NICKNAME_MAX


def test_nothing_usable_gives_none() -> None:
    assert clean_nickname("\x01\x02 \u200b ") is None
    assert clean_nickname("") is None
    assert clean_nickname(None) is None
