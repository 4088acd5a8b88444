"""Building a scene's narration: mix, loudness, ducking, captions, caching, re-recording."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest
import srt
import webvtt

from exhibit.narration import build, is_stale, timings_for
from exhibit.narration.placeholder import find_espeak
from exhibit.spec.errors import ExhibitError
from exhibit.timeline.captions import MAX_SECONDS, MIN_GAP, MIN_SECONDS
from tests.narration.conftest import (
    Content,
    band_level_db,
    ebur128,
    onset,
    read_wav,
    requires_espeak,
    silence,
    syllables,
    tone,
    words,
)

VOICE_HZ = 2000.0  # the synthetic voices
MUSIC_HZ = 200.0  # the music bed
SOUND_HZ = 3000.0  # the sound cue

DUCK_SCENE = """
    id: duck
    languages: [en]
    duration: 14
    narration:
      - {id: a, at: 3, text: "First line, it is spoken here."}
      - {id: b, gap: 0.8, text: "Second line follows soon."}
      - {id: c, at: 9, text: "Third line comes after a pause."}
    cues:
      - {at: 12, do: sound, file: audio/sounds/ping.wav, gain: -6}
    music:
      - file: audio/music/bed.wav
        at: 0
        gain: -12
        fade_in: 1
        fade_out: 1
        duck: -10
        loop: true
"""


def _voice(seconds: float, lead: float = 0.3, tail: float = 0.3) -> np.ndarray:
    return np.concatenate([silence(lead), syllables(seconds, VOICE_HZ, 0.3), silence(tail)])


@pytest.fixture
def duck_scene(content: Content) -> Content:
    for line, seconds in (("a", 1.5), ("b", 1.5), ("c", 1.5)):
        content.wav(f"audio/voice/en/duck/{line}.wav", _voice(seconds))
    content.wav(
        "audio/music/bed.wav", tone(MUSIC_HZ, 2.0, 0.5)
    )  # 400 whole cycles: loops seamlessly
    content.wav("audio/sounds/ping.wav", tone(SOUND_HZ, 0.3, 0.5))
    content.scene("duck", DUCK_SCENE)
    return content


def test_mix_is_48khz_stereo_at_minus_23_lufs_under_minus_1_dbtp(duck_scene: Content) -> None:
    result = build(duck_scene.project, "duck", "en")
    samples, rate = read_wav(result.mix_path)
    assert (rate, samples.shape[1]) == (48_000, 2)
    assert len(samples) / rate == pytest.approx(14.0, abs=0.001)
    measured = ebur128(result.mix_path)
    assert measured.integrated == pytest.approx(-23.0, abs=1.0)
    assert measured.true_peak <= -1.0
    assert result.mix_path == duck_scene.root / "build" / "duck" / "mix.en.wav"


def test_each_line_is_gained_to_minus_23_lufs(duck_scene: Content) -> None:
    result = build(duck_scene.project, "duck", "en")
    assert set(result.line_audio) == {"a", "b", "c"}
    for path in result.line_audio.values():
        line = ebur128(path)
        assert line.integrated == pytest.approx(-23.0, abs=0.5)
        assert line.true_peak <= -1.0


def test_music_ducks_under_the_voice_by_the_numbers(duck_scene: Content) -> None:
    result = build(duck_scene.project, "duck", "en")
    mix, rate = read_wav(result.mix_path)
    lines = {ln.id: ln for ln in result.timeline.lines}
    a, b, _c = lines["a"], lines["b"], lines["c"]
    assert (a.start, a.end) == pytest.approx((3.0, 4.5), abs=0.011)  # speech span placed at `at`
    full = band_level_db(mix, rate, MUSIC_HZ, 2.0)  # faded in, far from speech

    def music(t: float) -> float:
        return band_level_db(mix, rate, MUSIC_HZ, t) - full

    # Fade in: linear in amplitude, half way at 0.5 s.
    assert music(0.5) == pytest.approx(-6.02, abs=0.3)
    # The dip starts 150 ms before speech and takes 250 ms; -10 dB under the voice.
    assert music(a.start - 0.2) == pytest.approx(0.0, abs=0.3)
    assert music(a.start - 0.15 + 0.125) == pytest.approx(-5.0, abs=0.5)
    assert music(a.start + 0.15) == pytest.approx(-10.0, abs=0.3)
    assert music((a.start + a.end) / 2) == pytest.approx(-10.0, abs=0.3)
    # A pause under 1 s does not release.
    assert b.start - a.end == pytest.approx(0.8, abs=0.02)
    assert music((a.end + b.start) / 2) == pytest.approx(-10.0, abs=0.3)
    # After the last line before the long pause: released over 700 ms.
    assert music(b.end + 0.35) == pytest.approx(-5.0, abs=0.5)
    assert music(b.end + 0.75) == pytest.approx(0.0, abs=0.3)
    # The bed loops: it still plays long after its 2 s file ended.
    assert music(11.5) == pytest.approx(0.0, abs=0.3)
    # The sound cue is heard at its time.
    assert onset(mix, rate, SOUND_HZ, 11.5) == pytest.approx(12.0, abs=0.01)


def test_voices_are_heard_where_the_timeline_places_them(duck_scene: Content) -> None:
    result = build(duck_scene.project, "duck", "en")
    mix, rate = read_wav(result.mix_path)
    for line in result.timeline.lines:
        assert onset(mix, rate, VOICE_HZ, line.start - 0.25) == pytest.approx(line.start, abs=0.012)
        assert result.timeline.lines[0].source == "recording"


def _check_caption_rules(cues: list[tuple[float, float, str]], lang: str) -> None:
    limit = 16 if lang == "zh" else 42
    for i, (start, end, text) in enumerate(cues):
        lines = text.split("\n")
        assert 1 <= len(lines) <= 2, text
        assert all(len(line) <= limit for line in lines), text
        assert MIN_SECONDS - 1e-9 <= end - start <= MAX_SECONDS + 1e-9, (start, end, text)
        assert "{mark" not in text
        if i:
            assert start - cues[i - 1][1] >= MIN_GAP - 1e-9


def test_caption_files_parse_and_round_trip_the_timeline(duck_scene: Content) -> None:
    result = build(duck_scene.project, "duck", "en")
    expected = [(round(c.start, 3), round(c.end, 3), c.text) for c in result.timeline.captions]
    assert expected
    vtt = [(_secs(c.start), _secs(c.end), c.text) for c in webvtt.read(str(result.vtt_path))]
    subs = list(srt.parse(result.srt_path.read_text(encoding="utf-8")))
    from_srt = [(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in subs]
    assert vtt == expected
    assert from_srt == expected
    assert [s.index for s in subs] == list(range(1, len(subs) + 1))
    _check_caption_rules(from_srt, "en")


def _secs(clock: str) -> float:
    h, m, s = clock.split(":")
    return round(int(h) * 3600 + int(m) * 60 + float(s), 3)


def test_timeline_json_is_written_with_the_measured_times(duck_scene: Content) -> None:
    result = build(duck_scene.project, "duck", "en")
    data = json.loads(result.timeline_json_path.read_text(encoding="utf-8"))
    assert data["scene"] == "duck" and data["lang"] == "en"
    assert [n["id"] for n in data["narration"]] == ["a", "b", "c"]
    assert data["narration"][1]["start"] == pytest.approx(4.5 + 0.8, abs=0.011)


def test_an_unchanged_scene_rebuilds_in_well_under_a_second_without_writing(
    duck_scene: Content,
) -> None:
    first = build(duck_scene.project, "duck", "en")
    outputs = [first.mix_path, first.vtt_path, first.srt_path, first.timeline_json_path]
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in outputs}
    assert not is_stale(duck_scene.project, "duck", "en")
    started = time.perf_counter()
    again = build(duck_scene.project, "duck", "en")
    assert time.perf_counter() - started < 1.0
    assert not again.rebuilt and again.voices_made == 0
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in outputs} == before
    assert again.timeline.to_json() == first.timeline.to_json()


def test_staleness_follows_content_not_file_times(duck_scene: Content) -> None:
    build(duck_scene.project, "duck", "en")
    rec = duck_scene.root / "audio/voice/en/duck/b.wav"
    later = time.time() + 100
    os.utime(rec, (later, later))  # touched, restored from a backup ...: same bytes
    assert not is_stale(duck_scene.project, "duck", "en")
    duck_scene.wav("audio/voice/en/duck/b.wav", _voice(2.5))  # a new take, a second longer
    assert is_stale(duck_scene.project, "duck", "en")
    rebuilt = build(duck_scene.project, "duck", "en")
    assert rebuilt.voices_made == 1 and rebuilt.mix_rebuilt
    lines = {ln.id: ln for ln in rebuilt.timeline.lines}
    assert lines["b"].end - lines["b"].start == pytest.approx(2.5, abs=0.011)
    assert not is_stale(duck_scene.project, "duck", "en")


def test_missing_outputs_make_the_build_stale(duck_scene: Content) -> None:
    result = build(duck_scene.project, "duck", "en")
    result.vtt_path.unlink()
    assert is_stale(duck_scene.project, "duck", "en")
    assert build(duck_scene.project, "duck", "en").vtt_path.is_file()


# --- re-recording keeps anchored cues on their words ------------------------------------------

ANCHOR_SCENE = """
    id: anchor
    languages: [en]
    narration:
      - {id: intro, at: 1, text: "one two three four {mark:five}five six"}
      - {id: outro, gap: 1, text: "and that is all"}
    cues:
      - {at: "intro@five", do: sound, file: audio/sounds/ping.wav}
"""


def _record_anchor(content: Content, word: float, gap: float, sidecar: bool) -> list[float]:
    audio, onsets = words(6, word, gap, freq=1000.0)
    content.wav("audio/voice/en/anchor/intro.wav", audio)
    content.wav("audio/voice/en/anchor/outro.wav", _voice(1.0))
    side = content.root / "audio/voice/en/anchor/intro.marks.json"
    if sidecar:
        side.write_text(json.dumps({"five": onsets[4]}), encoding="utf-8")
    else:
        side.unlink(missing_ok=True)
    return onsets


@pytest.mark.parametrize(
    ("sidecar", "tolerance"), [(True, 0.012), (False, 0.15)]
)  # shares: +-a gap
def test_a_longer_rerecording_keeps_anchored_cues_on_their_words(
    content: Content, sidecar: bool, tolerance: float
) -> None:
    content.wav("audio/sounds/ping.wav", tone(SOUND_HZ, 0.2, 0.5))
    content.scene("anchor", ANCHOR_SCENE)
    heard = []
    for word, gap in ((0.25, 0.1), (0.45, 0.2)):  # the first take, then a slower, longer one
        _record_anchor(content, word, gap, sidecar)
        result = build(content.project, "anchor", "en")
        mix, rate = read_wav(result.mix_path)
        intro = result.timeline.lines[0]
        fifth_word = intro.start + 4 * (word + gap)  # the speech starts with the first word
        cue = result.timeline.cues[0].start
        assert cue == pytest.approx(fifth_word, abs=tolerance)
        # In the mix: the ping sounds where the fifth word is heard.
        word_heard = onset(mix, rate, 1000.0, fifth_word - 0.05)
        ping_heard = onset(mix, rate, SOUND_HZ, cue - 0.05)
        assert ping_heard == pytest.approx(word_heard, abs=tolerance + 0.01)
        heard.append((cue, result.timeline.lines[1].start))
    # Everything after the longer take moved later with it.
    assert heard[1][0] - heard[0][0] == pytest.approx(4 * (0.65 - 0.35), abs=tolerance)
    assert heard[1][1] - heard[0][1] == pytest.approx(
        6 * 0.45 + 5 * 0.2 - (6 * 0.25 + 5 * 0.1), abs=0.02
    )


# --- placeholder voices ----------------------------------------------------------------------

PLACEHOLDER_SCENE = """
    id: boat
    languages: [zh, en]
    narration:
      - id: intro
        at: 1
        text:
          zh: 1921年7月，{mark:boat}会议转移到南湖的一艘游船上。
          en: In July 1921, {mark:boat}the meeting moved to a boat on South Lake.
      - id: end
        text: {zh: 湖水记住了那一天。, en: The lake remembers the day.}
    cues:
      - {at: "intro@boat", do: caption, text: {zh: 南湖, en: South Lake}, duration: 2}
"""


@requires_espeak
def test_lines_without_recordings_get_a_cached_placeholder_voice(content: Content) -> None:
    content.scene("boat", PLACEHOLDER_SCENE)
    results = {lang: build(content.project, "boat", lang) for lang in ("zh", "en")}
    for lang, result in results.items():
        assert set(result.sources.values()) == {"placeholder"}
        assert result.voices_made == 2
        assert all(t.source == "placeholder" for t in result.timings.values())
        measured = ebur128(result.mix_path)
        assert measured.integrated == pytest.approx(-23.0, abs=1.0)
        assert measured.true_peak <= -1.0
        read = list(webvtt.read(str(result.vtt_path)))
        cues = [(_secs(c.start), _secs(c.end), c.text) for c in read if not c.identifier.startswith("caption-")]
        assert cues
        _check_caption_rules(cues, lang)
        boat = result.timeline.lines[0].marks["boat"]
        titles = [(_secs(c.start), _secs(c.end), c.text) for c in read if c.identifier.startswith("caption-")]
        assert titles == [(round(boat, 3), round(boat + 2, 3), "南湖" if lang == "zh" else "South Lake")]
    zh = results["zh"].timeline.lines[0]
    assert 2.0 < zh.end - zh.start < 7.0  # 19 syllables spoken
    # The cache is keyed by content: changing one line's text remakes exactly that line.
    scene = content.root / "scenes" / "boat.yaml"
    scene.write_text(
        scene.read_text(encoding="utf-8").replace("湖水记住了那一天", "湖水记得那一天"),
        encoding="utf-8",
    )
    again = build(content.project, "boat", "zh")
    assert again.voices_made == 1
    assert build(content.project, "boat", "en").voices_made == 0


@requires_espeak
def test_timings_for_is_cheap_and_never_synthesizes(content: Content) -> None:
    content.scene("boat", PLACEHOLDER_SCENE)
    content.wav("audio/voice/zh/boat/intro.wav", _voice(3.0, lead=0.4))
    project = content.project
    loaded = project.load_scene(project.scene_path("boat"))
    started = time.perf_counter()
    before = timings_for(project, loaded.model, "zh")
    assert time.perf_counter() - started < 0.2
    assert set(before) == {"intro"}  # the recording is measured; the placeholder line is left out
    assert before["intro"].source == "recording"
    assert before["intro"].speech_start == pytest.approx(0.4, abs=0.011)
    assert not (content.root / "build").exists()  # nothing was made
    build(project, "boat", "zh")
    after = timings_for(project, loaded.model, "zh")
    assert set(after) == {"intro", "end"} and after["end"].source == "placeholder"
    assert after["intro"].speech == pytest.approx(before["intro"].speech, abs=0.011)


def test_without_espeak_lines_are_silent_with_a_clear_warning(
    content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(content.root / "no-such-bin"))
    assert find_espeak() is None
    content.scene("boat", PLACEHOLDER_SCENE)
    result = build(content.project, "boat", "en")
    assert set(result.sources.values()) == {"silent"}
    assert len(result.warnings) == 1
    assert (
        "espeak-ng is not installed" in result.warnings[0]
        and "apt install espeak-ng" in result.warnings[0]
    )
    mix, _ = read_wav(result.mix_path)
    assert np.abs(mix).max() == 0.0  # silent, but every file is there and timed
    assert result.vtt_path.is_file() and result.timeline.duration > 3
    assert timings_for(content.project, result.timeline.scene, "en") == {}


def test_unknown_scene_and_language_are_one_clear_error(duck_scene: Content) -> None:
    with pytest.raises(ExhibitError, match=r"no scene 'dcuk' \(did you mean 'duck'\?\)"):
        build(duck_scene.project, "dcuk", "en")
    with pytest.raises(
        ExhibitError, match=r"scene 'duck' has no language 'zh' \(its languages: en\)"
    ):
        build(duck_scene.project, "duck", "zh")


def test_compressed_recordings_are_decoded_with_the_bundled_ffmpeg(
    duck_scene: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from tests.narration.conftest import ffmpeg

    wav = duck_scene.root / "audio/voice/en/duck/c.wav"
    flac = wav.with_suffix(".flac")
    subprocess.run([ffmpeg(), "-v", "error", "-i", str(wav), str(flac)], check=True)
    wav.unlink()
    monkeypatch.setenv("PATH", str(duck_scene.root / "no-such-bin"))  # no system ffmpeg or ffprobe
    result = build(duck_scene.project, "duck", "en")
    c = {ln.id: ln for ln in result.timeline.lines}["c"]
    assert c.end - c.start == pytest.approx(1.5, abs=0.011)
    assert result.sources["c"] == "recording"
