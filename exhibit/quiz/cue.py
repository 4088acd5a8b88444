"""Starting the quiz of a scene's ``quiz`` cue.

The player calls :func:`start_cue_session` when the cue fires and hands the session to
an in-world panel; the finished session is stored like a kiosk's, under the kiosk name
``scene:<scene id>`` so that a scene shown many times a day keeps varying its questions.
Scene quizzes are untimed (a visitor in a headset answers by gaze or controller) and
score a fixed number of points per question.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from exhibit.quiz.banks import load_bank
from exhibit.quiz.draw import DrawRequest, History
from exhibit.quiz.scoring import Scoring
from exhibit.quiz.session import QuizSession, start_session
from exhibit.quiz.spool import AttemptSpool
from exhibit.quiz.store import QuizStore, StoreError
from exhibit.spec.project import Project
from exhibit.spec.scene import QuizCue

#: Sessions at one place whose questions are not asked again.
RECENT_SESSIONS = 3


def store_url(project: Project, url: str | None = None) -> str:
    """The configured database: ``url``, else hall.yaml's ``quiz.db``, else var/quiz.sqlite3."""
    from exhibit.quiz.store import resolve_url

    if url is None:
        hall = project.load_hall().model
        url = hall.quiz.db if hall is not None else None
    return resolve_url(url, project.root)


def open_store(project: Project, url: str | None = None) -> QuizStore:
    """The configured store (see :func:`store_url`)."""
    return QuizStore(store_url(project, url))


def open_spool(project: Project, url: str | None = None, warn: Callable[[str], None] | None = None) -> AttemptSpool:
    """Where finished rounds go: the configured store, through a spool whose waiting
    rounds are also kept on disk (see :mod:`exhibit.quiz.spill`) while it is out."""
    from exhibit.quiz.spill import SpillFile, spill_folders

    resolved = store_url(project, url)
    return AttemptSpool(
        lambda: QuizStore(resolved), warn=warn, spill=SpillFile(spill_folders(project.root, resolved))
    )


def start_cue_session(
    project: Project,
    cue: QuizCue,
    *,
    store: QuizStore | AttemptSpool | None,
    lang: str,
    scene: str = "scene",
    rng: random.Random | None = None,
) -> QuizSession:
    """A session of ``cue.count`` questions from ``cue.bank`` with the cue's tags and category."""
    bank = load_bank(project, cue.bank)
    kiosk = f"scene:{scene}"
    history = History()
    if store is not None:
        try:
            history = store.history(bank.bank or cue.bank, kiosk, RECENT_SESSIONS)
        except StoreError:
            history = History()  # a quiz without history beats no quiz
    request = DrawRequest(count=cue.count, category=cue.category, tags=tuple(cue.tags))
    return start_session(
        bank,
        request,
        history=history,
        rng=rng,
        scoring=Scoring("fixed"),
        time_limit=None,
        kiosk=kiosk,
        lang=lang,
        sink=store,
    )
