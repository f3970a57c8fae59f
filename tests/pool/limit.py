#!/usr/bin/env python3
"""--max-clients: against a pool started with --max-clients 3, the fourth
connection is closed at once and the three keep being served; once one
leaves, a new one gets in. Usage: limit.py PORT"""
import time

from poolkit import Client, main_guard


def limit(tap, argv):
    port = int(argv[0])
    first = [Client(port) for _ in range(3)]
    for c in first:
        c.subscribe()
    extra = Client(port)
    try:
        extra.pump(3)
    except EOFError:
        pass
    tap.ok(extra.closed, "past --max-clients 3, a fourth connection is closed at once", "")
    tap.ok(all(c.request("mining.extranonce.subscribe", []).get("result") is True
               for c in first), "the three first are still served", "")
    first[0].close()
    time.sleep(0.2)
    late = Client(port)
    tap.ok(late.subscribe().get("result") is not None, "after one leaves, a new one gets in", "")
    for c in first[1:] + [late, extra]:
        c.close()
    tap.counts()


if __name__ == "__main__":
    main_guard(limit)
