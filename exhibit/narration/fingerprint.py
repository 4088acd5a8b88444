"""Content fingerprints: every cache in narration is keyed by what went in, never by file times.

A recording that is copied, touched or restored from a backup keeps its
fingerprint; a re-recorded take with the same name gets a new one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

#: Bump when processing changes (analysis, loudness, mixing), so old cached audio is remade.
PIPELINE = "narration-1"


def digest(*parts: Any) -> str:
    """A stable hex digest of JSON-serializable parts."""
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
