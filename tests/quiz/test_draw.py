import random
from collections import Counter

import pytest

from exhibit.quiz.draw import DrawRequest, History, draw, quotas, shuffled_order
from exhibit.spec.errors import ExhibitError
from exhibit.spec.quiz import Bank, Question


def make_bank(n: int, difficulties: list[int] | None = None) -> Bank:
    qs = []
    for i in range(n):
        qs.append(
            Question(
                id=f"q{i}",
                stem=f"Q{i}",
                options=["a", "b", "c", "d"],
                answer="A",
                difficulty=(difficulties[i] if difficulties else 2),
                tags=["even" if i % 2 == 0 else "odd"],
                category="cat_a" if i < n // 2 else "cat_b",
            )
        )
    return Bank(bank="b", questions=qs)


def test_only_ready_questions_of_the_category_and_tags(bank: Bank) -> None:
    got = draw(bank, DrawRequest(count=10, tags=("long_march",)), History(), random.Random(1))
    assert {q.id for q in got} == {"zunyi_year", "luding"}
    got = draw(bank, DrawRequest(count=10, category="建党"), History(), random.Random(1))
    assert {q.id for q in got} == {"boat", "founding_year", "two_cities"}
    got = draw(bank, DrawRequest(count=10), History(), random.Random(1))
    assert "draft_one" not in {q.id for q in got}


def test_no_matching_questions_is_a_clear_error(bank: Bank) -> None:
    with pytest.raises(ExhibitError, match="bank 'demo' has no ready questions with tags nothing"):
        draw(bank, DrawRequest(count=2, tags=("nothing",)), History(), random.Random(1))


def test_least_shown_first() -> None:
    bank = make_bank(6)
    shown = {"q0": 5, "q1": 5, "q2": 0, "q3": 1, "q4": 5, "q5": 2}
    got = draw(bank, DrawRequest(count=3), History(shown=shown), random.Random(7))
    assert {q.id for q in got} == {"q2", "q3", "q5"}


def test_none_repeated_from_recent_sessions_even_if_less_shown() -> None:
    bank = make_bank(6)
    history = History(
        shown={"q0": 0, "q1": 0, "q2": 9, "q3": 9, "q4": 9, "q5": 9}, recent=frozenset({"q0", "q1"})
    )
    got = draw(bank, DrawRequest(count=3), history, random.Random(3))
    assert not {q.id for q in got} & {"q0", "q1"}


def test_recent_questions_only_fill_a_bank_too_small() -> None:
    bank = make_bank(4)
    history = History(shown={"q0": 3, "q1": 1}, recent=frozenset({"q0", "q1", "q2"}))
    got = [q.id for q in draw(bank, DrawRequest(count=3), history, random.Random(3))]
    assert sorted(got) == ["q1", "q2", "q3"]  # q3 is fresh; then the least shown of the recent ones


def test_repeated_draws_at_one_kiosk_cover_the_bank_evenly() -> None:
    bank = make_bank(20)
    shown: Counter[str] = Counter()
    recent: list[set[str]] = []
    rng = random.Random(11)
    for _ in range(40):
        got = draw(
            bank, DrawRequest(count=5), History(dict(shown), frozenset().union(*recent[-3:])), rng
        )
        ids = {q.id for q in got}
        assert len(ids) == 5
        for earlier in recent[-3:]:
            assert not ids & earlier
        recent.append(ids)
        shown.update(ids)
    assert set(shown.values()) == {10}  # 40 sessions x 5 = 200 showings over 20 questions, 10 each


def test_difficulty_mix() -> None:
    bank = make_bank(12, [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3])
    got = draw(bank, DrawRequest(count=5, mix={1: 2, 2: 2, 3: 1}), History(), random.Random(5))
    assert Counter(q.difficulty for q in got) == {1: 2, 2: 2, 3: 1}
    assert [q.difficulty for q in got] == sorted(q.difficulty for q in got)  # easiest first


def test_difficulty_mix_made_up_from_nearest_levels() -> None:
    bank = make_bank(6, [1, 2, 2, 2, 5, 5])
    got = draw(bank, DrawRequest(count=4, mix={1: 3, 2: 1}), History(), random.Random(5))
    assert Counter(q.difficulty for q in got) == {1: 1, 2: 3}


def test_quotas_split_by_largest_remainder() -> None:
    assert quotas(5, {1: 1, 2: 1, 3: 1}) == {1: 2, 2: 2, 3: 1}
    assert quotas(10, {1: 0.5, 3: 0.5}) == {1: 5, 3: 5}
    assert sum(quotas(7, {1: 3, 2: 2, 4: 2}).values()) == 7


def test_options_are_shuffled_but_true_false_keeps_its_order(bank: Bank) -> None:
    orders = {shuffled_order(bank.question("two_cities"), random.Random(s)) for s in range(30)}  # type: ignore[arg-type]
    assert len(orders) > 5 and all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert shuffled_order(bank.question("zunyi_year"), random.Random(1)) == (0, 1)  # type: ignore[arg-type]


def test_two_questions_on_one_fact_are_never_drawn_into_one_session() -> None:
    bank = make_bank(12, difficulties=[1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3])
    facts = ["year", "year", "month", "month", "who", "who", "where", None, None, "what", "what", "why"]
    questions = [q.model_copy(update={"fact": f}) for q, f in zip(bank.questions, facts, strict=True)]
    bank = Bank(bank="b", questions=questions)
    for seed in range(60):
        for mix in (None, {1: 2, 2: 2, 3: 1}):
            got = draw(bank, DrawRequest(count=5, mix=mix), History(), random.Random(seed))
            named = [q.fact for q in got if q.fact is not None]
            assert len(got) == 5 and len(named) == len(set(named)), [q.id for q in got]


def test_a_pool_with_fewer_facts_than_asked_for_gives_a_shorter_session() -> None:
    bank = make_bank(4)
    bank = Bank(bank="b", questions=[q.model_copy(update={"fact": "same"}) for q in bank.questions])
    got = draw(bank, DrawRequest(count=3), History(recent=frozenset({"q0", "q1"})), random.Random(2))
    assert len(got) == 1


def test_the_bundled_scene_and_kiosk_draws_never_repeat_a_fact() -> None:
    from pathlib import Path

    from exhibit.spec.project import Project

    root = Path(__file__).resolve().parents[2]
    party = Project.at(root).load_bank(root / "quiz" / "party_history.yaml").model
    assert party is not None
    requests = [DrawRequest(count=2, tags=(tag,)) for tag in ("nanhu", "long_march", "fushanhou", "dujiang")]
    requests.append(DrawRequest(count=5, mix={1: 2, 2: 2, 3: 1}))
    for request in requests:
        for seed in range(40):
            got = draw(party, request, History(), random.Random(seed))
            assert len(got) == request.count
            assert len({q.fact for q in got}) == len(got), [q.id for q in got]
