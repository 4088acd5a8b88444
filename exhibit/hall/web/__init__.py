"""The hall on the web: the operator console (``/console``), the quiz on visitors' phones
(``/quiz``), the big-screen board (``/board``) and the JSON API beside them, served by
``exhibit hall`` on the remote's HTTP endpoint (Starlette on uvicorn).

Every script, style and picture comes from this package (halls are often offline);
commands go through the same checks as the OSC remote (:mod:`exhibit.hall.control`).
"""

from exhibit.hall.web.server import HttpRemote

__all__ = ["HttpRemote"]
