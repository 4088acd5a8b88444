"""Narration build time for a generated 10-minute scene: 100 lines, music, placeholder voices.

Targets (issue 4): a cold build (no voices, no mix) under 20 s on the project's
2-core machine, and a warm rebuild of the unchanged scene under 1 s. Also
prints the mix's loudness and true peak as ffmpeg's ebur128 filter measures
them, and, as a baseline from the same run, how long espeak-ng alone takes to
speak every line one after the other.

    python benchmarks/narration.py [--lang zh|en] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from exhibit.narration import build
from exhibit.narration.placeholder import find_espeak, voice_for
from exhibit.narration.spoken import spoken_text
from exhibit.spec.project import Project

COLD_TARGET_S = 20.0
WARM_TARGET_S = 1.0
LINES = 100

ZH_PHRASES = [
    "夏日的南湖，烟雨蒙蒙，湖面上停着一艘游船",
    "1921年7月，代表们从各地来到上海",
    "会议转移到嘉兴南湖的游船上继续进行",
    "红军翻越雪山，走过草地，一步一步向前",
    "1935年1月，中共中央在遵义召开会议",
    "浮山后村的油灯下，党支部成立了",
    "课桌与黑板之间，工作继续进行",
    "这片湖水，记住了那一天",
]
EN_PHRASES = [
    "South Lake in summer, under fine rain and mist, with a boat on the water",
    "In July 1921 the delegates came to Shanghai from all over the country",
    "The meeting moved to a pleasure boat on South Lake and went on there",
    "The Red Army crossed the snow mountains and the grasslands, step by step",
    "In January 1935 the leaders of the Party met at Zunyi",
    "By the light of an oil lamp in Fushanhou, a Party branch was founded",
]


def _scene_yaml(lang: str) -> str:
    phrases = ZH_PHRASES if lang == "zh" else EN_PHRASES
    lines = []
    cues = []
    for i in range(LINES):
        a, b = phrases[i % len(phrases)], phrases[(i * 3 + 1) % len(phrases)]
        joiner = "。" if lang == "zh" else ". "
        end = "。" if lang == "zh" else "."
        text = f"{a}{joiner}{{mark:m}}{b}{end}" if i % 4 == 0 else f"{a}{end}"
        lines.append(f'  - id: line{i:03d}\n    text: {{{lang}: "{text}"}}')
        if i % 4 == 0:
            cues.append(
                f"  - {{at: line{i:03d}@m, do: effect, effect: wind, level: 0.3, duration: 2}}"
            )
        if i % 10 == 5:
            cues.append(
                f"  - {{at: line{i:03d}.start, do: sound, file: audio/sounds/knock.wav, gain: -12}}"
            )
    return "\n".join(
        [
            "id: bench",
            f"languages: [{lang}]",
            "narration:",
            *lines,
            "cues:",
            *cues,
            "music:",
            "  - {file: audio/music/bed.wav, gain: -14, fade_in: 4, fade_out: 4, loop: true}",
            "",
        ]
    )


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    from scipy.io import wavfile

    path.parent.mkdir(parents=True, exist_ok=True)
    wavfile.write(path, rate, np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2"))


def make_content(root: Path, lang: str) -> Project:
    """A content root with the generated scene, a 30 s stereo music loop and a sound."""
    (root / "scenes").mkdir(parents=True, exist_ok=True)
    (root / "scenes" / "bench.yaml").write_text(_scene_yaml(lang), encoding="utf-8")
    rate = 44_100  # not the mix rate, so the bed is resampled as real music would be
    t = np.arange(30 * rate) / rate
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.18, 329.63)) / 3
    swell = 0.6 + 0.4 * np.sin(2 * np.pi * t / 30)
    bed = 0.4 * np.stack([chord * swell, np.roll(chord, 441) * swell], axis=1)
    _write_wav(root / "audio/music/bed.wav", bed, rate)
    knock = 0.7 * np.sin(2 * np.pi * 180 * t[: rate // 5]) * np.exp(-t[: rate // 5] * 25)
    _write_wav(root / "audio/sounds/knock.wav", knock, rate)
    return Project.at(root)


def espeak_baseline(project: Project, lang: str) -> float:
    """Seconds espeak-ng takes to speak every line, one process after another."""
    espeak = find_espeak()
    assert espeak is not None
    loaded = project.load_scene(project.scene_path("bench"))
    assert loaded.model is not None
    started = time.perf_counter()
    for line in loaded.model.narration:
        espeak.synthesize(spoken_text(line.text.get(lang) or "", lang), voice_for(lang))
    return time.perf_counter() - started


def ebur128(path: Path) -> tuple[float, float]:
    import imageio_ffmpeg

    err = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-filter_complex",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    summary = err[err.rindex("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary)
    assert integrated and peak
    return float(integrated[1]), float(peak[1])


def _cpu_seconds() -> float:
    """CPU time of this process (all threads) and of its finished children (espeak-ng)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    if find_espeak() is None:
        print(
            "espeak-ng is not installed: the benchmark needs placeholder voices "
            "(apt install espeak-ng)"
        )
        return 2
    root = args.keep or Path(tempfile.mkdtemp(prefix="exhibit-bench-"))
    try:
        project = make_content(root, args.lang)
        shutil.rmtree(project.build_dir, ignore_errors=True)
        stages: dict[str, float] = {}
        last = [time.perf_counter()]

        def progress(stage: str, done: int, total: int) -> None:
            now = time.perf_counter()
            if done >= total:
                stages[stage] = stages.get(stage, 0.0) + now - last[0]
                last[0] = now

        load_before = os.getloadavg()[0]
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        cold = build(project, "bench", args.lang, progress)
        cold_s = time.perf_counter() - started
        cold_cpu = _cpu_seconds() - cpu_before
        started = time.perf_counter()
        warm = build(project, "bench", args.lang)
        warm_s = time.perf_counter() - started
        baseline_s = espeak_baseline(project, args.lang)
        lufs, peak = ebur128(cold.mix_path)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)

    minutes = cold.timeline.duration / 60
    print(
        f"scene: {len(cold.timeline.lines)} lines, {minutes:.1f} min, language {args.lang}, "
        f"{list(cold.sources.values()).count('placeholder')} placeholder voices, 1 music bed"
    )
    print(f"baseline: espeak-ng alone, one line after another: {baseline_s:.2f} s")
    print(
        f"cold build: {cold_s:.2f} s (voices {stages.get('voices', 0):.2f} s, "
        f"mix {stages.get('mix', 0):.2f} s)"
    )
    print(
        f"cold build CPU time: {cold_cpu:.2f} s (this process and espeak-ng) on "
        f"{os.cpu_count()} cores; load average before it: {load_before:.1f}"
    )
    print(f"warm rebuild: {warm_s * 1000:.0f} ms (rebuilt: {warm.rebuilt})")
    print(f"mix (ffmpeg ebur128): {lufs:.1f} LUFS, true peak {peak:.1f} dBTP")
    results = [
        (f"cold build < {COLD_TARGET_S:g} s", cold_s < COLD_TARGET_S),
        (f"warm rebuild < {WARM_TARGET_S:g} s", warm_s < WARM_TARGET_S and not warm.rebuilt),
        ("mix at -23 LUFS +-1 LU", abs(lufs + 23) <= 1.0),
        ("mix true peak <= -1 dBTP", peak <= -1.0),
        ("scene is about 10 minutes", 9.0 <= minutes <= 12.0),
    ]
    for name, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}: {name}")
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
