"""Loudness of each built mix: EBU R 128 (-23 LUFS +-1 LU, true peak at most -1 dBTP).

China's GY/T 282-2014 (programme loudness for television, -24 LKFS +-2 LU, true
peak at most -2 dBTP) can be asked for instead. Besides the pass or fail, the
short-term loudness (3 s windows, BS.1770 K-weighting) is kept for the report's
loudness curve.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exhibit.narration import audiofile
from exhibit.narration.clip import Clip
from exhibit.narration.loudness import lufs, true_peak_db
from exhibit.preflight.report import Finding, Status


@dataclass(frozen=True)
class Standard:
    name: str
    target: float  # LUFS
    tolerance: float  # LU either side
    ceiling: float  # dBTP


EBU_R128 = Standard("EBU R 128", -23.0, 1.0, -1.0)
GY_T_282 = Standard("GY/T 282", -24.0, 2.0, -2.0)
STANDARDS = {"ebu": EBU_R128, "gyt282": GY_T_282}
SHORT_TERM = 3.0  # s, EBU Tech 3341 short-term window


@dataclass(frozen=True)
class Measured:
    integrated: float
    true_peak: float
    curve: tuple[tuple[float, float], ...]  # (time s, short-term LUFS)


def short_term(clip: Clip, hop: float = 1.0) -> tuple[tuple[float, float], ...]:
    """Short-term loudness every ``hop`` seconds (3 s windows), for a picture of the mix."""
    import pyloudnorm

    meter = pyloudnorm.Meter(clip.rate)
    data = clip.samples.astype(np.float64).reshape(clip.frames, -1)
    for f in meter._filters.values():  # the K-weighting pre-filter and RLB high-pass of BS.1770
        data = f.apply_filter(data)
    power = np.cumsum(np.concatenate([np.zeros((1, data.shape[1])), data**2]), axis=0)
    window, step = int(SHORT_TERM * clip.rate), int(hop * clip.rate)
    out = []
    for end in range(window, clip.frames + 1, step):
        ms = (power[end] - power[end - window]) / window
        total = float(np.sum(ms))  # BS.1770: front channels weigh 1.0
        out.append((end / clip.rate, -0.691 + 10 * np.log10(total) if total > 0 else -70.0))
    return tuple(out)


def measure(path: Path) -> Measured:
    clip = audiofile.read(path)
    return Measured(lufs(clip), true_peak_db(clip), short_term(clip))


def loudness_findings(subject: str, path: Path, standard: Standard = EBU_R128) -> tuple[list[Finding], Measured | None]:
    if not path.is_file():
        return [Finding("loudness", subject, Status.FAIL, f"no mix at {path}; run 'exhibit narrate'")], None
    m = measure(path)
    found = []
    off = m.integrated - standard.target
    if not abs(off) <= standard.tolerance:
        found.append(
            Finding(
                "loudness",
                subject,
                Status.FAIL,
                f"the mix measures {m.integrated:.1f} LUFS, {off:+.1f} LU from the {standard.name} target "
                f"{standard.target:g} LUFS (+-{standard.tolerance:g} LU); rebuild it with 'exhibit narrate'",
            )
        )
    if m.true_peak > standard.ceiling:
        found.append(
            Finding(
                "loudness",
                subject,
                Status.FAIL,
                f"the mix's true peak is {m.true_peak:.1f} dBTP, above the {standard.name} ceiling "
                f"{standard.ceiling:g} dBTP",
            )
        )
    if not found:
        found.append(
            Finding(
                "loudness",
                subject,
                Status.PASS,
                f"{m.integrated:.1f} LUFS, true peak {m.true_peak:.1f} dBTP ({standard.name})",
            )
        )
    return found, m
