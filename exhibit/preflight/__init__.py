"""``exhibit preflight``: every check a careful hall manager runs before the doors open.

Each module checks one thing and returns :class:`~exhibit.preflight.report.Finding`
values; :mod:`runner` runs them for a scene, the hall or everything, and
:mod:`report` prints them and writes one self-contained HTML page with pictures.
Nothing here changes content or drives hardware: the effects host is only asked
for its status, the database gets a table created and dropped.
"""

from __future__ import annotations

from exhibit.preflight.report import Finding, Report, Status

__all__ = ["Finding", "Report", "Status"]
