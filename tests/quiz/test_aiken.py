from exhibit.quiz.aiken import parse_aiken


def test_questions_with_every_option_style() -> None:
    drafts, problems = parse_aiken(
        "中共一大在哪里开幕？\n"
        "A. 上海\n"
        "B) 北京\n"
        "C、广州\n"
        "D．武汉\n"
        "ANSWER: A\n"
        "\n"
        "Which two cities hosted the First Congress?\n"
        "A. Shanghai\n"
        "B. Beijing\n"
        "C. Jiaxing\n"
        "答案：A、C\n"
    )
    assert problems == []
    assert [(d.line, d.fields) for d in drafts] == [
        (
            1,
            {
                "stem": "中共一大在哪里开幕？",
                "options": ["上海", "北京", "广州", "武汉"],
                "type": "single",
                "answer": "A",
            },
        ),
        (
            8,
            {
                "stem": "Which two cities hosted the First Congress?",
                "options": ["Shanghai", "Beijing", "Jiaxing"],
                "type": "multiple",
                "answer": ["A", "C"],
            },
        ),
    ]


def test_bad_questions_are_reported_and_the_rest_read() -> None:
    drafts, problems = parse_aiken(
        "No answer line\n"  # 1
        "A. a\n"
        "B. b\n"
        "Out of order\n"  # 4
        "A. a\n"
        "C. c\n"
        "ANSWER: A\n"
        "Answer not an option\n"  # 8
        "A. a\n"
        "B. b\n"
        "ANSWER: D\n"  # 11
        "One option only\n"  # 12
        "A. a\n"
        "ANSWER: A\n"
        "Good\n"  # 15
        "A. yes\n"
        "B. no\n"
        "ANSWER: b\n"
    )
    assert [(d.line, d.fields["answer"]) for d in drafts] == [(15, "B")]
    assert [(p.line, p.message) for p in problems] == [
        (1, "this question has no ANSWER: line after its options"),
        (4, "option C at line 6 should be B: options go A, B, C in order"),
        (11, "'D' is not an answer among the options (A..B)"),
        (12, "a question needs at least 2 options (A. ..., B. ...), got 1"),
    ]
