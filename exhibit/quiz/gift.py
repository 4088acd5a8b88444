"""A reader for Moodle's GIFT format: the subset that fits the bank.

Supported: multiple choice with one right answer (``=``), several right answers given by
positive ``%weights%`` (``~%50%``), true/false (``{T}``, ``{FALSE}``), per-answer
``#feedback``, general feedback after ``####``, ``$CATEGORY:``, ``::title::``, ``//``
comment lines, the ``[html]``/``[moodle]``/``[plain]``/``[markdown]`` markers and the
``\\`` escapes (``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``). The "missing word" layout (text after the
answers) becomes a stem with a blank. Other question types (short answer, numerical,
matching, essay, description) are reported with their line and skipped.

The bank has no per-answer feedback, so the explanation is the general feedback, or
else the feedback written on the right answer.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from exhibit.quiz.draft import Draft, Problem

# Escaped characters are swapped for private-use code points while parsing, so that the
# parser only ever sees the special characters that mean something.
_ESCAPES = {
    "\\\\": "\ue000",
    "\\~": "\ue001",
    "\\=": "\ue002",
    "\\#": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\:": "\ue006",
    "\\n": "\ue007",
}
_RESTORE = {
    "\ue000": "\\",
    "\ue001": "~",
    "\ue002": "=",
    "\ue003": "#",
    "\ue004": "{",
    "\ue005": "}",
    "\ue006": ":",
    "\ue007": "\n",
}
_ESCAPE_RE = re.compile(r"\\[\\~=#{}:n]")
_FORMAT_RE = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE_RE = re.compile(r"^(T|TRUE|F|FALSE)(?=$|\s|#)", re.I)


@dataclass(frozen=True)
class _Block:
    line: int
    text: str  # escapes replaced


def _hide_escapes(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(ch, ch) for ch in text)


def _clean(text: str, markup: str | None = None) -> str:
    """Final text: markup removed, whitespace runs collapsed, escapes restored."""
    if markup == "html":
        text = html.unescape(
            re.sub(r"<br\s*/?>", "\n", re.sub(r"<(?!br)[^>]+>", "", text, flags=re.I), flags=re.I)
        )
    text = re.sub(r"[ \t\r\n]+", " ", text).strip()
    return _restore(text).strip()


def _blocks(text: str) -> list[_Block]:
    """Questions are separated by blank lines; comment lines are dropped first.

    A blank line inside an open ``{...}`` does not end the question when the next line
    carries on with answers (``=``, ``~``, ``#`` or ``}``); Moodle would split it there,
    but people write such answers all the same. Otherwise the question ends, so an
    unclosed brace is reported instead of swallowing the next question.
    """
    raw_lines = [_hide_escapes(line) for line in text.splitlines()]
    lines = [
        (n, line) for n, line in enumerate(raw_lines, start=1) if not line.lstrip().startswith("//")
    ]
    blocks: list[_Block] = []
    current: list[str] = []
    start = 0
    depth = 0
    for i, (number, line) in enumerate(lines):
        if not line.strip():
            following = next((text for _, text in lines[i + 1 :] if text.strip()), "")
            carries_on = depth > 0 and following.lstrip()[:1] in ("=", "~", "#", "}")
            if current and not carries_on:
                blocks.append(_Block(start, "\n".join(current)))
                current, depth = [], 0
            continue
        if not current:
            start = number
        current.append(line)
        depth = max(0, depth + line.count("{") - line.count("}"))
    if current:
        blocks.append(_Block(start, "\n".join(current)))
    return blocks


def _category(text: str) -> str | None:
    path = text.split(":", 1)[1].strip()
    parts = [
        p
        for p in _restore(path).split("/")
        if p and p not in ("$course$", "$system$", "$module$", "$cat1$", "$cat2$", "$cat3$", "top")
    ]
    return parts[-1].strip() if parts else None


def parse_gift(text: str) -> tuple[list[Draft], list[Problem]]:
    """Drafts and problems, in file order."""
    drafts: list[Draft] = []
    problems: list[Problem] = []
    category: str | None = None
    for block in _blocks(text.lstrip("\ufeff")):
        body = block.text.strip()
        if body.upper().startswith("$CATEGORY:"):
            first, _, rest = body.partition("\n")
            category = _category(first)
            if not rest.strip():
                continue
            # A question right under the category line, with no blank line between them.
            block = _Block(block.line + 1, rest)
        result = _question(block, category)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            drafts.append(result)
    return drafts, problems


def _question(block: _Block, category: str | None) -> Draft | Problem:
    body = block.text.strip()
    title = None
    m = re.match(r"^::(.*?)::", body, re.S)
    if m:
        title = _clean(m.group(1))
        body = body[m.end() :]
    markup = None
    fm = _FORMAT_RE.match(body)
    if fm:
        markup = fm.group(1).lower()
        body = body[fm.end() :]
    open_at = body.find("{")
    if open_at < 0:
        return Problem(
            block.line, "a description (no answers in {...}) cannot be imported as a question"
        )
    close_at = body.find("}", open_at)
    if close_at < 0:
        return Problem(
            block.line,
            "the answers are not closed: '{' has no matching '}' (write \\} for a literal brace)",
        )
    before, answers, after = body[:open_at], body[open_at + 1 : close_at], body[close_at + 1 :]
    if "{" in after:
        return Problem(
            block.line,
            "more than one answer block {...}: embedded answers (cloze) cannot be imported",
        )
    stem = _clean(before, markup)
    if after.strip():
        stem = f"{stem} ____ {_clean(after, markup)}".strip()
    if not stem:
        return Problem(block.line, "the question has no text before its answers")
    general = None
    if "####" in answers:
        answers, general_text = answers.split("####", 1)
        general = _clean(general_text, markup) or None
    answers = answers.strip()
    fields: dict[str, object] = {"stem": stem}
    if category:
        fields["category"] = category
    if not answers:
        return Problem(
            block.line,
            "an essay question (empty {}) cannot be imported; only single, multiple and "
            "true/false questions can",
        )
    if answers.startswith("#"):
        return Problem(
            block.line,
            "a numerical question ({#...}) cannot be imported; only single, multiple and "
            "true/false questions can",
        )
    tf = _TRUE_FALSE_RE.match(answers)
    if tf:
        value = tf.group(1).upper().startswith("T")
        feedback = [_clean(f, markup) for f in answers[tf.end() :].split("#")[1:]]
        # {T#shown when wrong#shown when right}: the second one explains the right answer.
        right_feedback = feedback[1] if len(feedback) > 1 else None
        fields.update(type="truefalse", answer=value)
        explanation = general or right_feedback
        if explanation:
            fields["explanation"] = explanation
        return Draft(block.line, fields, title)
    return _choice(block, answers, fields, general, title, markup)


def _choice(
    block: _Block,
    answers: str,
    fields: dict[str, object],
    general: str | None,
    title: str | None,
    markup: str | None,
) -> Draft | Problem:
    starts = [i for i, ch in enumerate(answers) if ch in "=~"]
    if not starts or answers[: starts[0]].strip():
        return Problem(block.line, "answers must start with = (right) or ~ (wrong)")
    options: list[tuple[str, float, str | None]] = []  # text, weight, feedback
    for a, b in zip(starts, [*starts[1:], len(answers)], strict=True):
        marker, part = answers[a], answers[a + 1 : b]
        if "->" in part:
            return Problem(
                block.line,
                "a matching question (a -> b) cannot be imported; only single, multiple and "
                "true/false questions can",
            )
        weight = 100.0 if marker == "=" else 0.0
        wm = _WEIGHT_RE.match(part.strip())
        if wm:
            weight = float(wm.group(1))
            part = part.strip()[wm.end() :]
        text, _, feedback = part.partition("#")
        options.append((_clean(text, markup), weight, _clean(feedback, markup) or None))
    if not any(ch == "~" for ch in (answers[i] for i in starts)):
        return Problem(
            block.line,
            "a short-answer question (only = answers, no ~ choices) cannot be imported; only "
            "single, multiple and true/false questions can",
        )
    empty = [i for i, (text, _, _) in enumerate(options) if not text]
    if empty:
        return Problem(block.line, f"answer {empty[0] + 1} has no text")
    equals = [i for i in starts if answers[i] == "="]
    if len(equals) > 1:
        return Problem(
            block.line,
            "more than one answer is marked = (right); for several right answers, give each "
            "a weight like ~%50%",
        )
    right = [i for i, (_, weight, _) in enumerate(options) if weight > 0]
    if equals:
        right = [starts.index(equals[0])]
    if not right:
        return Problem(
            block.line,
            "no answer is marked right: mark one with = or give right ones a positive %weight%",
        )
    letters = [chr(ord("A") + i) for i in right]
    fields["options"] = [text for text, _, _ in options]
    if len(right) == 1:
        fields.update(type="single", answer=letters[0])
    else:
        fields.update(type="multiple", answer=letters)
    explanation = general or next((fb for _, w, fb in (options[i] for i in right) if fb), None)
    if explanation:
        fields["explanation"] = explanation
    # Keep key order readable: type first.
    ordered: dict[str, Any] = {
        k: fields[k]
        for k in ("type", "category", "stem", "options", "answer", "explanation")
        if k in fields
    }
    return Draft(block.line, ordered, title)
