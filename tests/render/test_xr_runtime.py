"""The OpenXR runtime: its session life cycle, its failures in one line, and its headset.

Tests that talk to a real runtime run only when ``XR_RUNTIME_JSON`` names one
(for example Monado's ``openxr_monado.json`` with its simulated headset).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exhibit.render.xr.runtime import NOT_INSTALLED, Lifecycle, XrUnavailable, explain

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = os.environ.get("XR_RUNTIME_JSON", "")
needs_runtime = pytest.mark.skipif(
    not RUNTIME or not Path(RUNTIME).is_file(),
    reason="needs an OpenXR runtime: set XR_RUNTIME_JSON to its manifest (e.g. Monado's)",
)


def test_a_session_begins_when_ready_and_ends_when_the_runtime_asks() -> None:
    life = Lifecycle()
    assert life.on_state("IDLE") == [] and not life.frames
    assert life.on_state("READY") == ["begin"] and life.frames
    assert life.on_state("SYNCHRONIZED") == [] and life.frames and not life.visible
    assert life.on_state("VISIBLE") == [] and life.visible and not life.focused
    assert life.on_state("FOCUSED") == [] and life.focused
    assert life.on_state("VISIBLE") == [] and not life.focused  # the system menu took focus
    assert life.on_state("STOPPING") == ["end"] and not life.frames  # the spec's must: xrEndSession
    assert life.on_state("IDLE") == [] and life.lost is None
    assert life.on_state("READY") == ["begin"]  # the headset back on the head: run again


def test_an_exiting_or_lost_session_is_a_reason_to_fall_back() -> None:
    life = Lifecycle()
    life.on_state("READY")
    assert life.on_state("LOSS_PENDING") == ["lost"]
    assert life.lost == "the headset was lost (unplugged, or the runtime stopped)"
    assert not life.frames
    life = Lifecycle()
    life.on_state("READY")
    life.on_state("STOPPING")
    assert life.on_state("EXITING") == ["lost"]
    assert life.lost == "the headset session ended (the runtime closed it)"
    life = Lifecycle()
    assert life.on_instance_loss() == ["lost"] and "going away" in (life.lost or "")


def test_every_failure_reads_as_one_line_that_says_what_to_do() -> None:
    assert explain("RuntimeUnavailableError") == (
        "no OpenXR runtime is installed or active: install one (SteamVR, Monado or the headset "
        "maker's) and make it the active runtime, or set XR_RUNTIME_JSON to its manifest file"
    )
    assert explain("RuntimeUnavailableError", manifest="/opt/monado/openxr_monado.json") == (
        "no OpenXR runtime could be loaded from XR_RUNTIME_JSON=/opt/monado/openxr_monado.json; "
        "check that the file exists and names the runtime's library"
    )
    assert explain("FormFactorUnavailableError", runtime="SteamVR/OpenXR 2.5.1") == (
        "the OpenXR runtime SteamVR/OpenXR 2.5.1 sees no headset: "
        "connect the headset, switch it on and wake it"
    )
    assert (
        explain("SessionLostError")
        == "the OpenXR runtime stopped (the headset was unplugged or the runtime quit)"
    )
    assert explain("ValidationFailureError", "xrEndFrame: bad layer\nmore detail") == (
        "the OpenXR runtime failed: xrEndFrame: bad layer"
    )
    for kind in ("RuntimeUnavailableError", "FormFactorUnavailableError", "Whatever"):
        assert "\n" not in explain(kind, "a\nb")


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """In a fresh process: the OpenXR loader reads its environment when first used."""
    environment = {k: v for k, v in os.environ.items() if k != "XR_RUNTIME_JSON"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
    )


PROBE = """
from exhibit.render.xr.runtime import XrUnavailable, probe
try:
    print(probe())
except XrUnavailable as exc:
    print("XrUnavailable:", exc)
"""


def test_a_runtime_manifest_that_does_not_load_is_one_clear_line(tmp_path: Path) -> None:
    pytest.importorskip("xr", reason="pyopenxr (exhibit[xr]) is not installed")
    manifest = tmp_path / "runtime.json"
    manifest.write_text(
        '{"file_format_version": "1.0.0", "runtime": {"library_path": "./libmissing.so"}}'
    )
    done = run_python(PROBE, XR_RUNTIME_JSON=str(manifest))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"XrUnavailable: no OpenXR runtime could be loaded from XR_RUNTIME_JSON={manifest}; "
        "check that the file exists and names the runtime's library\n"
    )
    assert "OpenXR-Loader" not in done.stderr  # the loader's own chatter is off


def test_without_pyopenxr_the_message_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from exhibit.render.xr.runtime import import_xr

    monkeypatch.setitem(sys.modules, "xr", None)  # as if not installed
    with pytest.raises(XrUnavailable) as caught:
        import_xr()
    assert str(caught.value) == NOT_INSTALLED
    assert "pip install 'exhibit[xr]'" in NOT_INSTALLED


@needs_runtime
def test_the_runtime_names_its_headset_and_eye_sizes() -> None:
    from exhibit.render.xr.runtime import probe

    info = probe()
    assert info.runtime and info.system
    # What the runtime recommends, whatever it is (Monado's null compositor: 320x240): positive sizes.
    assert len(info.eye_sizes) == 2 and all(w > 0 and h > 0 for w, h in info.eye_sizes), info.eye_sizes
    assert info.opengl, f"{info.runtime} offers no XR_KHR_opengl_enable"


def test_a_runtime_installed_but_not_running_says_to_start_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from exhibit.render.xr.runtime import active_manifest, installed_runtime

    manifest = tmp_path / "openxr_monado.json"
    manifest.write_text('{"file_format_version": "1.0.0", "runtime": {"name": "Monado", '
                        '"library_path": "../../lib/libopenxr_monado.so"}}')
    monkeypatch.setenv("XR_RUNTIME_JSON", str(manifest))
    assert active_manifest() == manifest and installed_runtime(manifest) == "Monado"
    # What Monado's loader answers at xrCreateInstance when monado-service is not running.
    generic = "The runtime failed to handle the function in an unexpected way"
    assert explain("RuntimeFailureError", generic, installed="Monado") == (
        "the OpenXR runtime Monado is installed but not running: start it (e.g. monado-service / SteamVR)"
    )
    # Without a name in the manifest, its library's; a failure of a running runtime stays as it was.
    nameless = tmp_path / "steam.json"
    nameless.write_text('{"runtime": {"library_path": "vrclient.so"}}')
    assert installed_runtime(nameless) == "vrclient"
    assert explain("RuntimeFailureError", generic, runtime="Monado 21.0.0", installed="Monado") == (
        f"the OpenXR runtime Monado 21.0.0 failed: {generic}"
    )
    monkeypatch.setenv("XR_RUNTIME_JSON", str(tmp_path / "missing.json"))
    assert active_manifest() is None


class StandInRuntime:
    """A session as the runtime drives it: READY then FOCUSED; after an exit request it answers
    with STOPPING after ``answer_after`` polls (never, when None), and records the calls made."""

    def __init__(self, answer_after: int | None) -> None:
        self.lifecycle = Lifecycle()
        self.lifecycle.on_state("READY")
        self.lifecycle.on_state("FOCUSED")
        self.answer_after = answer_after
        self.calls: list[str] = []
        self.polls_since_request: int | None = None

    def request_exit(self) -> None:
        self.calls.append("xrRequestExitSession")
        self.polls_since_request = 0

    def poll(self) -> None:
        self.calls.append("poll")
        if self.polls_since_request is None:
            return
        self.polls_since_request += 1
        if self.answer_after is not None and self.polls_since_request == self.answer_after:
            for action in self.lifecycle.on_state("STOPPING"):  # as XrSession.poll answers it
                self.calls.append({"end": "xrEndSession"}[action])

    def idle_frame(self) -> None:
        self.calls.append("frame")


def test_closing_waits_for_stopping_then_ends_the_session() -> None:
    from exhibit.render.xr.runtime import exit_politely

    runtime = StandInRuntime(answer_after=3)
    assert exit_politely(runtime, wait=5.0)
    assert runtime.calls == ["xrRequestExitSession", "poll", "frame", "poll", "frame", "poll", "xrEndSession"]


def test_closing_gives_up_after_a_bounded_wait_when_the_runtime_never_answers() -> None:
    from exhibit.render.xr.runtime import exit_politely

    now = [0.0]

    def clock() -> float:
        now[0] += 0.1  # each look at the clock: a tenth of a second
        return now[0]

    runtime = StandInRuntime(answer_after=None)
    assert not exit_politely(runtime, wait=1.0, clock=clock)
    assert "xrEndSession" not in runtime.calls and now[0] <= 1.3
    assert runtime.calls[0] == "xrRequestExitSession" and runtime.calls.count("poll") >= 3
