#!/usr/bin/env python3
"""N concurrent connections, all open at once, each subscribing, authorizing
and getting a job. Usage: many.py PORT N"""
import json
import resource
import selectors
import socket
import time

from poolkit import main_guard


def many(tap, argv):
    port, n = int(argv[0]), int(argv[1])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 64), hard))
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        socks.append(s)
    hello = (json.dumps({"id": 1, "method": "mining.subscribe", "params": ["many/1"]}) + "\n" +
             json.dumps({"id": 2, "method": "mining.authorize", "params": ["worker.1", "x"]}) +
             "\n").encode()
    for i, s in enumerate(socks):
        s.sendall(hello)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, i)
    bufs = [b""] * n
    got = [dict() for _ in range(n)]     # what each connection saw
    done = 0
    deadline = time.monotonic() + 20
    while done < n and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1):
            i = key.data
            data = key.fileobj.recv(65536)
            if not data:
                sel.unregister(key.fileobj)
                continue
            bufs[i] += data
            while b"\n" in bufs[i]:
                line, bufs[i] = bufs[i].split(b"\n", 1)
                m = json.loads(line)
                tag = m.get("method") or "id%s" % m.get("id")
                if tag not in got[i]:
                    got[i][tag] = m
                    if tag == "mining.notify" and "id1" in got[i]:
                        done += 1
    elapsed = time.monotonic() - start
    all_open = sum(1 for s in socks if s.fileno() >= 0)
    en1 = {g["id1"]["result"][1] for g in got if "id1" in g}
    tap.ok(done == n and all_open == n,
           f"{n} connections open at once: every one subscribed and got a job "
           f"({done} in {elapsed:.2f} s)", f"{done} of {n} got a job")
    tap.ok(len(en1) == n, f"{n} distinct extranonce1 values", len(en1))
    tap.ok(all(g.get("id2", {}).get("result") is True for g in got),
           f"{n} authorized", [g.get("id2") for g in got if g.get("id2", {}).get("result") is not True][:3])
    for s in socks:
        s.close()
    print(f"# {n} clients served in {elapsed:.2f} s")
    tap.counts()


if __name__ == "__main__":
    main_guard(many)
