"""The hall itself: the scheduled scenes, the effects host, the database, the disk."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from exhibit.preflight.report import Finding, Status
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project

#: journal bytes a day when none has been written yet to measure (an open day's hall
#: and effects journals, with room to spare)
JOURNAL_DAY_BYTES = 50 * 1024 * 1024
WEEK = 7
_DAY = 86400.0
_HARDWARE = ("artnet", "sacn", "osc")


def schedule_findings(project: Project, hall: Hall) -> list[Finding]:
    """Every scene the schedule or the attract loop plays exists and is built in the hall's languages."""
    from exhibit.narration import is_stale

    names = list(dict.fromkeys([n for entry in hall.schedule for n in entry.playlist] + [hall.attract or ""]))
    found: list[Finding] = []
    for name in filter(None, names):
        path = project.scene_path(name)
        if not path.exists():
            found.append(
                Finding("hall", f"scene {name}", Status.FAIL, f"scheduled but there is no {project.display(path)}")
            )
            continue
        loaded = project.load_scene(path)
        if loaded.model is None or not loaded.ok:
            found.append(Finding("hall", f"scene {name}", Status.FAIL, "has errors; run 'exhibit check'"))
            continue
        langs = [lang for lang in loaded.model.languages if lang in hall.languages] or loaded.model.languages[:1]
        stale = [lang for lang in langs if is_stale(project, path, lang)]
        if stale:
            found.append(
                Finding(
                    "hall",
                    f"scene {name}",
                    Status.FAIL,
                    f"not built in {', '.join(stale)} (voices, mix or captions missing or out of date); "
                    f"run 'exhibit narrate {name}'",
                )
            )
        else:
            found.append(Finding("hall", f"scene {name}", Status.PASS, f"built in {', '.join(langs)}"))
    return found


def effects_host_findings(hall: Hall, port: int) -> list[Finding]:
    """Whether the effects host answers, when the hall drives hardware."""
    if not any(out.kind in _HARDWARE for out in hall.outputs.values()):
        return [Finding("hall", "effects host", Status.PASS, "the hall has no effects hardware (simulated effects)")]
    from exhibit.effects.link import UdpLink

    link = UdpLink(port=port)
    try:
        started = time.monotonic()
        status = link.query(timeout=1.0)
        waited = time.monotonic() - started
    finally:
        link.close()
    if status is None:
        return [
            Finding(
                "hall",
                "effects host",
                Status.FAIL,
                f"no effects host answers on 127.0.0.1:{port}; start it ('exhibit effects serve' or 'exhibit hall')",
            )
        ]
    return [Finding("hall", "effects host", Status.PASS, f"answers on 127.0.0.1:{port} in {waited * 1000:.0f} ms")]


def database_findings(project: Project, hall: Hall) -> list[Finding]:
    """The quiz database takes a write: a table is created and dropped again."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from exhibit.quiz.store import resolve_url

    url = resolve_url(hall.quiz.db, project.root)
    shown = hall.quiz.db
    try:
        engine = create_engine(url)
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE preflight_probe (x INTEGER)"))
            conn.execute(text("INSERT INTO preflight_probe (x) VALUES (1)"))
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE preflight_probe"))
        engine.dispose()
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return [Finding("hall", "quiz database", Status.FAIL, f"{shown} does not take a write: {reason}")]
    return [Finding("hall", "quiz database", Status.PASS, f"{shown} is writable")]


def _journal_day_bytes(log_dir: Path) -> float:
    files = [p for p in log_dir.glob("*.jsonl*") if p.is_file()] if log_dir.is_dir() else []
    if not files:
        return JOURNAL_DAY_BYTES
    size = sum(p.stat().st_size for p in files)
    times = [p.stat().st_mtime for p in files]
    days = max(1.0, (max(times) - min(times)) / _DAY)
    return max(size / days, JOURNAL_DAY_BYTES / 10)


def disk_findings(project: Project) -> list[Finding]:
    """Room on the disk that holds var/ for a week of journals."""
    folder = project.var_dir
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    need = WEEK * _journal_day_bytes(folder / "log")
    mb = 1024 * 1024
    status = Status.PASS if free >= need else Status.FAIL
    return [
        Finding(
            "hall",
            "disk",
            status,
            f"{free / mb:,.0f} MB free under {project.display(folder)}; a week of journals needs about "
            f"{need / mb:,.0f} MB",
        )
    ]
