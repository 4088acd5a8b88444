"""The phone quiz's QR code drawn in Panda3D: a card on the kiosk's start screen or beside a quiz panel.

The code is made with segno and put in a texture one texel per module, drawn without
filtering, so its edges stay sharp at any size. The card includes the code's quiet zone
(four white modules on each side) so a phone finds it on any background.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import segno

if TYPE_CHECKING:
    from panda3d.core import NodePath, Texture

    from exhibit.spec.hall import Hall

#: White modules around the code: what the QR standard asks for a reliable scan.
QUIET_ZONE = 4


def hall_quiz_url(hall: Hall | None) -> str | None:
    """The phone quiz's address from hall.yaml's ``remote: http: url:``; None when the hall has none."""
    http = hall.remote.http if hall is not None and hall.remote is not None else None
    if http is None or not http.url:
        return None
    return http.url.rstrip("/") + "/quiz"


def qr_modules(url: str) -> np.ndarray:
    """The code as rows of modules (True: dark), quiet zone included, top row first."""
    code = segno.make(url, error="m")
    return np.array([[bool(m) for m in row] for row in code.matrix_iter(border=QUIET_ZONE)], dtype=bool)


def qr_texture(url: str) -> Texture:
    from panda3d.core import SamplerState, Texture

    modules = qr_modules(url)
    size = modules.shape[0]
    luminance = np.where(modules, 0, 255).astype(np.uint8)[::-1]  # Panda3D's first row is the bottom one
    tex = Texture("quiz-qr")
    tex.setup2dTexture(size, size, Texture.TUnsignedByte, Texture.FLuminance)
    tex.setRamImage(np.ascontiguousarray(luminance).tobytes())
    tex.setMinfilter(SamplerState.FTNearest)
    tex.setMagfilter(SamplerState.FTNearest)
    tex.setWrapU(SamplerState.WMClamp)
    tex.setWrapV(SamplerState.WMClamp)
    return tex


def qr_card(parent: NodePath, url: str, rect: tuple[float, float, float, float]) -> NodePath:
    """A card showing the code for ``url`` in ``rect`` (left, right, bottom, top in ``parent``'s X-Z plane),
    facing -Y like aspect2d and the quiz panel."""
    from panda3d.core import CardMaker

    left, right, bottom, top = rect
    maker = CardMaker("quiz-qr")
    maker.setFrame(left, right, bottom, top)
    maker.setHasUvs(True)
    card = parent.attachNewNode(maker.generate())
    card.setTexture(qr_texture(url), 1)
    card.setColor(1, 1, 1, 1)
    card.setLightOff(1)
    card.setTwoSided(True)
    return card


__all__ = ["QUIET_ZONE", "hall_quiz_url", "qr_card", "qr_modules", "qr_texture"]
