#!/usr/bin/env python3
"""Misbehaving clients never hurt a good one: garbage, a half line left open,
a 1 MB line, connect-and-hang, invalid JSON, a flood of bad lines, while a
good client keeps getting jobs and accepted shares. Against the main pool
(notify every second). Usage: misbehave.py PORT"""
import socket
import time

from poolkit import Client, main_guard, mine_accepted


def raw(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s


def read_line(s, timeout=5):
    s.settimeout(timeout)
    buf = b""
    while b"\n" not in buf:
        data = s.recv(4096)
        if not data:
            return None
        buf += data
    return buf.split(b"\n", 1)[0]


def closed_by_pool(s, timeout=5):
    """True when the pool closes s (EOF or reset) within timeout."""
    s.settimeout(timeout)
    try:
        while True:
            data = s.recv(65536)
            if not data:
                return True
    except ConnectionResetError:
        return True
    except (socket.timeout, OSError):
        return False


def still_served(tap, good, what):
    """The good client's request is answered and a new job arrives."""
    good.forget()
    r = good.request("mining.extranonce.subscribe", [], timeout=3)
    m = good.wait_method("mining.notify", 3)
    tap.ok(r.get("result") is True and m is not None,
           f"the good client is answered and gets jobs after {what}", [r, m])


def misbehave(tap, argv):
    port = int(argv[0])
    good = Client(port)
    good.ready()
    hang = raw(port)                                  # connect and hang
    half = raw(port)
    half.sendall(b'{"id": 1, "method": "mining.subscr')   # a half line, left open
    still_served(tap, good, "connect-and-hang and a half line")

    g = raw(port)
    g.sendall(b"\x00\xff\xfegarbage \x01\x02\n")
    tap.ok(read_line(g) == b'{"id":null,"result":null,"error":[20,"Invalid JSON",null]}',
           "garbage line: error 20 Invalid JSON with id null", "")
    g.sendall(b'{"id": 5, "method": "mining.subscribe", "params": [}\n')
    tap.ok(b"Invalid JSON" in (read_line(g) or b""), "invalid JSON: an error answer", "")
    g.sendall(b"[1, 2, 3]\n")
    tap.ok(b"Invalid request" in (read_line(g) or b""), "JSON that is not an object: an error",
           "")
    g.sendall(b"[" * 5000 + b"\n")
    tap.ok(b"Invalid JSON" in (read_line(g) or b""), "5000 nested arrays: an error", "")
    g.sendall(b'{"id": 6, "method": "mining.subscribe", "params": []} trailing\n')
    tap.ok(b"Invalid JSON" in (read_line(g) or b""), "trailing bytes after the object: an error",
           "")
    g.sendall(b'{"id": 7, "method": "mining.subscribe", "params": []}\n')
    r = read_line(g) or b""
    tap.ok(b'"id":7' in r and b'"error":null' in r,
           "the same connection still works after bad lines", r)
    still_served(tap, good, "garbage and invalid JSON")

    big = raw(port)
    try:
        big.sendall(b"a" * (1 << 20))
    except OSError:
        pass
    tap.ok(closed_by_pool(big), "a 1 MB line: that client is disconnected", "")
    still_served(tap, good, "a 1 MB line")

    flood = raw(port)
    flood.sendall(b"nonsense\n" * 12)
    tap.ok(closed_by_pool(flood), "10 malformed lines: that client is disconnected", "")
    still_served(tap, good, "a flood of bad lines")

    deaf = raw(port)                    # asks and asks, never reads an answer
    names = ['"x-%s"' % ("%02d" % i * 900) for i in range(16)]
    line = ('{"id": 1, "method": "mining.configure", "params": [[%s], {}]}\n'
            % ",".join(names)).encode()
    deaf.settimeout(20)
    sent = 0
    try:
        while sent < 40_000_000:
            deaf.sendall(line)
            sent += len(line)
        dropped = False
    except OSError:
        dropped = True
    tap.ok(dropped, f"a client that never reads is dropped (after {sent >> 20} MiB of requests)",
           "")
    still_served(tap, good, "a client that never reads")

    tap.ok(not closed_by_pool(hang, 0.2) and not closed_by_pool(half, 0.2),
           "the hanging and half-line clients are still connected", "")
    params, _, r = mine_accepted(good, tap)
    tap.ok(r.get("result") is True, "the good client's share is accepted after all that", r)
    for s in (hang, half, g):
        s.close()
    good.close()
    tap.counts()


if __name__ == "__main__":
    main_guard(misbehave)
