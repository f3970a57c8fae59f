#!/usr/bin/env python3
"""A normal miner's session and every share verdict, against a pool started
with --difficulty 0.0002 --no-vardiff --notify-interval 1 --user worker
--user alice. Usage: basic.py PORT"""
from poolkit import Client, error_code, hash_difficulty, main_guard, mine_accepted


def expect_error(tap, resp, code, reason, desc):
    return tap.ok(resp.get("result") is None and resp.get("error") == [code, reason, None],
                  desc, resp)


def session(tap, c):
    r = c.subscribe()
    res = r.get("result")
    tap.ok(r.get("error") is None and isinstance(res, list) and len(res) == 3 and
           [s[0] for s in res[0]] == ["mining.set_difficulty", "mining.notify"] and
           res[0][0][1] == res[0][1][1] and len(res[1]) == 8 and res[2] == 4,
           "subscribe: two subscriptions, 4-byte extranonce1, extranonce2_size 4", r)
    c.wait_method("mining.notify")
    tap.ok([m["method"] for m in c.log[:2]] == ["mining.set_difficulty", "mining.notify"] and
           c.log[0]["params"] == [0.0002] and c.log[1]["params"][8] is True and
           c.log[0]["id"] is None and isinstance(c.log[1]["params"][0], str),
           "after subscribe: set_difficulty 0.0002, then a clean notify", c.log[:2])
    r = c.authorize("worker.1")
    tap.ok(r == {"id": r["id"], "result": True, "error": None}, "authorize worker.1: true", r)
    r = c.authorize("alice")
    tap.ok(r.get("result") is True, "authorize alice (a --user name): true", r)
    r = c.authorize("mallory.1")
    tap.ok(r.get("result") is False, "authorize mallory.1 (not a --user name): false", r)
    return res[0][0][1]


def verdicts(tap, c):
    params, h, r = mine_accepted(c, tap)
    tap.ok(r.get("result") is True and r.get("error") is None,
           f"share found with hashlib at difficulty 0.0002 (hash diff {hash_difficulty(h):.4g}): "
           "accepted", r)
    job = c.jobs[params[1]]
    expect_error(tap, tap.count(c.submit(params)), 22, "Duplicate share", "same share again: 22")
    expect_error(tap, tap.count(c.submit(["worker.1", "ffffffff"] + params[2:])), 21,
                 "Job not found", "unknown job id: 21")
    low, _ = c.mine(c.last_job, want_pass=False)
    expect_error(tap, tap.count(c.submit(low)), 23, "Low difficulty share",
                 "hash above the share target: 23")
    expect_error(tap, tap.count(c.submit(params[:2] + ["00"] + params[3:])), 20,
                 "Invalid extranonce2 size", "1-byte extranonce2: 20")
    for ntime, what in ((job.ntime - 1, "below"), (job.ntime + 7001, "above")):
        bad = params[:3] + ["%08x" % ntime] + params[4:]
        expect_error(tap, tap.count(c.submit(bad)), 20, "Ntime out of range",
                     f"ntime {what} [job ntime, +7000]: 20")
    expect_error(tap, tap.count(c.submit(params + ["00002000"])), 20, "Invalid version bits",
                 "version_bits without mining.configure: 20")
    expect_error(tap, tap.count(c.submit(params[:4])), 20, "Invalid params",
                 "four params: 20 Invalid params")
    expect_error(tap, tap.count(c.submit(params[:4] + ["xyz"])), 20, "Invalid params",
                 "nonce not hex: 20 Invalid params")
    expect_error(tap, tap.count(c.submit(["bob.1"] + params[1:])), 24, "Unauthorized worker",
                 "worker not authorized on this connection: 24")
    expect_error(tap, c.request("mining.frobnicate", []), 20, "Method not supported",
                 "unknown method: 20 Method not supported")


def timer_job(tap, c):
    first = c.last_job
    c.forget()
    m = c.wait_method("mining.notify", 4)
    tap.ok(m is not None and m["params"][8] is False and
           int(m["params"][7], 16) > first.ntime and m["params"][1] == first.prevhash,
           "a timer job: clean_jobs false, same prevhash, ntime advanced", m)


def difficulty_per_job(tap, c):
    """A share is held to the difficulty its job was sent with."""
    old = c.last_job
    pending, h = c.mine(old, below=0.01)
    r = c.request("mining.suggest_difficulty", [0.01])
    tap.ok(r.get("result") is True, "suggest_difficulty 0.01: true", r)
    m = c.wait_method("mining.set_difficulty", 3, lambda m: m["params"] == [0.01])
    n = c.wait_method("mining.notify", 3, lambda m: c.jobs[m["params"][0]].difficulty == 0.01)
    tap.ok(m is not None and m["params"] == [0.01] and n is not None and
           c.jobs[n["params"][0]].difficulty == 0.01,
           "suggest_difficulty: set_difficulty 0.01, then a fresh notify", [m, n])
    r = tap.count(c.submit(pending))
    tap.ok(r.get("result") is True,
           f"share of the job sent at 0.0002 (hash diff {hash_difficulty(h):.4g} < 0.01) "
           "after the change: accepted", r)
    low, h = c.mine(c.last_job, difficulty=0.0002, below=0.01)
    expect_error(tap, tap.count(c.submit(low)), 23, "Low difficulty share",
                 "share meeting 0.0002 on the job sent at 0.01: 23")
    c.request("mining.suggest_difficulty", [0.0002])
    c.wait_method("mining.notify", 3, lambda m: c.jobs[m["params"][0]].difficulty == 0.0002)


def not_subscribed(tap, port, sid):
    d = Client(port)
    expect_error(tap, tap.count(d.submit(["worker.1", "1", "00000000", "00000000", "00000000"])),
                 25, "Not subscribed", "submit before subscribe: 25")
    d.close()


def resume(tap, port, c, sid):
    en1 = c.extranonce1
    c.close()
    import time
    time.sleep(0.3)
    d = Client(port)
    r = d.subscribe(["poolkit/1", sid])
    tap.ok(r["result"][1] == en1 and r["result"][0][0][1] == sid,
           "subscribe with the session id after a disconnect: same extranonce1", [r, en1])
    e = Client(port)
    r2 = e.subscribe(["poolkit/1", "0badc0de"])
    tap.ok(r2["result"][1] != en1, "subscribe with an unknown session id: a new extranonce1", r2)
    d.close()
    e.close()


def basic(tap, argv):
    port = int(argv[0])
    c = Client(port)
    sid = session(tap, c)
    verdicts(tap, c)
    timer_job(tap, c)
    difficulty_per_job(tap, c)
    not_subscribed(tap, port, sid)
    resume(tap, port, c, sid)
    tap.counts()


if __name__ == "__main__":
    main_guard(basic)
