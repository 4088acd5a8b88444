"""The quiz on visitors' phones: a third view of the one quiz engine (after the kiosk and the
in-scene panel), with the same banks, draws, timing, scoring and store.

A phone gets a random device id (a cookie) when it opens ``/quiz``; a round belongs to the
device that started it. The hall keeps the time: a question's clock starts when the hall
sends it, so an answer after its time limit (plus :data:`NETWORK_GRACE`), an answer to a
question that is not the current one, a second answer, or an answer from another device is
refused and journalled. Finished rounds go through the spool like a kiosk's (written by a thread of
their own, so no answer waits for the database), under the kiosk
name ``phone``; nicknames are optional and nothing else about a visitor is kept.

The accessible mode (no time limit, larger type, high contrast, read aloud) scores a fixed
number of points per question and is ranked apart from the timed rounds, as at the kiosk.
"""

from __future__ import annotations

import queue
import random
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from exhibit.effects.journal import Journal
from exhibit.quiz.draw import DrawRequest, History
from exhibit.quiz.nickname import clean_nickname
from exhibit.quiz.scoring import Scoring
from exhibit.quiz.session import Feedback, Presented, QuizSession, start_session
from exhibit.quiz.spool import AttemptSpool
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import Hall
from exhibit.spec.quiz import Bank

KIOSK_ID = "phone"
#: Seconds an answer may take on its way from the phone (a busy Wi-Fi) past the time limit.
NETWORK_GRACE = 1.5
#: A round nobody touches for this long is stored as not completed and forgotten.
ROUND_IDLE_S = 600.0
#: Rounds in play at once; past this a new one is refused (503) until some end.
MAX_ROUNDS = 5_000
#: Recent rounds at the phones whose questions are not asked again.
RECENT_SESSIONS = 3
#: How long a nickname waits for its round to reach the database (written just after its last answer).
STORE_WAIT_S = 10.0


class QuizRefused(ExhibitError):
    """A request the quiz will not take; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, state: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.state = state


@dataclass
class PhoneRound:
    id: str
    device: str
    session: QuizSession
    lang: str
    accessible: bool
    sent_at: float  # monotonic: when the current question went out
    touched: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    stored: threading.Event = field(default_factory=threading.Event)  # the round went to the spool


def question_json(presented: Presented, lang: str, count: int) -> dict[str, Any]:
    return {
        "position": presented.position,
        "count": count,
        "stem": presented.stem(lang),
        "options": presented.options(lang),
        "letters": list(presented.letters()),
        "multiple": presented.multiple,
        "time_limit": presented.time_limit,
    }


def feedback_json(feedback: Feedback, lang: str) -> dict[str, Any]:
    explanation = feedback.explanation
    return {
        "correct": feedback.correct,
        "correct_shown": list(feedback.correct_shown),
        "chosen": list(feedback.chosen),
        "points": feedback.points,
        "timed_out": feedback.timed_out,
        "explanation": explanation.get(lang) if explanation is not None else None,
    }


class PhoneQuiz:
    """Rounds in play on phones. Thread-safe: requests arrive on the server's worker threads."""

    def __init__(self, hall: Hall, load_bank: Callable[[], Bank], spool: Callable[[], AttemptSpool],
                 journal: Journal, clock: Callable[[], float] = time.monotonic) -> None:
        self.hall = hall
        self._load_bank = load_bank
        self._bank: Bank | None = None
        self._open_spool = spool
        self._spool: AttemptSpool | None = None
        self.journal = journal
        self.clock = clock
        self.rng = random.Random()
        self.rounds: dict[str, PhoneRound] = {}
        self.refused = 0
        self._lock = threading.Lock()  # the rounds table
        self._store_lock = threading.Lock()  # the spool and bank (not thread-safe)
        # Finished rounds are written by one thread of their own: the last answer's feedback
        # does not wait for the database's commit (on disk before it returns), nor for other rounds'.
        self._finished: queue.SimpleQueue[PhoneRound | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_finished, name="exhibit-phone-rounds", daemon=True)
        self._writer.start()

    # -- the engine's pieces -------------------------------------------------------------------

    def bank(self) -> Bank:
        with self._store_lock:
            if self._bank is None:
                try:
                    self._bank = self._load_bank()
                except ExhibitError as exc:
                    raise QuizRefused(503, f"no quiz today: {str(exc).splitlines()[0]}") from None
            return self._bank

    def spool(self) -> AttemptSpool:
        if self._spool is None:
            self._spool = self._open_spool()
        return self._spool

    def close(self) -> None:
        self._finished.put(None)
        self._writer.join()  # every finished round written
        with self._lock:
            rounds, self.rounds = list(self.rounds.values()), {}
        for r in rounds:
            self._store(r)
        with self._store_lock:
            if self._spool is not None:
                self._spool.close()

    # -- a round -------------------------------------------------------------------------------

    def start(self, device: str, lang: Any, accessible: Any) -> dict[str, Any]:
        if lang not in self.hall.languages:
            raise QuizRefused(400, f"lang must be one of {', '.join(self.hall.languages)}, not {lang!r}")
        if not isinstance(accessible, bool):
            raise QuizRefused(400, "accessible must be true or false")
        self._expire()
        if len(self.rounds) >= MAX_ROUNDS:
            raise QuizRefused(503, "too many rounds in play; try again in a minute")
        bank = self.bank()
        settings = self.hall.quiz
        with self._store_lock:
            try:
                history = self.spool().history(bank.bank or "bank", KIOSK_ID, RECENT_SESSIONS)
            except ExhibitError:
                history = History()  # a quiz without history beats no quiz
            session = start_session(
                bank, DrawRequest(count=settings.questions), history=history, rng=self.rng,
                scoring=Scoring("fixed") if accessible else Scoring("timed"),
                time_limit=None if accessible else settings.time_limit, kiosk=KIOSK_ID, lang=lang,
                sink=self.spool())
        session.accessible = accessible
        session.show()
        now = self.clock()
        phone_round = PhoneRound(secrets.token_urlsafe(18), device, session, lang, accessible, now, now)
        with self._lock:
            self.rounds[phone_round.id] = phone_round
        return {"round": phone_round.id, "accessible": accessible, **self.state(phone_round)}

    def state(self, r: PhoneRound) -> dict[str, Any]:
        session = r.session
        current = session.current
        return {
            "question": question_json(current, r.lang, len(session.questions)) if current is not None else None,
            "score": session.score,
            "max_score": session.max_score,
            "correct": session.correct_count,
            "finished": session.finished,
        }

    def round_of(self, device: str, round_id: Any) -> PhoneRound:
        found = self.rounds.get(round_id) if isinstance(round_id, str) else None
        if found is None or not secrets.compare_digest(found.device, device):
            self._refuse("unknown_round", device, round_id, "no such round on this phone")
            raise QuizRefused(403, "no such round on this phone; start a new one")
        return found

    def answer(self, device: str, round_id: Any, position: Any, chosen: Any, timeout: Any = False) -> dict[str, Any]:
        r = self.round_of(device, round_id)
        if isinstance(position, bool) or not isinstance(position, int):
            raise QuizRefused(400, f"position must be the question's number, not {position!r}")
        if not isinstance(timeout, bool):
            raise QuizRefused(400, "timeout must be true or false")
        if not timeout and (not isinstance(chosen, list) or not chosen or len(chosen) > 8
                            or any(isinstance(k, bool) or not isinstance(k, int) for k in chosen)):
            raise QuizRefused(400, "chosen must be a list of the option numbers picked (0 is the first)")
        with r.lock:
            return self._settle(r, position, chosen, timeout)

    def _settle(self, r: PhoneRound, position: int, chosen: list[int], timeout: bool) -> dict[str, Any]:
        session = r.session
        current = session.current
        if current is None or position != current.position or session.answered:
            self._refuse("replayed_answer", r.device, r.id, f"question {position} is not open")
            raise QuizRefused(409, f"question {position} is not the open question", self.state(r))
        elapsed = self.clock() - r.sent_at
        r.touched = self.clock()
        limit = current.time_limit
        if timeout or (limit is not None and elapsed > limit + NETWORK_GRACE):
            feedback = session.time_out()
            if not timeout:
                self._refuse("late_answer", r.device, r.id, f"{elapsed:.1f} s for a {limit:g} s question")
                self._next(r)
                raise QuizRefused(409, "the time for this question is up", self.state(r))
        else:
            try:
                feedback = session.answer(chosen, min(elapsed, limit) if limit is not None else elapsed)
            except ExhibitError as exc:
                raise QuizRefused(400, str(exc)) from None
        reply = {"feedback": feedback_json(feedback, r.lang)}
        self._next(r)
        return {**reply, **self.state(r)}

    def _next(self, r: PhoneRound) -> None:
        if r.session.advance() is not None:
            r.session.show()
            r.sent_at = self.clock()
        else:
            self._finished.put(r)

    def nickname(self, device: str, round_id: Any, nickname: Any) -> dict[str, Any]:
        r = self.round_of(device, round_id)
        if not isinstance(nickname, str) or len(nickname) > 64:
            raise QuizRefused(400, "nickname must be text of at most 64 characters")
        if r.session.finished:
            r.stored.wait(STORE_WAIT_S)
        if not r.session.finished or r.session.attempt_id is None:
            raise QuizRefused(409, "a nickname goes on a finished round")
        with self._store_lock:
            saved = self.spool().set_nickname(r.session.attempt_id, clean_nickname(nickname))
        return {"nickname": saved}

    def spoken(self, device: str, round_id: Any) -> tuple[str, str]:
        """The open question as one text to read aloud, and its language (accessible rounds)."""
        r = self.round_of(device, round_id)
        current = r.session.current
        if not r.accessible or current is None:
            raise QuizRefused(409, "questions are read aloud in the accessible mode, while one is open")
        options = ". ".join(f"{letter}. {text}" for letter, text in zip(current.letters(), current.options(r.lang),
                                                                          strict=True))
        return f"{current.stem(r.lang)}. {options}", r.lang

    # -- housekeeping --------------------------------------------------------------------------

    def _write_finished(self) -> None:
        while (r := self._finished.get()) is not None:
            self._store(r)

    def _store(self, r: PhoneRound) -> None:
        with self._store_lock:
            try:
                r.session.finish()
            except ExhibitError as exc:
                self.journal.write("warning", warning=f"a phone round could not be stored: {exc}")
            finally:
                r.stored.set()

    def _expire(self) -> None:
        cutoff = self.clock() - ROUND_IDLE_S
        with self._lock:
            stale = [r for r in self.rounds.values() if r.touched < cutoff]
            for r in stale:
                del self.rounds[r.id]
        for r in stale:
            self._finished.put(r)

    def _refuse(self, event: str, device: str, round_id: Any, why: str) -> None:
        self.refused += 1
        self.journal.write("quiz_refused", channel="http", reason=event, device=device[:12],
                           round=str(round_id)[:32], error=why)
