#!/usr/bin/env python3
"""Each --fault-* option, as a client sees it, against a pool started with
--fault-set-extranonce-after 0.5 --fault-malformed-after 2.5
--fault-reconnect-after 3 --fault-silent-after 4 --fault-drop-after 6
--notify-interval 0.5. Usage: faults.py PORT"""
import time

from poolkit import Client, main_guard, mine_accepted


def faults(tap, argv):
    port = int(argv[0])
    t0 = time.monotonic()
    c = Client(port)
    other = Client(port)                     # never asks for set_extranonce
    c.request("mining.extranonce.subscribe", [])
    c.ready()
    other.ready()
    old = c.extranonce1

    m = c.wait_method("mining.set_extranonce", 3)
    n = c.wait_method("mining.notify", 2, lambda m: m["params"][8] is True)
    tap.ok(m is not None and m["params"][0] != old and len(m["params"][0]) == 8 and
           m["params"][1] == 4 and n is not None,
           "--fault-set-extranonce-after: set_extranonce with a new extranonce1, then a clean "
           "notify", [m, n, old])
    _, _, r = mine_accepted(c, tap)
    tap.ok(r.get("result") is True and c.last_job.extranonce1 == c.extranonce1 != old,
           "a share built with the new extranonce1 is accepted", r)

    m = c.wait_method(None, 4, lambda m: "malformed" in m)
    tap.ok(m is not None and 2.3 < time.monotonic() - t0 < 4,
           "--fault-malformed-after: one line that is not JSON", m)
    m = c.wait_method("client.reconnect", 3)
    tap.ok(m is not None and m["params"] == ["127.0.0.1", port, 1] and m["id"] is None,
           "--fault-reconnect-after: client.reconnect [host, port, 1]", m)

    while time.monotonic() - t0 < 4.2:
        c.pump(0.1)
    c.forget()
    c.send({"id": 99, "method": "mining.extranonce.subscribe", "params": []})
    quiet = True
    while time.monotonic() - t0 < 5.5:
        quiet &= c.pump(0.1) is None
    tap.ok(quiet and not c.closed and 99 not in c.responses,
           "--fault-silent-after: no answers and no jobs, connection kept open", c.messages)

    try:
        while time.monotonic() - t0 < 9:
            c.pump(0.2)
    except EOFError:
        pass
    tap.ok(c.closed and 5.8 < time.monotonic() - t0 < 7.5,
           f"--fault-drop-after: the pool closed the connection "
           f"({time.monotonic() - t0:.1f} s after connecting)", time.monotonic() - t0)

    try:
        while not other.closed:
            other.pump(1)
    except EOFError:
        pass
    tap.ok(not [m for m in other.log if m["method"] == "mining.set_extranonce"],
           "no set_extranonce for a client that did not subscribe to it", other.log)
    d = Client(port)
    tap.ok(d.subscribe().get("result") is not None, "a new connection is served afresh", "")
    d.close()
    tap.counts()


if __name__ == "__main__":
    main_guard(faults)
