"""The loudness curve of a scene's mixes, as a PNG for the report."""

from __future__ import annotations

import io
from collections.abc import Mapping

from exhibit.preflight.loudness import Standard


def loudness_png(curves: Mapping[str, tuple[tuple[float, float], ...]], standard: Standard, title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 3), dpi=100)
    for lang, curve in curves.items():
        if curve:
            ax.plot([t for t, _ in curve], [v for _, v in curve], label=f"{lang}, short-term (3 s)", linewidth=1)
    ax.axhline(standard.target, color="#2f5d8a", linestyle="--", linewidth=0.8, label=f"{standard.name} target")
    ax.axhspan(standard.target - standard.tolerance, standard.target + standard.tolerance, color="#2f5d8a", alpha=0.1)
    ax.set_ylim(-50, -5)
    ax.set_xlabel("seconds")
    ax.set_ylabel("LUFS")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()
