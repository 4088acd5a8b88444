"""The bank checks that compare questions with each other (exhibit/spec/overlap.py).

Each bank here is small and written out in full; the giveaway pairs are the ones the bundled
bank had before it was rewritten (a stem naming the year, month or person that another
question asks for, next to what that question is about).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from exhibit.spec.errors import Severity
from exhibit.spec.overlap import similarity
from exhibit.spec.project import Project

REPO = Path(__file__).resolve().parents[2]

HEAD = """\
bank: t
title: {zh: 测试, en: Test}
questions:
"""


def question(
    qid: str,
    zh: str,
    en: str,
    options: list[tuple[str, str]] | None,
    answer: str,
    category: str = "青岛党史",
    fact: str | None = None,
    extra: str = "    explanation: {zh: 解析。, en: Why.}\n    source: test\n",
) -> str:
    out = f"  - id: {qid}\n    category: {category}\n"
    if fact:
        out += f"    fact: {fact}\n"
    if options is None:
        out += "    type: truefalse\n"
    out += f'    stem: {{zh: {zh}, en: "{en}"}}\n'
    if options is not None:
        out += "    options:\n" + "".join(f'      - {{zh: {z}, en: "{e}"}}\n' for z, e in options)
    return out + f"    answer: {answer}\n" + extra


YEARS = [("1926年", "1926"), ("1923年", "1923"), ("1935年", "1935"), ("1937年", "1937")]
PEOPLE = [("王进仁", "Wang Jinren"), ("陈振麓", "Chen Zhenlu"), ("邓恩铭", "Deng Enming")]
MONTHS = [("6月", "June"), ("8月", "August"), ("11月", "November"), ("10月", "October")]


def load(tmp_path: Path, body: str, head: str = HEAD) -> list[tuple[int, int, Severity, str]]:
    (tmp_path / "quiz").mkdir(exist_ok=True)
    (tmp_path / "quiz" / "t.yaml").write_text(head + body, encoding="utf-8")
    loaded = Project.at(tmp_path).load_bank(tmp_path / "quiz" / "t.yaml")
    assert loaded.model is not None
    return [(d.location.line, d.location.column, d.severity, d.message) for d in loaded.diagnostics if d.location]


GIVEAWAYS = (
    question(
        "fsh_year",
        "青岛第一个农村党支部——中共浮山后村支部，成立于哪一年？",
        "In which year was the CPC Fushanhou Village Branch founded?",
        YEARS,
        "A",
    )
    + question(
        "fsh_secretary",
        "1926年中共浮山后村支部成立时，书记是谁？",
        "Who was the secretary of the CPC Fushanhou Village Branch when it was founded in 1926?",
        PEOPLE,
        "A",
    )
    + question(
        "fsh_month",
        "中共浮山后村支部成立于1926年的哪一个月？",
        "In which month of 1926 was the CPC Fushanhou Village Branch founded?",
        MONTHS,
        "A",
    )
    + question(
        "committee_month",
        "中共青岛市委重新建立，是在1937年的哪一个月？",
        "In which month of 1937 was the CPC Qingdao Municipal Committee re-established?",
        MONTHS,
        "C",
    )
    + question(
        "committee_secretary",
        "1937年11月重新建立的中共青岛市委，书记是谁？",
        "Who was secretary of the CPC Qingdao Municipal Committee re-established in November 1937?",
        PEOPLE,
        "B",
    )
)


def test_the_old_giveaway_pairs_are_each_reported_at_the_stem_that_gives_the_answer_away(tmp_path: Path) -> None:
    found = [f for f in load(tmp_path, GIVEAWAYS) if "gives away" in f[3]]
    # the stems of fsh_secretary, fsh_month and committee_secretary
    assert [(line, col, sev) for line, col, sev, _ in found] == [
        (17, 11, Severity.WARNING),
        (27, 11, Severity.WARNING),
        (49, 11, Severity.WARNING),
    ]
    assert found[0][3] == (
        "the stem of 'fsh_secretary' gives away the answer to 'fsh_year' (line 4): its zh text has the "
        "answer '1926' next to '中共浮山'; reword one of them, or give both the same 'fact'"
    )
    assert "gives away the answer to 'fsh_year'" in found[1][3]
    assert "the stem of 'committee_secretary' gives away the answer to 'committee_month' (line 36)" in found[2][3]
    assert "answer '11月'" in found[2][3]


def test_questions_on_one_fact_may_answer_each_other(tmp_path: Path) -> None:
    body = GIVEAWAYS.replace("  - id: fsh_year\n", "  - id: fsh_year\n    fact: fsh_founded\n").replace(
        "  - id: fsh_month\n", "  - id: fsh_month\n    fact: fsh_founded\n"
    )
    found = [f[3] for f in load(tmp_path, body) if "gives away" in f[3]]
    assert len(found) == 2
    assert not any("'fsh_month' gives away the answer to 'fsh_year'" in m for m in found)


def test_a_true_false_stem_that_states_another_questions_answer_is_a_giveaway(tmp_path: Path) -> None:
    body = question(
        "proposer",
        "中共一大最后一天转移到南湖游船上开会，是根据谁的提议？",
        "On whose suggestion did the First Congress move to the boat on South Lake for its last day?",
        [("王会悟", "Wang Huiwu"), ("陈独秀", "Chen Duxiu"), ("李达", "Li Da")],
        "A",
        category="建党",
    ) + question(
        "proposer_tf",
        "中共一大转移到嘉兴南湖的游船上开会，是王会悟提议的。",
        "It was Wang Huiwu who proposed moving the First Congress to a boat on South Lake in Jiaxing.",
        None,
        "true",
        category="建党",
    )
    found = [f for f in load(tmp_path, body) if "gives away" in f[3]]
    assert len(found) == 1 and found[0][:2] == (17, 11)
    assert "'proposer_tf' gives away the answer to 'proposer' (line 4)" in found[0][3]


def test_near_duplicate_stems_in_every_language_are_reported_once(tmp_path: Path) -> None:
    body = (
        question(
            "a",
            "中国共产党第一次全国代表大会在哪一年召开？",
            "In which year did the First National Congress meet?",
            YEARS,
            "A",
            category="建党",
        )
        + question(
            "b",
            "中国共产党第一次全国代表大会是在哪一年召开的？",
            "In which year did the First National Congress meet?",
            YEARS,
            "A",
            category="建党",
        )
        + question(
            "c",
            "中国共产党第一次全国代表大会在哪座城市召开？",
            "In which city did the First National Congress meet?",
            [("上海", "Shanghai"), ("北京", "Beijing")],
            "A",
            category="建党",
        )
    )
    found = [f for f in load(tmp_path, body) if "asks nearly" in f[3]]
    assert [(line, col) for line, col, _, _ in found] == [(17, 11)]
    assert found[0][3].startswith("question 'b' asks nearly what 'a' (line 4) asks: ")
    assert "of their stems are the same in every language" in found[0][3]


def test_an_option_offered_by_three_questions_of_two_topics_is_reported_where_it_is_used_third(tmp_path: Path) -> None:
    places = [("嘉兴南湖", "South Lake, Jiaxing"), ("贵州遵义", "Zunyi, Guizhou"), ("甘肃会宁", "Huining, Gansu")]
    body = (
        question(
            "boat",
            "中共一大最后一天在哪里开会？",
            "Where did the First Congress meet on its last day?",
            places,
            "A",
            category="建党",
        )
        + question(
            "zunyi",
            "政治局扩大会议1935年1月在哪里召开？",
            "Where did the enlarged Politburo meet in January 1935?",
            places,
            "B",
            category="长征",
        )
        + question(
            "meet",
            "红一、红四方面军在哪里会师？",
            "Where did the First and Fourth Front Armies meet?",
            places,
            "C",
            category="长征",
        )
    )
    found = [f for f in load(tmp_path, body) if "is offered by" in f[3]]
    # the third question's options, on lines 28-30, once each (not once per language)
    assert [(line, col) for line, col, _, _ in found] == [(28, 9), (29, 9), (30, 9)]
    assert found[0][3] == (
        "option '嘉兴南湖' (zh) is offered by 3 questions of 2 topics ('boat', 'zunyi', 'meet'); "
        "give each question wrong options of the same kind as its own answer"
    )


def test_options_shared_within_one_topic_are_fine(tmp_path: Path) -> None:
    body = "".join(
        question(
            f"y{i}",
            f"第{i}个问题问的是哪一年发生的事情？",
            f"Question number {i} asks about which year?",
            YEARS,
            "A",
            category="青岛党史",
            fact=f"f{i}",
        )
        for i in range(4)
    )
    assert [f for f in load(tmp_path, body) if "is offered by" in f[3]] == []


def test_missing_explanation_and_source_are_located_warnings(tmp_path: Path) -> None:
    body = question(
        "bare", "中共青岛组建立于哪一年？", "In which year was the CPC Qingdao Group set up?", YEARS, "B", extra=""
    )
    found = load(tmp_path, body)
    assert (4, 9, Severity.WARNING, "question 'bare' has no 'source'; say where the fact comes from") in found
    assert (4, 9, Severity.WARNING, "question 'bare' has no 'explanation' to show after answering") in found


def test_similarity_is_the_jaccard_index() -> None:
    assert similarity(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert similarity(frozenset(), frozenset()) == 0.0


def test_the_bundled_bank_has_no_warnings_and_every_topic_and_level() -> None:
    loaded = Project.at(REPO).load_bank(REPO / "quiz" / "party_history.yaml")
    assert loaded.model is not None
    assert [d.message for d in loaded.diagnostics] == []
    questions = loaded.model.ready()
    assert len(questions) >= 150
    assert {q.difficulty for q in questions} == {1, 2, 3, 4, 5}
    assert all(q.fact and q.source and q.explanation for q in questions)
    categories = {q.category for q in questions}
    assert {"建党", "长征", "渡江战役", "青岛党史", "党章", "精神"} <= categories
    for tag in ("nanhu", "long_march", "fushanhou", "dujiang"):
        assert len({q.fact for q in questions if tag in q.tags}) >= 4, tag


def test_exhibit_check_prints_the_warnings_and_strict_fails_on_them(tmp_path: Path) -> None:
    (tmp_path / "quiz").mkdir()
    (tmp_path / "quiz" / "t.yaml").write_text(HEAD + GIVEAWAYS, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "exhibit", "check", "--strict", "quiz/"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "quiz/t.yaml:17:11: warning: the stem of 'fsh_secretary' gives away the answer to 'fsh_year'" in run.stdout
    assert "Traceback" not in run.stderr


def korean(qid: str, zh: str, en: str, ko: str, options: list[tuple[str, str, str]], answer: str) -> str:
    """A question in zh, en and ko (the bank's third language)."""
    lines = "".join(f'      - {{zh: {z}, en: "{e}", ko: "{k}"}}\n' for z, e, k in options)
    return (
        f"  - id: {qid}\n    category: 青岛党史\n"
        f'    stem: {{zh: {zh}, en: "{en}", ko: "{ko}"}}\n'
        f"    options:\n{lines}    answer: {answer}\n"
        "    explanation: {zh: 解析。, en: Why., ko: 해설.}\n    source: test\n"
    )


HEAD_KO = HEAD.replace("questions:", "languages: [zh, en, ko]\nquestions:")
YEARS_KO = [("1926年", "1926", "1926년"), ("1923年", "1923", "1923년"), ("1935年", "1935", "1935년")]
LAKES_KO = [("南湖", "South Lake", "난후"), ("太湖", "Lake Tai", "타이후"), ("西湖", "West Lake", "시후")]


def test_a_korean_translation_keeps_near_duplicate_stems_reported(tmp_path: Path) -> None:
    # Hangul counted as nothing made every pair 0 % alike in ko, so adding ko hid the warning
    body = korean(
        "a",
        "见证中国共产党诞生的那艘游船停在哪个湖上？",
        "On which lake did the boat that saw the birth of the Party lie?",
        "중국공산당의 탄생을 지켜본 그 유람선은 어느 호수에 떠 있었을까요?",
        LAKES_KO,
        "A",
    ) + korean(
        "b",
        "见证中国共产党诞生的那艘游船，停在哪个湖上？",
        "On which lake did the boat that saw the birth of the Party lie?",
        "중국공산당의 탄생을 지켜본 그 유람선은 어느 호수에 떠 있었나요?",
        LAKES_KO,
        "A",
    )
    found = [f for f in load(tmp_path, body, HEAD_KO) if "asks nearly" in f[3]]
    assert [(line, col) for line, col, _, _ in found] == [(17, 11)]
    assert found[0][3].startswith("question 'b' asks nearly what 'a' (line 5) asks: ")


def test_a_korean_stem_that_gives_away_an_answer_is_reported(tmp_path: Path) -> None:
    # zh and en leave the year out; only the Korean stem names it next to the branch
    body = korean(
        "fsh_year",
        "中共浮山后村支部成立于哪一年？",
        "In which year was the CPC Fushanhou Village Branch founded?",
        "중공 푸산허우촌 지부는 몇 년에 세워졌을까요?",
        YEARS_KO,
        "A",
    ) + korean(
        "fsh_secretary",
        "中共浮山后村支部的书记是谁？",
        "Who was secretary of the CPC Fushanhou Village Branch?",
        "1926년 세워진 중공 푸산허우촌 지부의 서기는 누구였을까요?",
        [("王进仁", "Wang Jinren", "왕진런"), ("陈振麓", "Chen Zhenlu", "천전루"), ("邓恩铭", "Deng Enming", "덩언밍")],
        "A",
    )
    found = [f for f in load(tmp_path, body, HEAD_KO) if "gives away" in f[3]]
    assert [(line, col) for line, col, _, _ in found] == [(17, 11)]
    assert found[0][3] == (
        "the stem of 'fsh_secretary' gives away the answer to 'fsh_year' (line 5): its ko text has the "
        "answer '1926' next to '푸산허우'; reword one of them, or give both the same 'fact'"
    )


def test_korean_stems_that_share_only_the_question_ending_give_nothing_away(tmp_path: Path) -> None:
    # "...했을까요?" ends most Korean questions; it is not what a question is about
    body = korean(
        "opened",
        "中共一大在哪座城市开幕？",
        "In which city did the First Congress open?",
        "중공 1대는 어느 도시에서 개막했을까요?",
        [("上海", "Shanghai", "상하이"), ("北京", "Beijing", "베이징"), ("广州", "Guangzhou", "광저우")],
        "A",
    ) + korean(
        "moved",
        "一大最后一天为什么转移了会场？",
        "Why did the congress move on its last day?",
        "상하이의 회의는 왜 마지막 날 장소를 이전했을까요?",
        [("会议被打断", "It was interrupted", "회의가 중단되어서"), ("天气太热", "It was hot", "날씨가 더워서")],
        "A",
    )
    assert [f for f in load(tmp_path, body, HEAD_KO) if "gives away" in f[3]] == []
