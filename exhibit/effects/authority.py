"""The effects host's authority and its PANIC latch, as two small files in ``var/run``.

Anything on this PC may send a PANIC or disable an effect: those only make the hall
safer. Releasing a PANIC, setting interlock inputs and enabling a disabled effect make it
less safe, so the host obeys them only with its *key*: a random secret the hall hands the
host it starts (in the environment, :data:`KEY_ENV`), or one the host makes itself. The
host writes it to ``var/run/effects-PORT.key``, readable by its own user only (mode 0600),
for the operator's ``exhibit effects reset`` on the same account.

A PANIC is also written down (``var/run/effects-PORT.panic``), so it stays latched across
a host that is killed and started again, until a reset with the key removes it.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

KEY_ENV = "EXHIBIT_EFFECTS_KEY"
#: The control operations that make the hall less safe, and so need the host's key.
AUTHORISED_OPS = frozenset({"clear", "input", "enable"})


def new_key() -> str:
    return secrets.token_hex(16)


def key_matches(key: str, given: object) -> bool:
    return isinstance(given, str) and hmac.compare_digest(key.encode("utf-8"), given.encode("utf-8"))


class HostFiles:
    """The key and PANIC latch files of the effects host on one control port."""

    def __init__(self, var_dir: Path, port: int) -> None:
        self.folder = var_dir / "run"
        self.key_path = self.folder / f"effects-{port}.key"
        self.latch_path = self.folder / f"effects-{port}.panic"

    def write_key(self, key: str) -> None:
        """The key, readable by this user only (written afresh, so an old file's mode does not carry over)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.key_path.unlink(missing_ok=True)
        fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key + "\n")

    def read_key(self) -> str | None:
        """The host's key, or None when there is none or it may not be read here."""
        try:
            return self.key_path.read_text(encoding="ascii").strip() or None
        except (OSError, UnicodeDecodeError):
            return None

    def latch(self) -> bool:
        """Write the PANIC down; False when it could not be (the host still holds it while it runs)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.latch_path.touch()
        except OSError:
            return False
        return True

    def unlatch(self) -> None:
        try:
            self.latch_path.unlink(missing_ok=True)
        except OSError:
            pass

    def latched(self) -> bool:
        return self.latch_path.exists()
