"""Video export: the frames asked for, at the size asked for, with the mix in time with them."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from exhibit.render.export import ProgressBar, VideoSpec, VideoWriter, export_video, ffmpeg_exe
from exhibit.spec.errors import ExhibitError
from tests.render.conftest import project_with
from tests.render.test_player import tone

pytestmark = pytest.mark.needs_display


def probe(path: Path) -> dict[str, object]:
    """Streams of a media file, read from ``ffmpeg -i`` (the bundled ffmpeg has no ffprobe)."""
    text = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    video = re.search(r"Stream #\S+: Video: (\w+).*?, (\d+)x(\d+).*?, ([\d.]+) fps", text)
    audio = re.search(r"Stream #\S+: Audio: (\w+).*?, (\d+) Hz", text)
    return {
        "video": (video.group(1), int(video.group(2)), int(video.group(3)), float(video.group(4))) if video else None,
        "audio": (audio.group(1), int(audio.group(2))) if audio else None,
    }


def decoded_frames(path: Path) -> int:
    """Frames counted by decoding the whole video stream."""
    cmd = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostats",
        "-i",
        str(path),
        "-map",
        "0:v:0",
        "-f",
        "null",
        "-",
    ]
    text = subprocess.run(cmd + ["-progress", "pipe:1"], capture_output=True, text=True).stdout
    return int(re.findall(r"^frame=(\d+)", text, re.M)[-1])


def decoded_audio(path: Path, rate: int = 48000) -> np.ndarray:
    cmd = [
        ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-i",
        str(path),
        "-map",
        "0:a:0",
        "-ac",
        "1",
        "-ar",
        str(rate),
        "-f",
        "f32le",
        "-",
    ]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32)


def test_a_video_has_the_frames_size_and_streams_asked_for(make_player, tmp_path):
    player = make_player(project_with(tmp_path), audio=False)
    show = player.load("still_life", "zh")
    source = tone(tmp_path / "mix.wav", show.timeline.duration)
    player.load(dataclasses.replace(show, mix=tmp_path / "mix.wav"))
    out = tmp_path / "clip.mp4"
    spec = VideoSpec((320, 180), 12.0, 1.0, 2.5)
    times: list[float] = []
    result = export_video(player, out, spec, progress=False, on_frame=lambda i, t: times.append(t))
    assert result.frames == spec.frames == 18
    assert times == pytest.approx([1.0 + i / 12 for i in range(18)])
    info = probe(out)
    assert info["video"] == ("h264", 320, 180, 12.0)
    assert info["audio"] == ("aac", 48000)
    assert decoded_frames(out) == 18
    # The sound track is the mix from --from on: correlate it with the source at 1.0 s.
    heard = decoded_audio(out)
    assert len(heard) == pytest.approx(1.5 * 48000, rel=0.05)
    window = heard[4800 : 4800 + 24000]
    lags = range(-2400, 2400, 8)
    scores = []
    for lag in lags:
        ref = source[48000 + 4800 + lag : 48000 + 4800 + lag + window.size]
        scores.append(float(np.dot(window, ref) / (np.linalg.norm(window) * np.linalg.norm(ref) + 1e-12)))
    best = int(np.argmax(scores))
    assert scores[best] > 0.9
    assert abs(list(lags)[best]) <= 48 * 5  # within 5 ms of the picture's time


def decoded_pictures(path: Path, size: tuple[int, int]) -> np.ndarray:
    """Every frame of the video as (frames, rows top to bottom, columns, RGB)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:v:0"]
    raw = subprocess.run(cmd + ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    w, h = size
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)


def test_the_video_shows_the_frames_as_rendered_upright_and_in_their_colours(make_player, tmp_path):
    player = make_player(project_with(tmp_path), audio=False, narrate=False)
    player.load("still_life", "zh")
    spec = VideoSpec((320, 180), 10.0, 1.0, 1.5)
    rendered: list[np.ndarray] = []
    capture = player.displays.capture()
    out = tmp_path / "pictures.mp4"
    export_video(player, out, spec, progress=False, on_frame=lambda i, t: rendered.append(capture.pixels("RGB").copy()))
    video = decoded_pictures(out, spec.size)
    assert len(video) == len(rendered) == 5
    for shown, drawn in zip(video, rendered, strict=True):
        error = np.abs(shown.astype(int) - drawn.astype(int))
        # H.264 at CRF 18 in 4:2:0: small differences, mostly at edges; a flipped picture or
        # swapped red and blue differ by tens of levels over whole regions
        assert error.mean() < 4.0
        assert np.percentile(error, 90) < 10
    # the red boat is red in the video where it is red in the rendered frame
    drawn = rendered[0].astype(int)
    red = (drawn[..., 0] - drawn[..., 2] > 40) & (drawn[..., 0] - drawn[..., 1] > 30)
    assert red.sum() > 200
    shown = video[0].astype(int)[red]
    assert np.abs(shown.mean(axis=0) - drawn[red].mean(axis=0)).max() < 12
    top, bottom = video[0][:40].mean(axis=(0, 1)), video[0][-40:].mean(axis=(0, 1))
    drawn_top, drawn_bottom = rendered[0][:40].mean(axis=(0, 1)), rendered[0][-40:].mean(axis=(0, 1))
    assert np.abs(top - drawn_top).max() < 6 and np.abs(bottom - drawn_bottom).max() < 6


def test_without_a_mix_the_video_still_has_a_silent_sound_track(make_player, tmp_path, capsys):
    player = make_player(project_with(tmp_path), audio=False, narrate=False)
    player.load("still_life", "zh")
    out = tmp_path / "silent.mp4"
    export_video(player, out, VideoSpec((320, 180), 10.0, 0.0, 0.5), progress=False)
    assert "silent" in capsys.readouterr().err
    assert probe(out)["audio"] == ("aac", 48000)
    assert decoded_frames(out) == 5
    assert np.abs(decoded_audio(out)).max() < 1e-3


def test_h264_needs_even_sizes(tmp_path):
    with pytest.raises(ExhibitError, match="even width and height"):
        VideoWriter(tmp_path / "x.mp4", VideoSpec((321, 180), 10.0, 0.0, 1.0), None)


def test_the_progress_bar_reports_frames_and_rate():
    stream = io.StringIO()
    bar = ProgressBar("nanhu_red_boat", 20, stream)
    for done in range(1, 21):
        bar.update(done)
    lines = stream.getvalue().splitlines()
    assert 5 <= len(lines) <= 11  # a log gets a line every 10 %, not one per frame
    assert lines[-1].startswith("nanhu_red_boat [") and "100%" in lines[-1] and "20/20 frames" in lines[-1]
    assert "fps" in lines[-1]


def test_an_encoder_that_dies_is_an_error_and_leaves_no_file(tmp_path):
    out = tmp_path / "broken.mp4"
    spec = VideoSpec((320, 180), 10.0, 0.0, 10.0)
    writer = VideoWriter(out, spec, None)
    frame = bytes(320 * 180 * 3)
    writer.write(frame)
    writer.proc.kill()  # ffmpeg gone half way (killed, out of memory, ...)
    writer.proc.wait()
    with pytest.raises(ExhibitError, match="ffmpeg stopped while encoding"):
        for _ in range(200):  # frames queued before the failure is seen still go in
            writer.write(frame)
    writer.abort()
    assert not out.exists()


def test_frames_reach_the_encoder_in_order(tmp_path):
    out = tmp_path / "ramp.mp4"
    spec = VideoSpec((64, 64), 10.0, 0.0, 2.0)
    writer = VideoWriter(out, spec, None)
    for i in range(spec.frames):
        writer.write(bytes([i * 12]) * (64 * 64 * 3))  # grey levels 0, 12, 24, ...
    writer.close()
    levels = decoded_pictures(out, (64, 64)).mean(axis=(1, 2, 3))
    assert len(levels) == 20
    assert np.all(np.diff(levels) > 6)  # every frame brighter than the one before
