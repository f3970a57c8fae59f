#!/usr/bin/env python3
"""mining.configure (BIP 310) and shares with version bits, against the main
pool (version mask 1fffe000, difficulty 0.0002). Usage: versionroll.py PORT"""
from poolkit import Client, error_code, main_guard, mine_accepted


def configure(tap, port):
    c = Client(port)
    r = c.request("mining.configure", [["version-rolling"], {
        "version-rolling.mask": "ffffffff", "version-rolling.min-bit-count": 2}])
    tap.ok(r.get("result") == {"version-rolling": True, "version-rolling.mask": "1fffe000"}
           and r.get("error") is None,
           "configure version-rolling, mask ffffffff: true, mask 1fffe000", r)
    d = Client(port)
    r = d.request("mining.configure", [["version-rolling"], {"version-rolling.mask": "00ffff00"}])
    tap.ok(r.get("result") == {"version-rolling": True, "version-rolling.mask": "00ffe000"},
           "configure version-rolling, mask 00ffff00: pool mask & requested = 00ffe000", r)
    r = d.request("mining.configure", [["version-rolling"], {}])
    tap.ok(r.get("result") == {"version-rolling": True, "version-rolling.mask": "1fffe000"},
           "configure version-rolling without a mask: BIP 310's default ffffffff", r)
    d.close()
    return c


def extensions(tap, port):
    c = Client(port)
    r = c.request("mining.configure", [
        ["minimum-difficulty", "subscribe-extranonce", "x-unknown"],
        {"minimum-difficulty.value": 0.0003}])
    tap.ok(r.get("result") == {"minimum-difficulty": True, "subscribe-extranonce": True,
                               "x-unknown": False},
           "configure minimum-difficulty, subscribe-extranonce: true; unknown: false", r)
    r = c.request("mining.extranonce.subscribe", [])
    tap.ok(r.get("result") is True, "mining.extranonce.subscribe: true", r)
    c.subscribe()
    m = c.wait_method("mining.set_difficulty", 3)
    tap.ok(m is not None and m["params"][0] >= 0.0003,
           "minimum-difficulty 0.0003 raises the client's difficulty to it", m)
    r = c.request("mining.configure", [["version-rolling"], {"version-rolling.mask": 5}])
    tap.ok(r.get("result") == {"version-rolling": False},
           "configure version-rolling with a mask that is not hex: false", r)
    r = c.request("mining.configure", "nonsense")
    tap.ok(error_code(r) == 20, "configure with params not an array: 20", r)
    c.close()


def rolled_shares(tap, c):
    c.subscribe()
    c.authorize("worker.1")
    c.wait_method("mining.notify")
    mask = 0x1fffe000
    params, _, r = mine_accepted(c, tap, version_bits=0x00a5e000, mask=mask)
    tap.ok(r.get("result") is True and len(params) == 6,
           "share with version_bits 00a5e000 (header version (v & ~mask) | (bits & mask)): "
           "accepted", [params, r])
    params, _, r = mine_accepted(c, tap, version_bits=mask, mask=mask)
    tap.ok(r.get("result") is True, "share with every mask bit rolled (1fffe000): accepted", r)
    bad = params[:5] + ["40000000"]
    r = tap.count(c.submit(bad))
    tap.ok(r.get("error") == [20, "Invalid version bits", None],
           "version_bits outside the negotiated mask: 20", r)
    r = tap.count(c.submit(params[:5] + ["0000000g"]))
    tap.ok(r.get("error") == [20, "Invalid params", None], "version_bits not hex: 20", r)


def versionroll(tap, argv):
    port = int(argv[0])
    c = configure(tap, port)
    extensions(tap, port)
    rolled_shares(tap, c)
    c.close()
    tap.counts()


if __name__ == "__main__":
    main_guard(versionroll)
