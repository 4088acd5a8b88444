"""How the questions of one bank overlap: the bank checks that need every pair of questions.

A visitor answers several questions in a row, so a bank must not let one question answer
another, ask the same thing twice, or reuse the same wrong options everywhere. Three
warnings, each located at the later question of the pair:

- near-duplicate stems: the sets of tokens of two stems (Chinese, Japanese or Korean
  characters in pairs, English words) overlap more than :data:`NEAR_DUPLICATE` (Jaccard
  similarity) in every language the bank has;
- a giveaway: a stem holds another question's correct option together with that
  question's subject (a run of :data:`SUBJECT_CHARS` Chinese characters, kana or Hangul,
  or :data:`SUBJECT_WORDS` English words, of the other stem that is not the answer);
- an option (the same text) offered by :data:`SHARED_OPTION` or more questions of
  different topics (their ``category``): a wrong option from another topic's world is
  easy to rule out.

Questions with the same ``fact`` are alternatives for one fact and are never drawn into
one session together, so their stems may overlap and answer each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exhibit.spec.errors import Diagnostic, Severity
from exhibit.spec.quiz import Bank, Question
from exhibit.spec.source import Document

#: share of tokens two stems may have in common before they count as the same question
NEAR_DUPLICATE = 0.7
#: Chinese characters in a row of a stem that name what the stem is about
SUBJECT_CHARS = 4
#: English words in a row (not counting small words) that name what a stem is about
SUBJECT_WORDS = 3
#: questions of more than one topic offering one option before it is flagged
SHARED_OPTION = 3

#: languages written without spaces between words, or (Korean) with particles joined to the
#: words: their stems are compared by characters, not by words
_BY_CHARACTER = frozenset({"zh", "ja", "ko"})
_CJK_CHARS = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"  # kana, Chinese characters, Hangul
_CJK = re.compile(f"[{_CJK_CHARS}]")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SMALL = frozenset(
    "a an the of in on at to by for from and or was were is are did does do which what who whom "
    "when where how many much this that these those it its his her their with as be been into "
    "first one two".split()
)


_PUNCTUATION = frozenset("，。？！、：；“”《》（）·—")


@dataclass(frozen=True)
class _Text:
    """One stem in one language, prepared once for comparing with every other stem."""

    lang: str
    text: str  # zh, ja, ko: as written; en: its words, small words left out, in " a b c " form
    tokens: frozenset[str]
    subjects: tuple[str, ...]  # runs that could name the stem's subject

    @classmethod
    def of(cls, lang: str, text: str) -> _Text:
        if lang in _BY_CHARACTER:
            chars = [c for c in text if not c.isspace() and c not in _PUNCTUATION]
            runs = re.findall(f"[{_CJK_CHARS}]+", text)
            if lang == "ko":  # the last word is the predicate ("...했을까요?"), alike in every stem
                runs = runs[:-1]
            subjects = tuple(r[i : i + SUBJECT_CHARS] for r in runs for i in range(len(r) - SUBJECT_CHARS + 1))
            return cls(lang, text, frozenset(a + b for a, b in zip(chars, chars[1:], strict=False)), subjects)
        words = [w for w in _WORD.findall(text.lower()) if w not in _SMALL]
        subjects = tuple(" ".join(words[i : i + SUBJECT_WORDS]) for i in range(len(words) - SUBJECT_WORDS + 1))
        return cls(lang, f" {' '.join(words)} ", frozenset(words), subjects)

    def holds(self, phrase: str) -> bool:
        return phrase in self.text if self.lang in _BY_CHARACTER else f" {phrase} " in self.text


def _stems(q: Question, languages: list[str]) -> list[_Text]:
    return [_Text.of(lang, q.stem.get(lang) or "") for lang in languages if q.stem.has(lang)]


def _answers(q: Question, lang: str) -> list[str]:
    """The correct options' texts in ``lang`` as a stem would hold them (none for true/false)."""
    if q.type == "truefalse" or not q.options:
        return []
    out = []
    for i in q.correct_indices():
        if i < len(q.options):
            text = (q.options[i].get(lang) or "").strip()
            if lang in _BY_CHARACTER:
                text = text.rstrip("年년")  # "1926年" is found in "1926年6月" and in "1926"
            else:
                text = " ".join(w for w in _WORD.findall(text.lower()) if w not in _SMALL)
            if len(text) >= 2 or _CJK.search(text):
                out.append(text)
    return out


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two token sets (0 when both are empty)."""
    shared = len(a & b)
    union = len(a) + len(b) - shared
    return shared / union if union else 0.0


def _least_similarity(mine: list[_Text], theirs: list[_Text]) -> float:
    """The lowest similarity over the languages both stems have (0 when they share none);
    stops as soon as one language is under :data:`NEAR_DUPLICATE`."""
    least = 1.0
    compared = False
    for a in mine:
        for b in theirs:
            if a.lang == b.lang:
                least = min(least, similarity(a.tokens, b.tokens))
                compared = True
                if least <= NEAR_DUPLICATE:
                    return least
    return least if compared else 0.0


def check_overlap(bank: Bank, doc: Document) -> list[Diagnostic]:
    """Warnings for near-duplicate stems, giveaways and options shared across topics."""
    out: list[Diagnostic] = []
    questions = bank.questions

    def warn(i: int, where: tuple[str | int, ...], message: str) -> None:
        out.append(Diagnostic(Severity.WARNING, message, doc.locate(("questions", i, *where))))

    def line(j: int) -> int:
        return doc.locate(("questions", j, "id")).line

    stems = [_stems(q, bank.languages) for q in questions]
    answers = [{lang: texts for lang in bank.languages if (texts := _answers(q, lang))} for q in questions]
    for i, q in enumerate(questions):
        for j in range(i):
            other = questions[j]
            if _same_fact(q, other):
                continue
            shared = _least_similarity(stems[i], stems[j])
            if shared > NEAR_DUPLICATE:
                warn(
                    i,
                    ("stem",),
                    f"question '{q.id}' asks nearly what '{other.id}' (line {line(j)}) asks: "
                    f"{shared:.0%} of their stems are the same in every language; ask about a different "
                    f"fact, or give both the same 'fact' so that they are never asked together",
                )
    for a, b, lang, answer, subject in _giveaways(questions, stems, answers):
        warn(
            a,
            ("stem",),
            f"the stem of '{questions[a].id}' gives away the answer to '{questions[b].id}' (line {line(b)}): "
            f"its {lang} text has the answer '{answer}' next to '{subject}'; reword one of them, "
            f"or give both the same 'fact'",
        )
    out += _shared_options(bank, doc)
    return out


def _giveaways(
    questions: list[Question], stems: list[list[_Text]], answers: list[dict[str, list[str]]]
) -> list[tuple[int, int, str, str, str]]:
    """(a, b, language, answer, subject) for each stem ``a`` that holds question ``b``'s answer
    next to ``b``'s subject, one per pair, in the order of ``a`` then ``b``."""
    found: dict[tuple[int, int], tuple[str, str, str]] = {}
    by_lang = [{t.lang: t for t in st} for st in stems]
    for b, texts_by_lang in enumerate(answers):
        for lang, texts in texts_by_lang.items():
            for answer in texts:
                needle = answer if lang in _BY_CHARACTER else f" {answer} "
                for a, mine in enumerate(by_lang):
                    stem = mine.get(lang)
                    if stem is None or needle not in stem.text or a == b or (a, b) in found:
                        continue
                    if _same_fact(questions[a], questions[b]):
                        continue
                    subject = _subject_in(stem, by_lang[b].get(lang), answer)
                    if subject is not None:
                        found[a, b] = (lang, answer, subject)
    return [(a, b, *found[a, b]) for a, b in sorted(found)]


def _same_fact(q: Question, other: Question) -> bool:
    return q.fact is not None and q.fact == other.fact


def _subject_in(stem: _Text, theirs: _Text | None, answer: str) -> str | None:
    """The first of the other stem's subject runs (not part of the answer) that ``stem`` holds."""
    for subject in theirs.subjects if theirs is not None else ():
        if answer not in subject and subject not in answer and stem.holds(subject):
            return subject
    return None


def _shared_options(bank: Bank, doc: Document) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    users: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for i, q in enumerate(bank.questions):
        for k, opt in enumerate(q.options or []):
            for lang in bank.languages:
                text = (opt.get(lang) or "").strip()
                if text:
                    users.setdefault((lang, text), []).append((i, k))
    reported: set[tuple[int, int]] = set()
    for (lang, text), where in users.items():
        topics = {bank.questions[i].category or (bank.questions[i].tags or ["?"])[0] for i, _ in where}
        if len(where) < SHARED_OPTION or len(topics) < 2:
            continue
        names = ", ".join(f"'{bank.questions[i].id}'" for i, _ in where)
        for i, k in where[SHARED_OPTION - 1 :]:
            if (i, k) in reported:
                continue
            reported.add((i, k))
            out.append(
                Diagnostic(
                    Severity.WARNING,
                    f"option '{text}' ({lang}) is offered by {len(where)} questions of {len(topics)} topics "
                    f"({names}); give each question wrong options of the same kind as its own answer",
                    doc.locate(("questions", i, "options", k)),
                )
            )
    return out
