"""``exhibit quiz qr``: the code printed for the hall's walls opens the phone quiz."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.hall.rig import HALL, SCENES, write_hall_project
from tests.web.test_browser import decode_qr


def quiz_qr(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exhibit", "--root", str(root), "quiz", "qr", *args],
                          capture_output=True, text=True, timeout=60)


def test_the_printed_code_opens_the_quiz_at_the_halls_address(tmp_path: Path) -> None:
    write_hall_project(tmp_path, {**HALL, "remote": {"http": {"port": 8080, "url": "http://192.168.10.2:8080"}}},
                       SCENES)
    done = quiz_qr(tmp_path, "-o", str(tmp_path / "qr.png"))
    assert done.returncode == 0, done.stderr
    assert decode_qr((tmp_path / "qr.png").read_bytes()) == "http://192.168.10.2:8080/quiz"
    done = quiz_qr(tmp_path, "-o", str(tmp_path / "qr.svg"), "--url", "http://10.0.0.7:9000/")
    assert done.returncode == 0 and (tmp_path / "qr.svg").read_text().lstrip().startswith("<svg")


def test_without_an_address_or_with_a_wrong_file_it_says_what_to_do(tmp_path: Path) -> None:
    write_hall_project(tmp_path, {**HALL, "remote": {"http": {"port": 8080}}}, SCENES)
    done = quiz_qr(tmp_path, "-o", "qr.png")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "give --url http://HOST:PORT or set remote: http: url: in hall.yaml" in done.stderr
    done = quiz_qr(tmp_path, "-o", str(tmp_path / "qr.jpg"), "--url", "http://10.0.0.7")
    assert done.returncode == 1 and "a QR code is written as .png or .svg, not 'qr.jpg'" in done.stderr
    done = quiz_qr(tmp_path, "-o", str(tmp_path / "qr.png"), "--url", "10.0.0.7")
    assert done.returncode == 1 and "must start with http:// or https://" in done.stderr
