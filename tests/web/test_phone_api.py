"""The phone quiz's API under the rules the kiosk plays by, and against replayed or forged answers."""

from __future__ import annotations

import time
from typing import Any

import pytest

from exhibit.quiz.store import QuizStore
from tests.hall.live import LiveHall
from tests.web.client import Client


def correct_choice(hall: LiveHall, question: dict[str, Any]) -> list[int]:
    """The shown positions of the right options, worked out from the bank as a visitor would."""
    from exhibit.quiz.banks import load_bank

    bank = load_bank(hall.control.project, "demo")
    asked = next(q for q in bank.questions if (q.stem.get("en") or "") == question["stem"]
                 or (q.stem.get("zh") or "") == question["stem"])
    from exhibit.quiz.session import correct_indices

    right = {(asked.options or [])[i].get("en") for i in correct_indices(asked)} if asked.options else None
    if right is None:  # true/false: 0 is true
        return [0 if asked.answer is True else 1]
    return [k for k, text in enumerate(question["options"]) if text in right]


def play_round(phone: Client, hall: LiveHall, lang: str = "en", accessible: bool = False) -> dict[str, Any]:
    code, reply = phone.json("POST", "/quiz/api/start", {"lang": lang, "accessible": accessible})
    assert code == 200, reply
    round_id = reply["round"]
    while reply["question"] is not None:
        q = reply["question"]
        code, reply = phone.json("POST", "/quiz/api/answer",
                                 {"round": round_id, "position": q["position"], "chosen": correct_choice(hall, q)})
        assert code == 200 and reply["feedback"]["correct"], reply
    return {**reply, "round": round_id}


def stored(hall: LiveHall) -> list[dict[str, Any]]:
    with QuizStore(f"sqlite:///{hall.root / 'var' / 'quiz.sqlite3'}") as store:
        n, _ = store.counts()
        return [a for i in range(1, n + 1) if (a := store.attempt(i)) is not None]


def test_a_round_on_a_phone_is_stored_like_a_kiosk_round(web: LiveHall) -> None:
    phone = Client(web.http.port).phone()
    done = play_round(phone, web)
    assert (done["finished"], done["correct"], done["score"] > 0) == (True, 3, True)
    code, reply = phone.json("POST", "/quiz/api/nickname", {"round": done["round"], "nickname": "  Red Star  "})
    assert (code, reply["nickname"]) == (200, "Red Star")
    [attempt] = stored(web)
    assert (attempt["kiosk"], attempt["completed"], attempt["score"], attempt["nickname"]) == (
        "phone", True, done["score"], "Red Star")
    assert attempt["accessible"] is False
    code, board = Client(web.http.port).json("GET", "/api/board?lang=en")
    assert code == 200 and board["attempts_today"] == 1
    assert [r["nickname"] for r in board["ranking"]] == ["Red Star"]


def test_a_second_answer_another_phones_round_and_a_late_answer_are_refused(public_web: LiveHall) -> None:
    phone, stranger = Client(public_web.http.port).phone(), Client(public_web.http.port).phone()
    code, reply = phone.json("POST", "/quiz/api/start", {"lang": "en"})
    round_id, first = reply["round"], reply["question"]
    assert first["time_limit"] == 1
    answer = {"round": round_id, "position": 0, "chosen": [0]}
    assert stranger.json("POST", "/quiz/api/answer", answer)[0] == 403
    code, reply = phone.json("POST", "/quiz/api/answer", answer)
    assert code == 200 and reply["question"]["position"] == 1
    code, replayed = phone.json("POST", "/quiz/api/answer", answer)
    assert (code, replayed["error"]) == (409, "question 0 is not the open question")
    time.sleep(2.7)  # past the 1 s limit and the network's grace
    code, late = phone.json("POST", "/quiz/api/answer", {**answer, "position": 1})
    assert (code, late["error"]) == (409, "the time for this question is up")
    assert late["state"]["question"]["position"] == 2  # the round goes on with the next question
    reasons = [r["reason"] for r in public_web.journal("quiz_refused")]
    assert reasons == ["unknown_round", "replayed_answer", "late_answer"]


BAD_BODIES = [
    ("/quiz/api/start", {"lang": "fr"}, "lang must be one of zh, en, not 'fr'"),
    ("/quiz/api/start", {"lang": "zh", "accessible": "yes"}, "accessible must be true or false"),
    ("/quiz/api/answer", {"round": 5, "position": 0, "chosen": [0]}, "no such round on this phone; start a new one"),
    ("/quiz/api/answer", {"round": None}, "no such round on this phone; start a new one"),
    ("/quiz/api/nickname", {"round": "x" * 5000}, "the body must be JSON of at most 4096 bytes"),
    ("/quiz/api/start", [1, 2], "the body must be a JSON object"),
]


@pytest.mark.parametrize(("path", "body", "error"), BAD_BODIES)
def test_bad_input_is_a_clear_400_or_403_never_a_500(web: LiveHall, path: str, body: Any, error: str) -> None:
    phone = Client(web.http.port).phone()
    code, reply = phone.json("POST", path, body)
    assert 400 <= code < 500 and reply == {"ok": False, "error": error}


def test_malformed_answers_to_an_open_round(web: LiveHall) -> None:
    phone = Client(web.http.port).phone()
    round_id = phone.json("POST", "/quiz/api/start", {"lang": "zh"})[1]["round"]
    for body, error in [
        ({"position": "0", "chosen": [0]}, "position must be the question's number, not '0'"),
        ({"position": 0, "chosen": []}, "chosen must be a list of the option numbers picked (0 is the first)"),
        ({"position": 0, "chosen": [True]}, "chosen must be a list of the option numbers picked (0 is the first)"),
        ({"position": 0, "chosen": [9]}, "choose among options 1..4, got [10]"),
        ({"position": 0, "chosen": [0], "timeout": "no"}, "timeout must be true or false"),
    ]:
        code, reply = phone.json("POST", "/quiz/api/answer", {"round": round_id, **body})
        assert code == 400, reply
        if "choose among" not in error:
            assert reply["error"] == error
    assert phone.json("POST", "/quiz/api/answer", raw=b"{not json")[0] == 400
    assert Client(web.http.port).json("POST", "/quiz/api/start", {"lang": "zh"}) == (
        400, {"ok": False, "error": "open /quiz first: this phone has no quiz cookie"})


def test_one_phone_cannot_crowd_out_the_rest(web: LiveHall) -> None:
    greedy, other = Client(web.http.port).phone(), Client(web.http.port).phone()
    codes = [greedy.json("POST", "/quiz/api/start", {"lang": "zh"})[0] for _ in range(20)]
    assert codes.count(200) <= 13 and codes[-1] == 429
    assert other.json("POST", "/quiz/api/start", {"lang": "zh"})[0] == 200


def test_the_accessible_round_is_untimed_read_aloud_and_ranked_apart(web: LiveHall) -> None:
    phone = Client(web.http.port).phone()
    code, reply = phone.json("POST", "/quiz/api/start", {"lang": "en", "accessible": True})
    assert code == 200 and reply["question"]["time_limit"] is None and reply["accessible"] is True
    code, headers, wav = phone.request("GET", f"/quiz/api/speech?round={reply['round']}")
    if code == 503:
        pytest.skip("espeak-ng is not installed")
    assert code == 200 and headers["content-type"] == "audio/wav" and wav[:4] == b"RIFF" and len(wav) > 8000
    reader, runner = Client(web.http.port).phone(), Client(web.http.port).phone()  # each within its rate
    done = play_round(reader, web, accessible=True)
    reader.json("POST", "/quiz/api/nickname", {"round": done["round"], "nickname": "Reader"})
    timed = play_round(runner, web)
    runner.json("POST", "/quiz/api/nickname", {"round": timed["round"], "nickname": "Runner"})
    assert {a["nickname"]: a["accessible"] for a in stored(web)} == {"Reader": True, "Runner": False}
    board = Client(web.http.port).json("GET", "/api/board")[1]
    assert [r["nickname"] for r in board["ranking"]] == ["Runner"]  # the timed ranking only
    timed_round = runner.json("POST", "/quiz/api/start", {"lang": "en"})[1]
    assert runner.request("GET", f"/quiz/api/speech?round={timed_round['round']}")[0] == 409


def test_the_last_answer_does_not_wait_for_the_database_and_no_round_is_lost(web: LiveHall) -> None:
    import sqlite3
    import threading

    phone = Client(web.http.port).phone()
    play_round(phone, web)  # the database is made and open
    code, reply = phone.json("POST", "/quiz/api/start", {"lang": "en", "accessible": False})
    assert code == 200
    round_id = reply["round"]
    # Another writer holds the database for 1.5 s (a backup, a slow disk): commits wait behind it.
    db = sqlite3.connect(web.root / "var" / "quiz.sqlite3", isolation_level=None, check_same_thread=False)
    db.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.5, lambda: (db.execute("ROLLBACK"), db.close()))
    release.start()
    try:
        while reply["question"] is not None:
            q = reply["question"]
            sent = time.monotonic()
            code, reply = phone.json("POST", "/quiz/api/answer",
                                     {"round": round_id, "position": q["position"], "chosen": correct_choice(web, q)})
            took = time.monotonic() - sent
            assert code == 200 and reply["feedback"]["correct"], reply
        assert reply["finished"] and took < 0.75  # the last feedback came while the database was held
    finally:
        release.join()
    code, named = phone.json("POST", "/quiz/api/nickname", {"round": round_id, "nickname": "Late Star"})
    assert (code, named["nickname"]) == (200, "Late Star")
    assert [(a["kiosk"], a["completed"], a["nickname"]) for a in stored(web)][-1] == ("phone", True, "Late Star")
    assert len(stored(web)) == 2
