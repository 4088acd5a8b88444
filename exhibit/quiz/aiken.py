"""A reader for the Aiken format: a question line, lettered options, then ``ANSWER: X``.

```
中共一大在哪里开幕？
A. 上海
B) 北京
ANSWER: A
```
Options may be written ``A.``, ``A)``, ``A、`` or ``A．``; the answer line may also be
``答案：A``. Several letters (``ANSWER: A, C``) make a multiple-answer question, an
extension some exporters use. A question that breaks the pattern is reported at its
first line and the reader goes on with the next one.
"""

from __future__ import annotations

import re

from exhibit.quiz.draft import Draft, Problem
from exhibit.quiz.spelling import normalize, parse_letters

_OPTION = re.compile(r"^\s*([A-Ha-h])\s*[.)、．:：]\s*(.*\S)\s*$")
_ANSWER = re.compile(r"^\s*(?:ANSWER|答案)\s*[:：]\s*(.*?)\s*$", re.I)


def parse_aiken(text: str) -> tuple[list[Draft], list[Problem]]:
    drafts: list[Draft] = []
    problems: list[Problem] = []
    stem: list[str] = []
    options: list[str] = []
    start = 0
    broken: str | None = None

    def reset() -> None:
        nonlocal stem, options, broken
        stem, options, broken = [], [], None

    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if answer:
            if not stem:
                problems.append(Problem(number, "an ANSWER line with no question before it"))
            elif broken:
                problems.append(Problem(start, broken))
            elif len(options) < 2:
                problems.append(
                    Problem(
                        start,
                        f"a question needs at least 2 options (A. ..., B. ...), got {len(options)}",
                    )
                )
            else:
                letters = parse_letters(answer.group(1), len(options))
                if letters is None:
                    problems.append(
                        Problem(
                            number,
                            f"'{answer.group(1)}' is not an answer among the options "
                            f"(A..{chr(ord('A') + len(options) - 1)})",
                        )
                    )
                else:
                    fields: dict[str, object] = {"stem": " ".join(stem), "options": list(options)}
                    if len(letters) == 1:
                        fields.update(type="single", answer=letters[0])
                    else:
                        fields.update(type="multiple", answer=list(letters))
                    drafts.append(Draft(start, fields))
            reset()
            continue
        if option and stem:
            letter = normalize(option.group(1)).upper()
            expected = chr(ord("A") + len(options))
            if letter != expected and broken is None:
                broken = (
                    f"option {letter} at line {number} should be {expected}: "
                    "options go A, B, C in order"
                )
            options.append(option.group(2))
            continue
        if options:
            # Text after the options but before ANSWER: the previous question is unfinished.
            problems.append(Problem(start, "this question has no ANSWER: line after its options"))
            reset()
        if not stem:
            start = number
        stem.append(line)
    if stem:
        problems.append(Problem(start, "this question has no ANSWER: line after its options"))
    return drafts, problems
