#!/usr/bin/env python3
"""Stratum over TLS: a client verifying the pool's certificate against a CA
made at test time mines an accepted share; a failed handshake closes only
that client; a client trusting another CA refuses the pool.
Usage: tls.py PORT CA_FILE OTHER_CA_FILE"""
import socket
import ssl

from poolkit import Client, main_guard, mine_accepted


def tls(tap, argv):
    port, ca, other_ca = int(argv[0]), argv[1], argv[2]
    ctx = ssl.create_default_context(cafile=ca)
    c = Client(port, tls=ctx, server_hostname="localhost")
    tap.ok(c.sock.version() in ("TLSv1.2", "TLSv1.3"),
           f"TLS handshake verified against the test CA ({c.sock.version()}, "
           f"{c.sock.cipher()[0]})", c.sock.version())
    job = c.ready()
    tap.ok(job is not None and c.extranonce1 and len(c.extranonce1) == 8,
           "over TLS: subscribed, authorized, got a job", job)
    _, _, r = mine_accepted(c, tap)
    tap.ok(r.get("result") is True, "over TLS: a share is accepted", r)

    plain = socket.create_connection(("127.0.0.1", port), timeout=5)
    plain.sendall(b'{"id": 1, "method": "mining.subscribe", "params": []}\n')
    try:
        data = plain.recv(4096)
        while data:
            data = plain.recv(4096)
        closed = True
    except ConnectionResetError:
        closed = True
    except socket.timeout:
        closed = False
    tap.ok(closed, "plain text to the TLS port: that handshake fails and it is closed", "")

    wrong = ssl.create_default_context(cafile=other_ca)
    try:
        Client(port, tls=wrong, server_hostname="localhost")
        refused = False
    except ssl.SSLCertVerificationError:
        refused = True
    tap.ok(refused, "a client trusting another CA refuses the pool's certificate", "")

    r = c.request("mining.extranonce.subscribe", [])
    c.forget()
    m = c.wait_method("mining.notify", 3)
    tap.ok(r.get("result") is True and m is not None,
           "the verified TLS client is still served after the failed handshakes", [r, m])
    c.close()
    tap.counts()


if __name__ == "__main__":
    main_guard(tls)
