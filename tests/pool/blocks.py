#!/usr/bin/env python3
"""Block changes, against a pool started with --nbits 207fffff (regtest: any
share is a block) --block-interval 2 --difficulty 0.0002.
  - a share that meets nbits: accepted, "block found", and the next (clean)
    job builds on it: prevhash = that block's hash, height + 1
  - a share for a job of the old block: 21 (stale)
  - the timer's next block: clean, height + 1 again
Usage: blocks.py PORT"""
import time

from poolkit import Client, coinbase_height, main_guard, mine_accepted, swap_words


def blocks(tap, argv):
    port = int(argv[0])
    c = Client(port)
    c.ready()
    params, h, r = mine_accepted(c, tap)
    old = c.jobs[params[1]]
    tap.ok(r.get("result") is True, "a share meeting nbits 207fffff: accepted", r)
    n = c.wait_method("mining.notify", 3, lambda m: m["params"][8] and
                      m["params"][1] == swap_words(h).hex())
    tap.ok(n is not None and coinbase_height(n["params"][2]) == coinbase_height(old.coinb1) + 1,
           "the found block starts a new one: clean notify on its hash, height + 1", n)
    stale = params[:2] + ["%08x" % (int(params[2], 16) ^ 1)] + params[3:]
    r = tap.count(c.submit(stale), stale=True)
    tap.ok(r.get("error") == [21, "Job not found", None], "a share for the old block's job: 21", r)
    height = coinbase_height(n["params"][2])
    t0 = time.monotonic()
    m = c.wait_method("mining.notify", 4, lambda m: m["params"][8] is True and
                      coinbase_height(m["params"][2]) == height + 1)
    tap.ok(m is not None and m["params"][1] != n["params"][1],
           f"the next block on the timer (within {time.monotonic() - t0:.1f} s): clean, "
           "new prevhash, height + 1", m)
    c.close()
    tap.counts()


if __name__ == "__main__":
    main_guard(blocks)
