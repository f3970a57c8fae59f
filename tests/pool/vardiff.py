#!/usr/bin/env python3
"""Vardiff, against a pool started with --difficulty 0.00005 --vardiff-rate 20.
  vardiff.py PORT fast   mines flat out (far above 20 shares a minute): the
                         difficulty must go up, by at most 4x, with a fresh job
  vardiff.py PORT idle   submits nothing: after ~20 s the difficulty must go
                         down by the clamp, 4x"""
import time

from poolkit import Client, main_guard, mine_accepted


def fast(tap, c):
    start = c.difficulty
    t0 = time.monotonic()
    raised = None
    while raised is None and time.monotonic() - t0 < 15:
        mine_accepted(c, tap)
        for m in c.log:
            if m["method"] == "mining.set_difficulty" and m["params"][0] > start:
                raised = m["params"][0]
    shares = tap.n["accepted"]
    tap.ok(raised is not None and 1.5 * start <= raised <= 4 * start,
           f"a fast miner ({shares} shares in {time.monotonic() - t0:.1f} s): difficulty raised "
           f"{start} -> {raised} (at most 4x)", [start, raised, c.log[-3:]])
    n = c.wait_method("mining.notify", 3, lambda m: c.jobs[m["params"][0]].difficulty == raised)
    tap.ok(n is not None, "the raise comes with a fresh notify at the new difficulty", "")
    job = c.jobs[n["params"][0]]
    _, _, r = mine_accepted(c, tap)
    tap.ok(r.get("result") is True and c.last_job.difficulty >= raised,
           "a share at the raised difficulty is accepted", [r, job.difficulty])


def idle(tap, c):
    start = c.difficulty
    m = c.wait_method("mining.set_difficulty", 30, lambda m: m["params"][0] < start)
    tap.ok(m is not None and m["params"][0] == start / 4,
           f"an idle miner: difficulty lowered {start} -> "
           f"{m and m['params'][0]} (the 1/4 clamp) within 30 s", m)


def vardiff(tap, argv):
    port, mode = int(argv[0]), argv[1]
    c = Client(port)
    c.ready()
    c.forget()
    (fast if mode == "fast" else idle)(tap, c)
    c.close()
    tap.counts()


if __name__ == "__main__":
    main_guard(vardiff)
