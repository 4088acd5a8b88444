"""Show control: the hall's day of shows, independent of rendering.

- :mod:`exhibit.hall.control`: the states (standby, preshow, show, postshow), the schedule,
  the attract loop, GO / STOP / PANIC / SEEK, status, the journal;
- :mod:`exhibit.hall.schedule`: shows every N minutes within opening hours;
- :mod:`exhibit.hall.show` and :mod:`exhibit.hall.playback`: one run of a scene, played
  headless against an injectable :mod:`~exhibit.hall.clock` or by the Panda3D player
  that ``exhibit hall`` makes and hands in (show control never imports the renderer);
- :mod:`exhibit.hall.remote`: OSC from the show-control desk;
- :mod:`exhibit.hall.web`: the web application on the HTTP address: the operator console, the
  quiz on visitors' phones, the big-screen board and the JSON commands;
- :mod:`exhibit.hall.catalogue`: the scene names the hall accepts (never paths);
- :mod:`exhibit.hall.sync`: follower PCs told what the hall plays.

Effects go through :mod:`exhibit.effects` (the bus, and the host that owns the hardware).
"""
