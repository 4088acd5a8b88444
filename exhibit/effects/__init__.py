"""5D effects: the bus that turns timeline levels into hardware values, through a safety layer.

Scenes name effects (wind, mist, seat, ...); ``hall.yaml`` maps each name to a channel on
an output (Art-Net or sACN DMX, OSC, or a simulator that logs). The layers:

- :mod:`exhibit.effects.bus` evaluates a timeline's effect levels at ``t + latency`` per
  channel (so slow devices fire early) and derives motion-seat poses from the camera path
  (:mod:`exhibit.effects.motion`);
- :mod:`exhibit.effects.host` owns the hardware: a :class:`~exhibit.effects.safety.Safety`
  layer with the hall's limits, the outputs and their refresh, and the heartbeat watch that
  turns everything off when the player goes quiet. It runs as its own small process
  (``exhibit effects serve``), reached through :mod:`exhibit.effects.link`;
- :mod:`exhibit.effects.artnet`, :mod:`exhibit.effects.sacn` and
  :mod:`exhibit.effects.outputs` are the wire formats and adapters.
"""
