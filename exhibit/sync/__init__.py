"""The sync protocol: one show clock for many PCs.

A hall whose walls or headsets are driven by several PCs has one *master* (the
hall, :mod:`exhibit.hall.sync`) and any number of *followers* (``exhibit play
--follow HOST:PORT``). The master owns the show: which scene, which language,
playing or not, and the show time. Followers only draw it; effects, narration
and the quiz are driven by the master alone, so nothing fires twice.

The wire (OSC 1.0 over UDP, times as 64-bit doubles; ``d`` is OSC's double tag):

====================  ==========================================  =================
address               arguments                                   direction
====================  ==========================================  =================
``/exhibit/sync/state``  epoch i, seq i, scene s, lang s, status s,  master -> follower,
                      master wall d, show time d, rate d          10 per second and
                                                                  at once on a change
``/exhibit/sync/ping``   name s, t0 d (follower wall), padding b  follower -> master
``/exhibit/sync/pong``   epoch i, t0 d, t1 d (master received),   master -> follower
                      t2 d (master sent)
====================  ==========================================  =================

A ping's padding blob may begin with a follower's report: ``EXR1`` and two
big-endian doubles, its clock offset (master minus follower, as estimated) and
its show-time error at its last drawn frame (NaN when not known). A master that
predates the report reads the ping as before, and a ping without it reports
nothing; the hall's console shows each follower's report.

A ping also registers the follower: the master sends its states to every
address it heard a ping from in the last few seconds, so no broadcast or
multicast setup is needed and a follower may start before or after the master.

With a shared key (``sync: key:`` in ``hall.yaml``, the same on every PC) each
datagram ends in a 16-byte tag, HMAC-SHA256 of the OSC bytes before it, cut to
16 bytes; a datagram without the right tag is dropped unread. A ping carries a
padding blob, so that a pong is never larger than the ping it answers: a spoofed
ping cannot make the master send more bytes than it received.

Clock offset, as NTP does it (RFC 5905, section 8): with ``t3`` the follower's
time when the pong arrives, ``offset = ((t1 - t0) + (t2 - t3)) / 2`` and
``delay = (t3 - t0) - (t2 - t1)``; of the last :data:`FILTER_SAMPLES` samples
the one with the smallest delay is trusted (queueing only ever adds delay, and
asymmetric delay is what makes an offset wrong).

The follower's show time then steers towards the master's as the show clock
steers towards the voice (:mod:`exhibit.timeline.clock`): slewing by at most
5 % of the rate, jumping when more than 200 ms off (a late join, a seek, a new
scene). A follower that hears nothing for :data:`LOST_AFTER` seconds *holds*:
it keeps running at the last rate (a frozen wall looks broken; a few seconds of
free running on a PC's quartz clock drift by well under a millisecond) and
slews or jumps back when the master returns; a master that restarted (a new
epoch) is measured afresh.

The package has no Panda3D: :mod:`exhibit.sync.wire` is the datagrams (messages, encoding,
the shared-key tag), :mod:`exhibit.sync.clock` the follower's arithmetic (offset filter,
follower clock) and :mod:`exhibit.sync.peer` the UDP sockets (the follower, and the peer the
hall's master, :mod:`exhibit.hall.sync`, is built on). Drawing what a follower reads is
:mod:`exhibit.render.follow`.
"""
