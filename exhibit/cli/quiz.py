"""``exhibit quiz``: the touch-screen kiosk, a terminal quiz, imports and item statistics."""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "quiz",
        help="the party-knowledge quiz: kiosk, terminal play, import, statistics, phone QR code",
        description="Run the quiz kiosk, play a quiz in the terminal, import question files "
        "or report item statistics.",
    )
    actions = p.add_subparsers(dest="quiz_action", metavar="ACTION")
    _add_kiosk(actions)
    _add_play(actions)
    _add_import(actions)
    _add_stats(actions)
    _add_qr(actions)
    p.set_defaults(run=run, quiz_parser=p)


def _bank_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bank", help="question bank (default: hall.yaml's quiz.bank, or the only bank)")


def _add_kiosk(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    k = actions.add_parser(
        "kiosk",
        help="the full-screen touch kiosk",
        description="Run the touch-screen quiz kiosk (full screen; Esc quits).",
    )
    _bank_option(k)
    k.add_argument(
        "--db", help="database URL (default: hall.yaml's quiz.db, sqlite:///var/quiz.sqlite3)"
    )
    k.add_argument(
        "--kiosk-id", default="kiosk", help="this kiosk's name, for fair draws per kiosk"
    )
    k.add_argument("--window", action="store_true", help="a window instead of full screen")
    k.add_argument("--size", default=None, help="window size WxH (default: the hall display size)")


def _add_play(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pl = actions.add_parser(
        "play",
        help="a quiz in the terminal",
        description="Play a quiz in the terminal: the question and lettered options on "
        "stdout, one answer per line on stdin (A, AC, T/F), score at the end.",
    )
    pl.add_argument("--text", action="store_true", help="text mode (the only mode of 'quiz play')")
    _bank_option(pl)
    pl.add_argument(
        "--count",
        type=int,
        default=None,
        help="number of questions (default: hall.yaml's quiz.questions)",
    )
    pl.add_argument(
        "--seed", type=int, default=None, help="random seed: the same seed asks the same questions"
    )
    pl.add_argument("--lang", default=None, help="language (default: the hall's first language)")
    pl.add_argument(
        "--db", help="database URL for the attempt (default: hall.yaml's quiz.db, like the kiosk)"
    )
    pl.add_argument(
        "--no-record",
        action="store_true",
        help="do not store the attempt (by default it counts in 'quiz stats' like a kiosk's)",
    )


def _add_import(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    im = actions.add_parser(
        "import",
        help="import GIFT, Aiken, CSV or XLSX questions",
        description="Import a question file (Moodle GIFT, Aiken, CSV or XLSX with columns "
        "题型, 题干, 选项A..选项H, 答案, 解析, 难度, 分类) into a bank YAML. Bad "
        "items are reported with their line or row; the rest are imported.",
    )
    im.add_argument("file", help="the file to import (.gift, .txt, .csv, .xlsx)")
    im.add_argument("-o", "--output", required=True, help="the bank to write, e.g. quiz/NAME.yaml")
    im.add_argument(
        "--format",
        choices=("gift", "aiken", "csv", "xlsx"),
        help="the file's format (default: by extension)",
    )
    im.add_argument(
        "--status", choices=("ready", "draft"), default="ready", help="status of imported questions"
    )
    im.add_argument("--force", action="store_true", help="replace the output file if it exists")


def _add_stats(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    st = actions.add_parser(
        "stats",
        help="per-question facility and discrimination, per-bank reliability",
        description="Item statistics over completed attempts, computed as Moodle does.",
    )
    _bank_option(st)
    st.add_argument("--db", help="database URL (default: hall.yaml's quiz.db)")
    st.add_argument(
        "--csv", dest="csv_path", help="also write the table as CSV (UTF-8 with BOM, for Excel)"
    )
    st.add_argument("--lang", default=None, help="language of the question stems in the CSV")


def _add_qr(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    qr = actions.add_parser(
        "qr",
        help="the QR code that opens the quiz on visitors' phones, for print",
        description="Write the QR code of the phone quiz (ADDRESS/quiz) as PNG or SVG.",
    )
    qr.add_argument("-o", "--output", required=True, help="the image to write: NAME.png or NAME.svg")
    qr.add_argument(
        "--url", help="the hall's address as phones reach it (default: hall.yaml's remote: http: url:)"
    )


def run(args: argparse.Namespace) -> int:
    from exhibit.spec.errors import ExhibitError

    action = getattr(args, "quiz_action", None)
    if action is None:
        args.quiz_parser.print_help()
        return 2
    if action == "play":
        if not args.text:
            raise ExhibitError(
                "'quiz play' needs --text (the touch-screen quiz is 'exhibit quiz kiosk')"
            )
        return _play(args)
    if action == "import":
        return _import(args)
    if action == "stats":
        return _stats(args)
    if action == "qr":
        return _qr(args)
    return _kiosk(args)


def _qr(args: argparse.Namespace) -> int:
    from exhibit.hall.web.qr import quiz_url, save_qr
    from exhibit.spec.errors import ExhibitError
    from exhibit.spec.project import Project

    base = args.url
    if base is None:
        hall = Project.at(args.root).load_hall().model
        base = hall.remote.http.url if hall is not None and hall.remote.http is not None else None
    if base is None:
        raise ExhibitError(
            "the QR code needs the hall's address as phones reach it: give --url http://HOST:PORT "
            "or set remote: http: url: in hall.yaml"
        )
    url = quiz_url(base)
    path = save_qr(url, Path(args.output))
    print(f"wrote {path}: {url}")
    return 0


def _play(args: argparse.Namespace) -> int:
    from exhibit.quiz.banks import bank_name, load_bank
    from exhibit.quiz.draw import DrawRequest
    from exhibit.quiz.session import start_session
    from exhibit.quiz.terminal import play_text
    from exhibit.spec.errors import ExhibitError
    from exhibit.spec.project import Project

    project = Project.at(args.root)
    hall = project.load_hall().model
    bank = load_bank(project, bank_name(project, args.bank, hall))
    count = args.count if args.count is not None else (hall.quiz.questions if hall else 5)
    if count < 1:
        raise ExhibitError(f"--count must be at least 1, got {count}")
    lang = args.lang or (hall.languages[0] if hall else bank.languages[0])
    spool = None
    if not args.no_record:
        from exhibit.quiz.cue import open_spool

        spool = open_spool(project, args.db, warn=_warn)
    session = start_session(
        bank,
        DrawRequest(count=count),
        rng=random.Random(args.seed),
        lang=lang,
        kiosk="terminal",
        sink=spool,
    )
    play_text(session, iter(sys.stdin), sys.stdout, lang)
    if spool is not None:
        spool.close()
        if spool.waiting:
            kept = (
                f"it waits in {spool.spill_path} and is stored by the next quiz that can write the database"
                if spool.on_disk and spool.spill_path is not None
                else "it is not counted in 'quiz stats'"
            )
            raise ExhibitError(f"the attempt could not be stored ({spool.problem}); {kept}")
    return 0


def _warn(message: str) -> None:
    print(f"exhibit: warning: {message}", file=sys.stderr)


def _import(args: argparse.Namespace) -> int:
    from exhibit.cli.common import print_diagnostics
    from exhibit.quiz.importer import import_file, to_yaml
    from exhibit.spec.errors import ExhibitError
    from exhibit.spec.project import Project

    project = Project.at(args.root)
    source = Path(args.file)
    out = Path(args.output)
    if not source.exists():
        raise ExhibitError(f"no such file: {source}")
    if out.exists() and not args.force:
        raise ExhibitError(f"{out} exists; add --force to replace it")
    if out.suffix in (".yaml", ".yml") and out.parent.resolve() == project.quiz_dir.resolve():
        conflict = project.bank_conflict(out, out.stem)
        if conflict is not None:
            raise ExhibitError(
                f"{out} would define the bank '{out.stem}', which {conflict[1]} defines already; "
                "choose another name with -o, or replace that file (with --force)"
            )
    result = import_file(source, args.format, shown_as=str(args.file), status=args.status)
    print_diagnostics(result.diagnostics)
    if not result.questions:
        raise ExhibitError(f"no question could be imported from {source}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(to_yaml(result, out.stem, source.name), encoding="utf-8")
    loaded = project.load_bank(out)
    errors = [d for d in loaded.diagnostics if d.is_error]
    if errors:  # never expected: every question was checked on its own
        print_diagnostics(errors)
        return 1
    print(
        f"imported {len(result.questions)} question(s) from {source} ({result.format}) into {out}; "
        f"{result.skipped} skipped",
        file=sys.stderr,
    )
    return 1 if result.skipped else 0


def _stats(args: argparse.Namespace) -> int:
    from exhibit.quiz.banks import bank_name
    from exhibit.quiz.cue import open_store
    from exhibit.quiz.stats import COLUMNS, analyse, summary_lines, table_rows, to_csv
    from exhibit.spec.project import Project

    project = Project.at(args.root)
    hall = project.load_hall().model
    name = bank_name(project, args.bank, hall)
    lang = args.lang or (hall.languages[0] if hall else "zh")
    stems: dict[str, str] = {}
    path = project.bank_names().get(name)
    if path is not None:
        loaded = project.load_bank(path)
        if loaded.model is not None:
            stems = {q.id: q.stem.get(lang) or "" for q in loaded.model.questions}
    with open_store(project, args.db) as store:
        stats = analyse(store.responses(name))
    rows = table_rows(stats, stems)
    widths = [
        max(len(COLUMNS[i]), *(len(r[i]) for r in rows)) if rows else len(COLUMNS[i])
        for i in range(7)
    ]
    print("  ".join(c.ljust(w) for c, w in zip(COLUMNS[:7], widths, strict=True)).rstrip())
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r[:7], widths, strict=True)).rstrip())
    for line in summary_lines(name, stats):
        print(line)
    if args.csv_path:
        Path(args.csv_path).write_bytes(to_csv(name, stats, stems))
        print(f"wrote {args.csv_path}", file=sys.stderr)
    return 0


def _kiosk(args: argparse.Namespace) -> int:
    from exhibit.quiz.banks import bank_name, load_bank
    from exhibit.quiz.cue import open_spool
    from exhibit.render.kiosk import kiosk_settings, require_display, run_kiosk
    from exhibit.render.qr_card import hall_quiz_url
    from exhibit.spec.errors import ExhibitError
    from exhibit.spec.project import Project

    require_display()  # before anything is opened or created
    project = Project.at(args.root)
    hall = project.load_hall().model
    bank = load_bank(project, bank_name(project, args.bank, hall))
    size = None
    if args.size:
        try:
            w, h = (int(v) for v in args.size.lower().split("x"))
        except ValueError:
            raise ExhibitError(f"--size '{args.size}' is not WxH, like 1920x1080") from None
        size = (w, h)
    elif hall is not None:
        size = hall.display.size
    settings = kiosk_settings(hall, args.kiosk_id)
    # Finished rounds wait in memory and on disk while the database is out (full disk,
    # read-only): the kiosk goes on asking, and writes them when it can.
    spool = open_spool(project, args.db, warn=_warn)
    try:
        run_kiosk(bank, settings, spool, fullscreen=not args.window, size=size, quiz_url=hall_quiz_url(hall))
    finally:
        spool.close()
        if spool.waiting:
            _warn(f"{spool.waiting} finished round(s) could not be stored: {spool.problem}")
    return 0
