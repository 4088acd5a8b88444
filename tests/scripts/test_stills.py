"""scripts/stills: the same code draws the same stills to the bit, and one changed still fails the check.

One scene's stills are rendered into a manifest, one digest in it is then made
wrong, as a refactor that moved a pixel would make it: the check renders them
again, finds every other still identical, names the one that differs with both
PNGs, and exits 1.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "stills"

pytestmark = [pytest.mark.slow, pytest.mark.needs_display]


def stills(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ALSOFT_DRIVERS="null")
    return subprocess.run([str(SCRIPT), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def test_a_still_that_changed_is_named_and_fails_the_check(tmp_path: Path) -> None:
    manifest = tmp_path / "ref.json"
    made = stills("make", "--scene", "nanhu_red_boat", "--lines", "1", "-o", str(manifest))
    assert made.returncode == 0, made.stderr
    data = json.loads(manifest.read_text(encoding="utf-8"))
    keys = [f"{s['scene']}.{s['lang']}.{s['at']}" for s in data["stills"]]
    assert {s["scene"] for s in data["stills"]} == {"nanhu_red_boat"}
    languages = yaml.safe_load((REPO / "scenes" / "nanhu_red_boat.yaml").read_text(encoding="utf-8"))["languages"]
    # the first language: 0.5 s, one line, the last line's middle; two lines in each other one
    assert {s["lang"] for s in data["stills"]} == set(languages)
    assert len(keys) == len(set(keys)) == 3 + 2 * (len(languages) - 1)
    assert all((tmp_path / "ref" / f"{key}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for key in keys)

    data["stills"][1]["sha256"] = "0" * 64
    manifest.write_text(json.dumps(data), encoding="utf-8")
    checked = stills("check", str(manifest))
    assert checked.returncode == 1, checked.stderr
    assert checked.stdout.splitlines() == [
        f"DIFFERS {keys[1]}: {tmp_path / 'ref.check' / (keys[1] + '.png')} vs {tmp_path / 'ref' / (keys[1] + '.png')}",
        f"stills: {len(keys) - 1}/{len(keys)} identical to {data['revision']} FAIL",
    ]


def test_check_needs_a_manifest_or_a_revision() -> None:
    done = stills("check")
    assert done.returncode == 2
    assert "check takes a manifest or --rev REV" in done.stderr
