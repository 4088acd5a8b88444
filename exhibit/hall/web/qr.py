"""The QR code that opens the phone quiz (kiosk start screen, scene quiz panel, print)."""

from __future__ import annotations

import io
from pathlib import Path

import segno

from exhibit.spec.errors import ExhibitError


def quiz_url(base: str) -> str:
    """The phone quiz's address under ``base`` (``http://HOST:PORT``)."""
    if not base.startswith(("http://", "https://")):
        raise ExhibitError(f"the quiz address must start with http:// or https://, not '{base}'")
    return base.rstrip("/") + "/quiz"


def qr_png(url: str, scale: int = 10) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_svg(url: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=scale, border=4, xmldecl=False)
    return out.getvalue()


def save_qr(url: str, path: Path) -> Path:
    """Write the code as PNG or SVG, by the file's extension."""
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ExhibitError(f"a QR code is written as .png or .svg, not '{path.name}'")
    try:
        path.write_bytes(qr_png(url) if suffix == ".png" else qr_svg(url))
    except OSError as exc:
        raise ExhibitError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
