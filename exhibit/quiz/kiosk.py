"""The touch-screen kiosk as a state machine, with no drawing in it.

Screens: attract (a loop of pages while nobody plays) -> question -> feedback -> ... ->
result (score, nickname entry) -> board (today's and this week's leaderboard). The
view (``exhibit.render.kiosk``) draws :meth:`Kiosk.screen` and forwards touches as
:meth:`Kiosk.press`; a timer calls :meth:`Kiosk.tick`. Times are seconds on any
monotonic clock, given by the caller, so tests run a whole visit in microseconds.

Walk-away handling: after ``idle_after`` seconds without a touch during a round, a
warning counts down at least 20 s (``CONTINUE_MIN_S``); a touch continues, otherwise the
round is stored as not completed and the kiosk returns to the attract loop.
"""

from __future__ import annotations

import enum
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from exhibit.quiz.attempt import AttemptRecord
from exhibit.quiz.draw import DrawRequest, History
from exhibit.quiz.nickname import NICKNAME_MAX, clean_nickname
from exhibit.quiz.phrases import LANGUAGE_NAMES, phrase
from exhibit.quiz.scoring import Scoring
from exhibit.quiz.session import Feedback, QuizSession, start_session, utc_now
from exhibit.quiz.store import BoardRow, Period
from exhibit.spec.errors import ExhibitError
from exhibit.spec.quiz import Bank

log = logging.getLogger(__name__)

#: Smallest touch target, in pixels at 1080p (Apple HIG and WCAG 2.5.5: 44 x 44 CSS px).
MIN_TARGET_PX = 44
#: A visitor always gets at least this long to answer "still there?".
CONTINUE_MIN_S = 20.0
#: Keys of the on-screen keyboard for nicknames (no names asked, so no IME needed).
KEYS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#: Today's best shown on the result screen, above the keyboard.
RESULT_BOARD_ROWS = 3


class Phase(enum.StrEnum):
    ATTRACT = "attract"
    QUESTION = "question"
    FEEDBACK = "feedback"
    RESULT = "result"
    BOARD = "board"


@dataclass(frozen=True)
class KioskSettings:
    count: int = 5
    time_limit: float | None = 20.0
    scoring: Scoring = Scoring("timed")
    idle_after: float = 60.0
    continue_for: float = CONTINUE_MIN_S
    attract_page_s: float = 8.0
    board_s: float = 45.0
    recent_sessions: int = 3
    kiosk_id: str = "kiosk"
    languages: tuple[str, ...] = ("zh", "en")
    category: str | None = None
    tags: tuple[str, ...] = ()
    mix: dict[int, float] | None = None
    board_size: int = 8

    def __post_init__(self) -> None:
        if self.continue_for < CONTINUE_MIN_S:
            raise ExhibitError(
                f"visitors need at least {CONTINUE_MIN_S:g} s to continue, "
                f"got {self.continue_for:g}"
            )
        if not self.languages:
            raise ExhibitError("a kiosk needs at least one language")


class KioskStore(Protocol):
    def record(self, attempt: AttemptRecord) -> int: ...
    def set_nickname(self, attempt_id: int, nickname: str | None) -> str | None: ...
    def history(self, bank: str, kiosk: str, sessions: int) -> History: ...
    def leaderboard(
        self,
        period: Period,
        *,
        bank: str | None = None,
        now: datetime | None = None,
        limit: int = 10,
        include: int | None = None,
        accessible: bool = False,
    ) -> list[BoardRow]: ...


@dataclass(frozen=True)
class Button:
    id: str
    label: str
    role: str  # start | option | primary | secondary | key | lang
    state: str = "normal"  # normal | selected | correct | missed | wrong | disabled


@dataclass(frozen=True)
class BoardView:
    title: str
    rows: tuple[str, ...]
    highlight: int | None = None  # the visitor's row


@dataclass(frozen=True)
class Screen:
    """Everything a screen shows, as text; the view only lays it out."""

    phase: Phase
    lang: str
    heading: str = ""
    title: str = ""
    lines: tuple[str, ...] = ()
    buttons: tuple[Button, ...] = ()
    boards: tuple[BoardView, ...] = ()
    entry: str | None = None  # the nickname typed so far
    timed: bool = False
    page: int = 0
    warning: bool = False
    accessible: bool = False  # no time limit, larger type, high contrast, read aloud

    def button(self, button_id: str) -> Button:
        for b in self.buttons:
            if b.id == button_id:
                return b
        raise KeyError(button_id)

    def texts(self) -> list[str]:
        out = [t for t in (self.heading, self.title, *self.lines) if t]
        out += [b.label for b in self.buttons]
        for board in self.boards:
            out += [board.title, *board.rows]
        if self.entry is not None:
            out.append(self.entry)
        return out


@dataclass
class _Round:
    session: QuizSession
    started: float  # when the current question appeared
    selected: set[int] = field(default_factory=set)
    feedback: Feedback | None = None


class Kiosk:
    def __init__(
        self,
        bank: Bank,
        settings: KioskSettings = KioskSettings(),
        store: KioskStore | None = None,
        *,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] = utc_now,
        now: float = 0.0,
    ) -> None:
        self.bank = bank
        self.settings = settings
        self.store = store
        self.rng = rng or random.Random()
        self.clock = clock
        self.lang = settings.languages[0]
        self.accessible = False  # the accessible mode, chosen on the attract screen
        self.phase = Phase.ATTRACT
        self.version = 0  # bumped whenever the screen changes (not for running timers)
        self.round: _Round | None = None
        self.nickname = ""
        self.attempt_id: int | None = None
        self.saved_nickname: str | None = None
        self.boards: tuple[BoardView, ...] = ()
        self.board_error = False
        self.fact: str | None = None
        self._since = now  # when the phase began
        self._last_input = now
        self._warning_since: float | None = None
        self._page = 0
        self._screen: Screen | None = None

    # -- input ----------------------------------------------------------------------------
    def press(self, button_id: str, now: float) -> bool:
        """A touch on a button; returns whether it did something."""
        self._last_input = now
        if self._warning_since is not None:
            self._warning_since = None  # the touch that answers "still there?" does nothing else
            self._changed()
            return True
        if button_id == "access" and self.phase == Phase.ATTRACT:
            self.accessible = not self.accessible
            self._changed()
            return True
        if button_id == "lang":
            langs = self.settings.languages
            self.lang = (
                langs[(langs.index(self.lang) + 1) % len(langs)] if self.lang in langs else langs[0]
            )
            if self.phase in (Phase.BOARD, Phase.RESULT) or (
                self.phase == Phase.ATTRACT and self._page == 1
            ):
                self._load_boards(include=self.attempt_id if self.phase == Phase.BOARD else None)
            self._changed()
            return True
        handler = {
            Phase.ATTRACT: self._press_attract,
            Phase.QUESTION: self._press_question,
            Phase.FEEDBACK: self._press_feedback,
            Phase.RESULT: self._press_result,
            Phase.BOARD: self._press_board,
        }[self.phase]
        done = handler(button_id, now)
        if done:
            self._changed()
        return done

    def tick(self, now: float) -> None:
        """Let time pass: question timers, attract pages, idle warning and reset."""
        if self.phase == Phase.ATTRACT:
            page = int(max(0.0, now - self._since) // self.settings.attract_page_s) % 3
            if page != self._page:
                self._page = page
                if page == 1:
                    self._load_boards(include=None)
                elif page == 2:
                    self.fact = self._pick_fact()
                self._changed()
            return
        if self.phase == Phase.QUESTION and self.round is not None:
            current = self.round.session.current
            if (
                current is not None
                and current.time_limit is not None
                and now - self.round.started >= current.time_limit
            ):
                self.round.feedback = self.round.session.time_out()
                self._enter(Phase.FEEDBACK, now)
        if self.phase == Phase.BOARD:
            if now - self._last_input >= self.settings.board_s:
                self.reset(now)
            return
        if self._warning_since is None:
            if now - self._last_input >= self.settings.idle_after:
                self._warning_since = now
                self._changed()
        elif now - self._warning_since >= self.settings.continue_for:
            self.reset(now)

    def reset(self, now: float) -> None:
        """Back to the attract loop; a round in progress is stored as not completed."""
        if self.round is not None and not self.round.session.recorded:
            self._store_round()
        self.round = None
        self.nickname = ""
        self.attempt_id = None
        self.saved_nickname = None
        self.lang = self.settings.languages[0]
        self.accessible = False  # the next visitor starts from the usual quiz
        self._warning_since = None
        self._page = 0
        self._enter(Phase.ATTRACT, now)

    # -- queries for the view -------------------------------------------------------------
    def timer(self, now: float) -> tuple[float, float] | None:
        """(seconds left, limit) while a timed question is on screen."""
        if self.phase != Phase.QUESTION or self.round is None:
            return None
        current = self.round.session.current
        if current is None or current.time_limit is None:
            return None
        return max(0.0, current.time_limit - (now - self.round.started)), current.time_limit

    def warning_left(self, now: float) -> float | None:
        if self._warning_since is None:
            return None
        return max(0.0, self.settings.continue_for - (now - self._warning_since))

    def screen(self) -> Screen:
        if self._screen is None:
            self._screen = self._build_screen()
        return self._screen

    # -- phases ---------------------------------------------------------------------------
    def start(self, lang: str, now: float) -> None:
        self.lang = lang
        history = History()
        name = self.bank.bank or "bank"
        if self.store is not None:
            try:
                history = self.store.history(
                    name, self.settings.kiosk_id, self.settings.recent_sessions
                )
            except ExhibitError as exc:
                log.warning("quiz history unavailable: %s", exc)
        s = self.settings
        request = DrawRequest(count=s.count, category=s.category, tags=s.tags, mix=s.mix)
        session = start_session(
            self.bank,
            request,
            history=history,
            rng=self.rng,
            scoring=Scoring("fixed", s.scoring.points) if self.accessible else s.scoring,
            time_limit=None if self.accessible else s.time_limit,
            kiosk=s.kiosk_id,
            lang=lang,
            sink=self.store,
            clock=self.clock,
        )
        session.accessible = self.accessible
        session.show()
        self.round = _Round(session, now)
        self.nickname = ""
        self.attempt_id = None
        self.saved_nickname = None
        self._enter(Phase.QUESTION, now)

    def _press_attract(self, button_id: str, now: float) -> bool:
        if button_id.startswith("start:"):
            lang = button_id.split(":", 1)[1]
            self.start(lang if lang in self.settings.languages else self.settings.languages[0], now)
            return True
        return False

    def _press_question(self, button_id: str, now: float) -> bool:
        assert self.round is not None
        current = self.round.session.current
        if current is None:
            return False
        if button_id.startswith("opt:"):
            k = int(button_id[4:])
            if not 0 <= k < len(current.order):
                return False
            if current.multiple:
                self.round.selected ^= {k}
                return True
            return self._answer((k,), now)
        if button_id == "submit" and current.multiple and self.round.selected:
            return self._answer(tuple(self.round.selected), now)
        return False

    def _answer(self, chosen: Sequence[int], now: float) -> bool:
        assert self.round is not None
        self.round.feedback = self.round.session.answer(chosen, now - self.round.started)
        self._enter(Phase.FEEDBACK, now)
        return True

    def _press_feedback(self, button_id: str, now: float) -> bool:
        assert self.round is not None
        if button_id != "next":
            return False
        session = self.round.session
        if session.advance() is not None:
            session.show()
            self.round.started = now
            self.round.selected = set()
            self.round.feedback = None
            self._enter(Phase.QUESTION, now)
        else:
            self._store_round()
            self._enter(Phase.RESULT, now)
        return True

    def _press_result(self, button_id: str, now: float) -> bool:
        if button_id.startswith("key:"):
            if len(self.nickname) < NICKNAME_MAX:
                self.nickname += button_id[4:]
            return True
        if button_id == "back":
            self.nickname = self.nickname[:-1]
            return True
        if button_id == "save" and clean_nickname(self.nickname):
            if self.store is not None and self.attempt_id is not None:
                try:
                    self.saved_nickname = self.store.set_nickname(self.attempt_id, self.nickname)
                except ExhibitError as exc:
                    log.warning("nickname not saved: %s", exc)
            self._enter(Phase.BOARD, now)
            return True
        if button_id == "skip":
            self._enter(Phase.BOARD, now)
            return True
        return False

    def _press_board(self, button_id: str, now: float) -> bool:
        if button_id == "again":
            self.start(self.lang, now)
            return True
        if button_id == "home":
            self.reset(now)
            return True
        return False

    def _store_round(self) -> None:
        assert self.round is not None
        try:
            self.attempt_id = self.round.session.finish()
            self.board_error = False
        except ExhibitError as exc:
            log.warning("quiz attempt not stored: %s", exc)
            self.attempt_id = None
            self.board_error = True

    def _enter(self, phase: Phase, now: float) -> None:
        self.phase = phase
        self._since = now  # idle time still counts from the last touch, not from here
        self._warning_since = None
        if phase == Phase.BOARD:
            self._load_boards(include=self.attempt_id if self.saved_nickname else None)
        elif phase == Phase.RESULT:
            self._load_boards(include=None)  # today's best, to aim for
        self._changed()

    def _changed(self) -> None:
        self.version += 1
        self._screen = None

    def _load_boards(self, include: int | None) -> None:
        if self.store is None:
            self.boards = ()
            return
        views = []
        periods: tuple[tuple[Period, str], ...] = (("day", "board_day"), ("week", "board_week"))
        try:
            for period, key in periods:
                rows = self.store.leaderboard(
                    period, bank=self.bank.bank, limit=self.settings.board_size, include=include,
                    accessible=self.accessible,
                )
                texts = tuple(
                    phrase("board_row", self.lang, rank=r.rank, nickname=r.nickname, score=r.score)
                    for r in rows
                )
                mine = next(
                    (
                        i
                        for i, r in enumerate(rows)
                        if include is not None and r.attempt_id == include
                    ),
                    None,
                )
                views.append(
                    BoardView(
                        phrase(key, self.lang) + (phrase("board_accessible", self.lang) if self.accessible else ""),
                        texts or (phrase("board_empty", self.lang),),
                        mine,
                    )
                )
            self.board_error = False
        except ExhibitError as exc:
            log.warning("leaderboard unavailable: %s", exc)
            self.board_error = True
        self.boards = tuple(views)

    def _pick_fact(self) -> str | None:
        explained = [q for q in self.bank.ready() if q.explanation is not None]
        if not explained:
            return None
        return self.rng.choice(explained).explanation.get(self.lang)  # type: ignore[union-attr]

    # -- screens --------------------------------------------------------------------------
    def _next_language_name(self) -> str:
        """The language button names the language a touch switches to, in that language."""
        langs = self.settings.languages
        following = langs[(langs.index(self.lang) + 1) % len(langs)] if self.lang in langs else langs[0]
        return LANGUAGE_NAMES.get(following) or phrase("language", self.lang)

    def _build_screen(self) -> Screen:
        lang = self.lang
        lang_button = Button("lang", self._next_language_name(), "lang")
        title = self.bank.title.get(lang) if self.bank.title else None
        quiz_title = title or phrase("quiz_title", lang)
        base = Screen(self.phase, lang, warning=self._warning_since is not None, accessible=self.accessible)
        if self.phase == Phase.ATTRACT:
            starts = tuple(
                Button(
                    f"start:{code}",
                    phrase("start", code),  # each language invites in its own words
                    "start",
                )
                for code in self.settings.languages
            ) + (Button("access", phrase("accessible_on" if self.accessible else "accessible", lang), "access"),)
            if self._page == 1 and self.boards:
                return replace(
                    base, title=quiz_title, boards=self.boards[:1], buttons=starts, page=1
                )
            if self._page == 2 and self.fact:
                return replace(
                    base,
                    title=phrase("did_you_know", lang),
                    lines=(self.fact,),
                    buttons=starts,
                    page=2,
                )
            return replace(
                base, title=quiz_title, lines=(phrase("invite", lang),), buttons=starts, page=0
            )
        if self.phase in (Phase.QUESTION, Phase.FEEDBACK):
            return self._question_screen(base, lang_button)
        if self.phase == Phase.RESULT:
            assert self.round is not None
            session = self.round.session
            keys = tuple(Button(f"key:{ch}", ch, "key") for ch in KEYS)
            can_save = bool(clean_nickname(self.nickname))
            return replace(
                base,
                title=phrase("result_title", lang),
                lines=(
                    phrase(
                        "result_line",
                        lang,
                        correct=session.correct_count,
                        total=len(session.questions),
                        score=session.score,
                    ),
                    phrase("nickname_prompt", lang),
                ),
                entry=self.nickname,
                boards=tuple(replace(b, rows=b.rows[:RESULT_BOARD_ROWS]) for b in self.boards[:1]),
                buttons=(
                    *keys,
                    Button("back", phrase("backspace", lang), "secondary"),
                    Button(
                        "save",
                        phrase("save", lang),
                        "primary",
                        "normal" if can_save else "disabled",
                    ),
                    Button("skip", phrase("skip", lang), "secondary"),
                    lang_button,
                ),
            )
        lines: tuple[str, ...] = ()
        if self.board_error:
            lines = (phrase("board_unavailable", lang),)
        return replace(
            base,
            title=phrase("board_title", lang),
            lines=lines,
            boards=self.boards,
            buttons=(
                Button("again", phrase("again", lang), "primary"),
                Button("home", phrase("home", lang), "secondary"),
                lang_button,
            ),
        )

    def _question_screen(self, base: Screen, lang_button: Button) -> Screen:
        assert self.round is not None
        lang = self.lang
        session = self.round.session
        feedback = self.round.feedback
        presented = feedback.presented if feedback is not None else session.current
        assert presented is not None
        heading = (
            f"{phrase('question_of', lang, n=presented.position + 1, total=len(session.questions))}"
            f" · {phrase(f'kind_{presented.kind}', lang)}"
        )
        options = []
        right = set(presented.correct_shown())
        for k, (letter, text) in enumerate(
            zip(presented.letters(), presented.options(lang), strict=True)
        ):
            state = "normal"
            if feedback is None:
                state = "selected" if k in self.round.selected else "normal"
            elif k in right:
                state = "correct" if k in feedback.chosen else "missed"
            elif k in feedback.chosen:
                state = "wrong"
            options.append(Button(f"opt:{k}", f"{letter}. {text}", "option", state))
        if feedback is None:
            buttons = list(options)
            if presented.multiple:
                buttons.append(
                    Button(
                        "submit",
                        phrase("submit", lang),
                        "primary",
                        "normal" if self.round.selected else "disabled",
                    )
                )
            buttons.append(lang_button)
            return replace(
                base,
                heading=heading,
                title=presented.stem(lang),
                buttons=tuple(buttons),
                timed=presented.time_limit is not None,
            )
        if feedback.timed_out:
            verdict = phrase("timed_out", lang)
        elif feedback.correct:
            verdict = f"{phrase('correct', lang)} {phrase('points', lang, points=feedback.points)}"
        elif feedback.credit > 0:
            verdict = f"{phrase('partly', lang)} {phrase('points', lang, points=feedback.points)}"
        else:
            verdict = phrase("wrong", lang)
        lines = [verdict, phrase("answer_is", lang, letters=feedback.answer_letters())]
        if feedback.explanation is not None:
            lines.append(phrase("explanation", lang, text=feedback.explanation.get(lang) or ""))
        last = session.last
        next_button = Button("next", phrase("see_result" if last else "next", lang), "primary")
        return replace(
            base,
            heading=heading,
            title=presented.stem(lang),
            lines=tuple(lines),
            buttons=(*options, next_button, lang_button),
        )
