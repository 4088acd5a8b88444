"""Where attempts and answers are kept: SQLite by default, PostgreSQL for a hall of kiosks.

Every finished (or walked-away-from) session is written in one transaction, and
``record`` returns only after the database has made it durable: SQLite runs in WAL mode
with ``synchronous=FULL`` (a commit survives a crash of the process or of the machine),
PostgreSQL with its default synchronous commit. Several kiosks may share one SQLite file
on one machine; the busy timeout makes a writer wait for another instead of failing.

Times are stored as naive UTC; leaderboards cut days and weeks in the hall's local time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal, TypedDict, cast

import numpy as np
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    false,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from exhibit.quiz.attempt import AttemptRecord
from exhibit.quiz.draw import History
from exhibit.quiz.nickname import NICKNAME_MAX, clean_nickname
from exhibit.quiz.stats import Responses
from exhibit.spec.errors import ExhibitError

#: The default database, relative to the content root (hall.yaml's quiz.db default).
DEFAULT_URL = "sqlite:///var/quiz.sqlite3"
#: How long a writer waits for another kiosk's transaction on a shared SQLite file.
BUSY_TIMEOUT_S = 10.0

Period = Literal["day", "week"]

metadata = MetaData()

attempts = Table(
    "quiz_attempt",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("bank", String(64), nullable=False),
    Column("kiosk", String(64), nullable=False),
    Column("lang", String(16), nullable=False),
    Column("nickname", String(NICKNAME_MAX), nullable=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=False),
    Column("completed", Boolean, nullable=False),
    Column("score", Integer, nullable=False),
    Column("max_score", Integer, nullable=False),
    Column("correct", Integer, nullable=False),
    Column("asked", Integer, nullable=False),
    Column("questions", Text, nullable=False),  # drawn question ids, comma-separated
    # played in the accessible mode (no time limit): ranked apart from the timed attempts
    Column("accessible", Boolean, nullable=False, server_default=false()),
    Index("ix_quiz_attempt_kiosk", "kiosk", "bank", "id"),
    Index("ix_quiz_attempt_board", "bank", "completed", "finished_at"),
)

answers = Table(
    "quiz_answer",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "attempt_id", Integer, ForeignKey("quiz_attempt.id", ondelete="CASCADE"), nullable=False
    ),
    Column("bank", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("shown_order", String(16), nullable=False),
    Column("chosen", String(16), nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("credit", Float, nullable=False),
    Column("points", Integer, nullable=False),
    Column("max_points", Integer, nullable=False),
    Column("elapsed", Float, nullable=True),
    Column("timed_out", Boolean, nullable=False),
    Column("shown_at", DateTime, nullable=False),
    Column("answered_at", DateTime, nullable=False),
    Index("ix_quiz_answer_attempt", "attempt_id"),
    Index("ix_quiz_answer_question", "bank", "question_id"),
)


class StoreError(ExhibitError):
    """The quiz database could not be reached or written."""


@dataclass(frozen=True)
class BoardRow:
    rank: int
    nickname: str
    score: int
    max_score: int
    correct: int
    asked: int
    finished_at: datetime  # UTC
    attempt_id: int


def resolve_url(url: str | None, root: Path) -> str:
    """A database URL with a relative SQLite path taken from the content root.

    ``postgresql://`` without a driver means psycopg 3 (the only one installed).
    """
    url = url or DEFAULT_URL
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ExhibitError(
            f"'{url}' is not a database URL; use sqlite:///var/quiz.sqlite3 or "
            "postgresql+psycopg://user@host/db"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not path.is_absolute():
            parsed = parsed.set(database=str(root / path))
    return parsed.render_as_string(hide_password=False)


def _utc_naive(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def period_start(period: Period, now: datetime, tz: tzinfo | None = None) -> datetime:
    """Start of today (or of this week, Monday) in the hall's time zone, as aware UTC."""
    local = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(tz)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        start -= timedelta(days=start.weekday())
    elif period != "day":
        raise ExhibitError(f"unknown leaderboard period '{period}'; use day or week")
    return start.astimezone(UTC)


class BoardQuery(TypedDict, total=False):
    """The options of a leaderboard query (:meth:`QuizStore.leaderboard`)."""

    bank: str | None
    now: datetime | None
    tz: tzinfo | None
    limit: int
    include: int | None
    accessible: bool


class QuizStore:
    """Attempts, answers, leaderboards and history, in one SQL database."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        safe = make_url(url).render_as_string(hide_password=True)
        self._shown_url = safe
        try:
            self.engine = _engine(url)
            if create:
                metadata.create_all(self.engine)
                _add_accessible_column(self.engine)
        except SQLAlchemyError as exc:
            reason = _reason(exc)
            hint = _folder_hint(url) if re.search(r"unable to open|read-?only", reason) else ""
            raise StoreError(f"cannot open the quiz database {safe}: {reason}{hint}") from None
        except OSError as exc:  # its folder cannot be made (read-only disk, permissions)
            where = exc.filename or safe
            raise StoreError(
                f"cannot open the quiz database {safe}: {where}: {exc.strerror or exc}"
                f"{_folder_hint(url)}"
            ) from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> QuizStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise StoreError(
                f"quiz database {self._shown_url}: cannot {doing}: {_reason(exc)}"
            ) from None

    # -- writing --------------------------------------------------------------------------
    def record(self, attempt: AttemptRecord) -> int:
        """Write an attempt with its answers; returns its id once it is durable."""
        row = {
            "bank": attempt.bank,
            "kiosk": attempt.kiosk[:64],
            "lang": attempt.lang[:16],
            "nickname": clean_nickname(attempt.nickname),
            "started_at": _utc_naive(attempt.started_at),
            "finished_at": _utc_naive(attempt.finished_at),
            "completed": attempt.completed,
            "score": attempt.score,
            "max_score": attempt.max_score,
            "correct": attempt.correct,
            "asked": len(attempt.answers),
            "questions": ",".join(attempt.questions),
            "accessible": attempt.accessible,
        }
        with self._errors("record an attempt"), self.engine.begin() as conn:
            attempt_id = int(cast(Sequence[Any], conn.execute(attempts.insert(), row).inserted_primary_key)[0])
            if attempt.answers:
                conn.execute(
                    answers.insert(),
                    [
                        {
                            "attempt_id": attempt_id,
                            "bank": attempt.bank,
                            "position": a.position,
                            "question_id": a.question_id,
                            "shown_order": a.shown_order,
                            "chosen": a.chosen,
                            "correct": a.correct,
                            "credit": a.credit,
                            "points": a.points,
                            "max_points": a.max_points,
                            "elapsed": a.elapsed,
                            "timed_out": a.timed_out,
                            "shown_at": _utc_naive(a.shown_at),
                            "answered_at": _utc_naive(a.answered_at),
                        }
                        for a in attempt.answers
                    ],
                )
        return attempt_id

    def set_nickname(self, attempt_id: int, nickname: str | None) -> str | None:
        """Put a (cleaned) nickname on a finished attempt; returns what was stored."""
        clean = clean_nickname(nickname)
        with self._errors("save the nickname"), self.engine.begin() as conn:
            conn.execute(update(attempts).where(attempts.c.id == attempt_id).values(nickname=clean))
        return clean

    # -- reading --------------------------------------------------------------------------
    def attempt(self, attempt_id: int) -> dict[str, Any] | None:
        with self._errors("read an attempt"), self.engine.connect() as conn:
            row = (
                conn.execute(select(attempts).where(attempts.c.id == attempt_id)).mappings().first()
            )
            return dict(row) if row else None

    def answers_of(self, attempt_id: int) -> list[dict[str, Any]]:
        with self._errors("read answers"), self.engine.connect() as conn:
            rows = conn.execute(
                select(answers)
                .where(answers.c.attempt_id == attempt_id)
                .order_by(answers.c.position)
            ).mappings()
            return [dict(r) for r in rows]

    def history(self, bank: str, kiosk: str, sessions: int) -> History:
        """How often each question was shown, and what the last ``sessions`` here asked."""
        with self._errors("read the history"), self.engine.connect() as conn:
            shown: dict[str, int] = dict(
                conn.execute(
                    select(answers.c.question_id, func.count())
                    .where(answers.c.bank == bank)
                    .group_by(answers.c.question_id)
                ).all()
            )
            recent: set[str] = set()
            if sessions > 0:
                for (ids,) in conn.execute(
                    select(attempts.c.questions)
                    .where(attempts.c.kiosk == kiosk, attempts.c.bank == bank)
                    .order_by(attempts.c.id.desc())
                    .limit(sessions)
                ):
                    recent.update(i for i in ids.split(",") if i)
        return History({str(k): int(v) for k, v in shown.items()}, frozenset(recent))

    def leaderboard(
        self,
        period: Period,
        *,
        bank: str | None = None,
        now: datetime | None = None,
        tz: tzinfo | None = None,
        limit: int = 10,
        include: int | None = None,
        accessible: bool = False,
    ) -> list[BoardRow]:
        """The best nicknamed, completed attempts of today or this week; the timed ones, or with
        ``accessible`` those played in the accessible mode (a ranking of their own).

        Ties share a rank (1, 1, 3) and are listed earliest first. ``include`` adds that
        attempt's row after the top ``limit`` when it is on the board but not among them,
        so a visitor always finds their own nickname.
        """
        now = now or datetime.now(UTC)
        start = _utc_naive(period_start(period, now, tz))
        conditions = [
            attempts.c.completed.is_(True),
            attempts.c.nickname.is_not(None),
            attempts.c.finished_at >= start,
            attempts.c.accessible.is_(accessible),
        ]
        if bank is not None:
            conditions.append(attempts.c.bank == bank)
        columns = (
            attempts.c.id,
            attempts.c.nickname,
            attempts.c.score,
            attempts.c.max_score,
            attempts.c.correct,
            attempts.c.asked,
            attempts.c.finished_at,
        )
        order = (attempts.c.score.desc(), attempts.c.finished_at, attempts.c.id)
        with self._errors("read the leaderboard"), self.engine.connect() as conn:
            rows = conn.execute(
                select(*columns).where(*conditions).order_by(*order).limit(limit)
            ).all()
            out: list[BoardRow] = []
            for i, r in enumerate(rows):
                rank = out[-1].rank if out and out[-1].score == r.score else i + 1
                out.append(
                    BoardRow(
                        rank,
                        r.nickname,
                        r.score,
                        r.max_score,
                        r.correct,
                        r.asked,
                        r.finished_at,
                        r.id,
                    )
                )
            if include is not None and all(row.attempt_id != include for row in out):
                mine = conn.execute(
                    select(*columns).where(*conditions, attempts.c.id == include)
                ).first()
                if mine is not None:
                    better = conn.execute(
                        select(func.count())
                        .select_from(attempts)
                        .where(*conditions, attempts.c.score > mine.score)
                    ).scalar_one()
                    out.append(
                        BoardRow(
                            int(better) + 1,
                            mine.nickname,
                            mine.score,
                            mine.max_score,
                            mine.correct,
                            mine.asked,
                            mine.finished_at,
                            mine.id,
                        )
                    )
        return out

    def responses(self, bank: str, since: datetime | None = None) -> Responses:
        """Every answer of the bank's completed attempts (finished at or after ``since``, when
        given), as arrays for the statistics.

        Read through the driver's own cursor: building a result row object for each of
        hundreds of thousands of answers would take longer than the statistics.
        """
        query = (
            select(
                answers.c.attempt_id, answers.c.position, answers.c.question_id, answers.c.credit
            )
            .join(attempts, attempts.c.id == answers.c.attempt_id)
            .where(attempts.c.bank == bank, attempts.c.completed.is_(True))
        )
        if since is not None:
            query = query.where(attempts.c.finished_at >= _utc_naive(since))
        compiled = query.compile(dialect=self.engine.dialect)
        params: Any = compiled.params
        if compiled.positional:
            params = tuple(compiled.params[name] for name in compiled.positiontup or ())
        with self._errors("read the answers"), self.engine.connect() as conn:
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(str(compiled), params)
                rows: Sequence[Any] = cursor.fetchall()
            finally:
                cursor.close()
        if not rows:
            return Responses.empty()
        attempt_ids, positions, qids, credits = zip(*rows, strict=True)
        index: dict[str, int] = {}
        codes = [index.setdefault(q, len(index)) for q in qids]
        n = len(rows)
        return Responses(
            attempt=np.fromiter(attempt_ids, np.int64, n),
            position=np.fromiter(positions, np.int64, n),
            question=np.fromiter(codes, np.int64, n),
            mark=np.fromiter(credits, np.float64, n),
            names=tuple(str(q) for q in index),
        )

    def counts(self) -> tuple[int, int]:
        """(attempts, answers) in the database."""
        with self._errors("count attempts"), self.engine.connect() as conn:
            n_attempts = conn.execute(select(func.count()).select_from(attempts)).scalar_one()
            n_answers = conn.execute(select(func.count()).select_from(answers)).scalar_one()
        return int(n_attempts), int(n_answers)

    def day_summary(self, now: datetime | None = None, tz: tzinfo | None = None) -> tuple[int, float | None]:
        """Today's attempts (in the hall's local day) and their mean score as a share of the
        most each could score (None before the first)."""
        since = _utc_naive(period_start("day", now or datetime.now(UTC), tz))
        share = func.avg(attempts.c.score * 1.0 / func.nullif(attempts.c.max_score, 0))
        with self._errors("count today's attempts"), self.engine.connect() as conn:
            row = conn.execute(
                select(func.count(), share).select_from(attempts).where(attempts.c.finished_at >= since)
            ).one()
        return int(row[0]), (None if row[1] is None else float(row[1]))

    def kiosks_today(self, now: datetime | None = None, tz: tzinfo | None = None) -> list[KioskDay]:
        """Each kiosk that finished a round today (the hall's local day), by name: how many, and
        when the last one finished; a kiosk missing here, or long silent, may need a look."""
        since = _utc_naive(period_start("day", now or datetime.now(UTC), tz))
        query = (
            select(attempts.c.kiosk, func.count(), func.max(attempts.c.finished_at))
            .where(attempts.c.finished_at >= since)
            .group_by(attempts.c.kiosk)
            .order_by(attempts.c.kiosk)
        )
        with self._errors("count today's rounds per kiosk"), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [KioskDay(str(k), int(n), last.replace(tzinfo=UTC)) for k, n, last in rows]


@dataclass(frozen=True)
class KioskDay:
    """One kiosk's (or the phones') rounds today and when its last one finished (aware UTC)."""

    kiosk: str
    rounds: int
    last: datetime


def _add_accessible_column(engine: Engine) -> None:
    """A database made before the accessible mode gets its column (every old attempt was timed)."""
    if "accessible" in {c["name"] for c in inspect(engine).get_columns(attempts.name)}:
        return
    with engine.begin() as conn:
        conn.execute(text(f"ALTER TABLE {attempts.name} ADD COLUMN accessible BOOLEAN NOT NULL DEFAULT FALSE"))


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        cursor.execute("PRAGMA synchronous=FULL")  # a commit is on disk before it returns
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _folder_hint(url: str) -> str:
    """What to do when a SQLite file's folder cannot be written."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return ""
    return (
        f"; make {Path(parsed.database).parent} writable for this user, or set quiz.db in "
        "hall.yaml (or --db) to a database that is"
    )


def _reason(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
