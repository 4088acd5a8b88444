"""``exhibit quiz import | play --text | stats`` as a person runs them."""

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from exhibit.cli.main import main
from exhibit.quiz.attempt import AnswerRecord, AttemptRecord
from exhibit.quiz.store import QuizStore
from exhibit.spec.project import Project
from exhibit.spec.quiz import Bank

GIFT = """\
// Party history, exported from Moodle
$CATEGORY: $course$/top/建党

::founding:: 中国共产党成立于哪一年？ {
  ~1919年
  =1921年 # 对，1921年7月。
  ~1927年
}

::cities:: 中共一大在哪两座城市举行？ {~%50%上海 ~%-100%北京 ~%50%嘉兴 ####先在上海开幕，最后一天转移到嘉兴南湖。}

::zunyi:: 遵义会议于1935年召开。 {T}

::short:: 中共一大在哪里开幕？ {=上海}
"""


def run_cli(*argv: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exhibit", *argv],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_import_gift_writes_a_bank_that_passes_check(project_root: Path) -> None:
    (project_root / "moodle.gift").write_text(GIFT, encoding="utf-8")
    proc = run_cli("quiz", "import", "moodle.gift", "-o", "quiz/imported.yaml", cwd=project_root)
    assert proc.returncode == 1  # one question skipped
    assert "moodle.gift:14:1: error: a short-answer question" in proc.stderr
    assert (
        "imported 3 question(s) from moodle.gift (gift) into quiz/imported.yaml; 1 skipped"
        in proc.stderr
    )
    check = run_cli("check", "quiz/imported.yaml", cwd=project_root)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 error(s)" in check.stderr
    bank = Project.at(project_root).load_bank(project_root / "quiz" / "imported.yaml").model
    assert bank is not None and bank.bank == "imported"
    assert [(q.id, q.type, q.answer, q.category) for q in bank.questions] == [
        ("founding", "single", "B", "建党"),
        ("cities", "multiple", ["A", "C"], "建党"),
        ("zunyi", "truefalse", True, "建党"),
    ]
    assert bank.questions[0].explanation.get("zh") == "对，1921年7月。"  # type: ignore[union-attr]
    assert bank.questions[1].explanation.get("en") == "先在上海开幕，最后一天转移到嘉兴南湖。"  # type: ignore[union-attr]


def test_import_csv_and_xlsx_then_play_them(project_root: Path) -> None:
    csv_text = (
        "题型,题干,选项A,选项B,选项C,答案,解析,难度,分类\n"
        "单选,中国共产党成立于哪一年？,1919,1921,1927,B,1921年。,1,建党\n"
        "判断,遵义会议于1935年召开。,,,,对,1935年1月。,2,长征\n"
    )
    (project_root / "bank.csv").write_bytes(csv_text.encode("gb18030"))
    proc = run_cli("quiz", "import", "bank.csv", "-o", "quiz/from_csv.yaml", cwd=project_root)
    assert proc.returncode == 0, proc.stderr
    assert (
        run_cli("check", "--strict", "quiz/from_csv.yaml", cwd=project_root).returncode == 1
    )  # no sources: warnings
    assert run_cli("check", "quiz/from_csv.yaml", cwd=project_root).returncode == 0
    args = ("quiz", "play", "--text", "--bank", "from_csv", "--count", "2", "--seed", "1")
    peek = run_cli(
        *args, cwd=project_root, stdin=""
    )  # the seed fixes the questions and their order
    ((_, options),) = _questions_and_letters(peek.stdout)
    letter = next(k for k, text in options.items() if text == "1921")
    play = run_cli(*args, cwd=project_root, stdin=f"{letter}\nT\n")
    assert play.returncode == 0, play.stderr
    assert "答题结束：答对 2 / 2 题，得分 200 / 200" in play.stdout
    # The same questions from a workbook, with a bad row reported by row and column.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in csv_text.splitlines():
        sheet.append(line.split(","))
    sheet.append(["单选", "Bad answer", "a", "b", "", "Z", "", "", ""])
    book.save(project_root / "bank.xlsx")
    proc = run_cli("quiz", "import", "bank.xlsx", "-o", "quiz/from_xlsx.yaml", cwd=project_root)
    assert proc.returncode == 1
    assert (
        "bank.xlsx:4:6: error: cannot read the answer 'Z': expected letters among A..B"
        in proc.stderr
    )
    assert run_cli("check", "quiz/from_xlsx.yaml", cwd=project_root).returncode == 0
    imported = (project_root / "quiz" / "from_xlsx.yaml").read_text(encoding="utf-8")
    assert imported.count("- id: ") == 2 and "answer: true" in imported


def test_import_refuses_to_overwrite_and_reports_nothing_importable(project_root: Path) -> None:
    (project_root / "x.gift").write_text("Only an essay {}\n", encoding="utf-8")
    proc = run_cli("quiz", "import", "x.gift", "-o", "quiz/demo.yaml", cwd=project_root)
    assert (
        proc.returncode == 1 and "quiz/demo.yaml exists; add --force to replace it" in proc.stderr
    )
    proc = run_cli("quiz", "import", "x.gift", "-o", "quiz/x.yaml", cwd=project_root)
    assert proc.returncode == 1
    assert "x.gift:1:1: error: an essay question" in proc.stderr
    assert "exhibit: error: no question could be imported from x.gift" in proc.stderr
    assert not (project_root / "quiz" / "x.yaml").exists()
    assert "Traceback" not in proc.stderr


def _questions_and_letters(stdout: str) -> list[tuple[str, dict[str, str]]]:
    """Each printed question's stem with its options by letter."""
    out = []
    for block in re.split(r"\n\[\d+/\d+\] [^\n]*\n", stdout)[1:]:
        lines = block.splitlines()
        options = dict(re.findall(r"^  ([A-HTF])\. (.*)$", block, re.M))
        out.append((lines[0], options))
    return out


def test_play_text_exactly_as_the_cli_spec_says(project_root: Path) -> None:
    # First run: learn which questions and option orders seed 5 gives, answering nonsense then giving up.
    first = run_cli(
        "quiz",
        "play",
        "--text",
        "--count",
        "5",
        "--seed",
        "5",
        "--lang",
        "en",
        cwd=project_root,
        stdin="",
    )
    assert first.returncode == 0
    ((stem, options),) = _questions_and_letters(first.stdout)
    assert "Finished: 0 of 5 right, 0 of 500 points" in first.stdout
    # The same seed asks the same first question in the same order.
    second = run_cli(
        "quiz",
        "play",
        "--text",
        "--count",
        "5",
        "--seed",
        "5",
        "--lang",
        "en",
        cwd=project_root,
        stdin="",
    )
    assert second.stdout == first.stdout
    assert stem and options


def test_play_text_answers_every_question_right(project_root: Path, bank: Bank) -> None:
    stems = {q.stem.get("en"): q for q in bank.ready()}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "exhibit",
            "quiz",
            "play",
            "--text",
            "--count",
            "5",
            "--seed",
            "9",
            "--lang",
            "en",
        ],
        cwd=project_root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert proc.stdin and proc.stdout
    transcript: list[str] = []
    answered = 0
    buffer = ""
    while answered < 5:
        ch = proc.stdout.read(1)
        assert ch, buffer
        buffer += ch
        if not buffer.endswith("> "):
            continue
        transcript.append(buffer)
        ((stem, options),) = _questions_and_letters(buffer) or [(None, None)]
        q = stems[stem]
        texts = [o.get("en") for o in q.options] if q.options else ["True", "False"]
        from exhibit.quiz.session import correct_indices

        right = {texts[i] for i in correct_indices(q)}
        letters = "".join(letter for letter, text in options.items() if text in right)
        proc.stdin.write("what?\n")  # unreadable first: asked again
        proc.stdin.flush()
        reply = ""
        while not reply.endswith("> "):
            reply += proc.stdout.read(1)
        assert "Could not read 'what?'." in reply
        transcript.append(reply)
        proc.stdin.write(letters.lower() + "\n")
        proc.stdin.flush()
        answered += 1
        buffer = ""
    rest, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Finished: 5 of 5 right, 500 of 500 points" in rest
    transcript.append(rest)
    assert "".join(transcript).count("Correct! +100 points") == 5


def test_play_needs_text_mode(project_root: Path) -> None:
    proc = run_cli("quiz", "play", cwd=project_root)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "exhibit: error: 'quiz play' needs --text (the touch-screen quiz is 'exhibit quiz kiosk')"
    )


def test_unknown_bank_is_one_clear_line(
    project_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(project_root), "quiz", "play", "--text", "--bank", "demi"]) == 1
    assert (
        capsys.readouterr().err.strip()
        == "exhibit: error: unknown question bank 'demi' (did you mean 'demo'?)"
    )


def test_stats_table_and_csv(
    project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    rng = random.Random(4)
    with QuizStore(url) as store:
        from datetime import UTC, datetime

        now = datetime.now(UTC)
        for _ in range(12):
            skill = rng.random()
            answers = tuple(
                AnswerRecord(i, qid, "ABC", "A", ok, float(ok), 100 * ok, 100, 2.0, False, now, now)
                for i, qid in enumerate(("boat", "founding_year", "luding"))
                for ok in [rng.random() < skill]
            )
            store.record(
                AttemptRecord(
                    "demo", "k", "zh", now, now, True, ("boat", "founding_year", "luding"), answers
                )
            )
    csv_path = tmp_path / "stats.csv"
    assert (
        main(["--root", str(project_root), "quiz", "stats", "--db", url, "--csv", str(csv_path)])
        == 0
    )
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == [
        "question",
        "attempts",
        "facility",
        "%",
        "SD",
        "%",
        "discrimination",
        "%",
        "efficiency",
        "%",
        "flags",
    ]
    assert "bank demo: 12 completed attempts of 3 questions" in out
    assert "CIC (Cronbach's alpha)" in out
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "中共一大最后一天的会议转移到了哪里？" in data.decode("utf-8-sig")


def test_kiosk_without_a_display_is_one_clear_line_and_creates_nothing(project_root: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run(
        [sys.executable, "-m", "exhibit", "quiz", "kiosk"],
        cwd=project_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        "exhibit: error: the kiosk needs a display to run on (DISPLAY is not set); start it on the kiosk's "
        "screen, or try the quiz with 'exhibit quiz play --text'"
    )
    assert not (project_root / "var").exists()
