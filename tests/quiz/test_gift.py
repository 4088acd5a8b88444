"""The GIFT reader on cases written for it (the subset quiz-format.md lists)."""

from exhibit.quiz.gift import parse_gift


def one(text: str) -> dict:  # type: ignore[type-arg]
    drafts, problems = parse_gift(text)
    assert problems == [], problems
    assert len(drafts) == 1
    return drafts[0].fields


def test_single_choice_with_title_and_feedback() -> None:
    drafts, problems = parse_gift(
        "::boat:: 中共一大最后一天在哪里开会？ {\n"
        "  ~杭州西湖 # 不对，是嘉兴。\n"
        "  =嘉兴南湖的一艘游船上 # 对！\n"
        "  ~上海博文女校\n"
        "}\n"
    )
    assert problems == []
    (d,) = drafts
    assert d.title == "boat" and d.line == 1
    assert d.fields == {
        "type": "single",
        "stem": "中共一大最后一天在哪里开会？",
        "options": ["杭州西湖", "嘉兴南湖的一艘游船上", "上海博文女校"],
        "answer": "B",
        "explanation": "对！",
    }


def test_general_feedback_wins_over_answer_feedback() -> None:
    f = one("Q? {=right#good ~wrong#bad ####Because of the sources.}")
    assert f["explanation"] == "Because of the sources."


def test_multiple_answers_from_weights() -> None:
    f = one("Which two? {~%50%Shanghai#yes ~%-100%Beijing ~%50%Jiaxing ~%-100%Canton}")
    assert f["type"] == "multiple"
    assert f["options"] == ["Shanghai", "Beijing", "Jiaxing", "Canton"]
    assert f["answer"] == ["A", "C"]
    assert f["explanation"] == "yes"


def test_a_single_positive_weight_is_a_single_choice() -> None:
    f = one("Q {~%100%yes ~no ~maybe}")
    assert (f["type"], f["answer"]) == ("single", "A")


def test_true_false_in_every_spelling_with_feedback() -> None:
    assert one("The sky is blue. {T}")["answer"] is True
    assert one("The sky is green. {FALSE}")["answer"] is False
    assert one("Q {true}")["type"] == "truefalse"
    # {T#shown when wrong#shown when right}: the explanation is the feedback for the right answer.
    assert (
        one("Zunyi was in 1935. {T#No, it was 1935.#Yes: January 1935.}")["explanation"]
        == "Yes: January 1935."
    )
    assert one("Q {F####General.}")["explanation"] == "General."


def test_escapes() -> None:
    f = one(r"Is 1 \= 1 \{really\} \: \~ \# \\ ok?\nNew line. {=a \= b ~c\#d ~e\~f}")
    assert f["stem"] == "Is 1 = 1 {really} : ~ # \\ ok?\nNew line."
    assert f["options"] == ["a = b", "c#d", "e~f"]


def test_categories_apply_to_the_questions_after_them() -> None:
    drafts, problems = parse_gift(
        "$CATEGORY: $course$/top/党史/建党\n\nQ1 {=a ~b}\n\n$CATEGORY: 长征\n\nQ2 {=a ~b}\n"
    )
    assert problems == []
    assert [d.fields["category"] for d in drafts] == ["建党", "长征"]


def test_comments_and_line_numbers() -> None:
    drafts, problems = parse_gift(
        "// a comment about the file\n"
        "\n"
        "// about Q1\n"
        "Q1 {\n"
        "// a comment inside the answers\n"
        "=a ~b}\n"
        "\n"
        "\n"
        "Q2 {=a ~b}   \n"
    )
    assert problems == []
    assert [(d.line, d.fields["stem"], d.fields["options"]) for d in drafts] == [
        (4, "Q1", ["a", "b"]),
        (9, "Q2", ["a", "b"]),
    ]


def test_format_markers_and_html() -> None:
    f = one(
        "[html]<p>Where was the <b>First</b> Congress?</p> {=<i>Shanghai</i> &amp; Jiaxing ~Beijing}"
    )
    assert f["stem"] == "Where was the First Congress?"
    assert f["options"] == ["Shanghai & Jiaxing", "Beijing"]
    assert one("[markdown]Q *x* {=a ~b}")["stem"] == "Q *x*"


def test_missing_word_layout_gets_a_blank() -> None:
    assert (
        one("The First Congress opened in {=Shanghai ~Beijing} in 1921.")["stem"]
        == "The First Congress opened in ____ in 1921."
    )


def test_unsupported_types_are_reported_with_their_line_and_the_rest_imported() -> None:
    text = (
        "Good one {=a ~b}\n"  # line 1
        "\n"
        "Short answer {=Shanghai =上海}\n"  # 3
        "\n"
        "Match {=a -> 1 =b -> 2 =c -> 3}\n"  # 5
        "\n"
        "Number {#1921:0}\n"  # 7
        "\n"
        "Essay {}\n"  # 9
        "\n"
        "Just a description.\n"  # 11
        "\n"
        "No right answer {~a ~b}\n"  # 13
        "\n"
        "Two equals {=a =b ~c}\n"  # 15
        "\n"
        "Unclosed {=a ~b\n"  # 17
        "\n"
        "Last good one {T}\n"  # 19
    )
    drafts, problems = parse_gift(text)
    assert [d.line for d in drafts] == [1, 19]
    found = {p.line: p.message for p in problems}
    assert set(found) == {3, 5, 7, 9, 11, 13, 15, 17}
    assert found[3].startswith("a short-answer question")
    assert found[5].startswith("a matching question")
    assert found[7].startswith("a numerical question")
    assert found[9].startswith("an essay question")
    assert found[11].startswith("a description")
    assert found[13].startswith("no answer is marked right")
    assert found[15].startswith("more than one answer is marked =")
    assert found[17].startswith("the answers are not closed")


def test_blank_line_inside_open_answers_does_not_split_the_question() -> None:
    f = one("Q {\n=a\n\n~b\n}")
    assert f["options"] == ["a", "b"]


def test_byte_order_mark_is_ignored() -> None:
    assert one("\ufeff::t:: Q {=a ~b}")["stem"] == "Q"


def test_a_question_right_under_its_category_line() -> None:
    drafts, problems = parse_gift("$CATEGORY: 长征\nQ {=a ~b}\n")
    assert problems == []
    assert [(d.line, d.fields["category"], d.fields["stem"]) for d in drafts] == [(2, "长征", "Q")]
