#!/usr/bin/env python3
"""board_bench.py: the daemon's own costs with a board, for `make bench`.

1. Latency, on loopback and a pseudo-terminal (no UART time): this script
   plays both ends the daemon talks to, so one clock times both sides.
   - A Stratum pool (a TCP socket) that sends a new block (mining.notify
     with clean_jobs) every 100 ms.
   - A board on a pty (`--device serial:PTY`) speaking docs/link-protocol.md:
     IDENTITY, a STATUS for every command, and for each work unit one NONCE
     frame whose double hash (computed here from the unit's midstate, state3
     and tail) meets the share target, so the daemon submits it.
   notify -> WORK: from the notify's last byte written to the socket to the
   WORK frame's last byte read from the pty. NONCE -> submit: from the NONCE
   frame written to the pty to the mining.submit line read from the socket.
2. CPU: `pipeminer pool`, `pipeminer sim --pty` (the RTL in Verilator, its
   own process) and the daemon with --device serial:PTY mining for SECONDS;
   the daemon's user+system time from /proc over that time, as a share of
   one core (goal: under 1%).
"""
import json
import os
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pmlink import M32, crc16, frame, sha256d_from_midstate  # noqa: E402

PM = os.environ.get("PIPEMINER", "./pipeminer")
ROUNDS = int(os.environ.get("LATENCY_ROUNDS", "60"))
CPU_SECONDS = float(os.environ.get("CPU_SECONDS", "20"))

PAYLOAD_LEN = {0x01: 0, 0x02: 86, 0x03: 0, 0x04: 0}


class Board:
    """The board end of the pty: answers like pm_link and records WORK arrivals."""

    def __init__(self, fd):
        self.fd = fd
        self.buf = b""
        self.tag = 0
        self.hashes = 0
        self.results = 0
        self.work = None          # the last WORK: (tag, zero_bits, midstate, tail, start)
        self.work_at = None       # when its last byte was read

    def status(self):
        payload = struct.pack(">BBI", self.tag, 1, 0) + self.hashes.to_bytes(6, "big") + \
            struct.pack(">HH", 0, self.results & 0xFFFF)
        os.write(self.fd, frame(0x83, payload))

    def poll(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return
        now = time.perf_counter()
        self.buf += os.read(self.fd, 4096)
        while True:
            i = self.buf.find(b"\xa5")
            if i < 0:
                self.buf = b""
                return
            self.buf = self.buf[i:]
            if len(self.buf) < 3:
                return
            ftype = self.buf[1]
            n = PAYLOAD_LEN.get(ftype)
            if n is None or self.buf[2] != n:
                self.buf = self.buf[1:]
                continue
            if len(self.buf) < 5 + n:
                return
            body, crc = self.buf[1:3 + n], self.buf[3 + n:5 + n]
            self.buf = self.buf[5 + n:]
            if struct.pack(">H", crc16(body)) != crc:
                continue
            self.on_frame(ftype, body[2:], now)

    def on_frame(self, ftype, p, now):
        if ftype == 0x01:
            os.write(self.fd, frame(0x81, struct.pack(">BBBBIIHH", 1, 2, 1, 128, 12000000,
                                                      0x10000, 1, 123)))
            return
        if ftype == 0x02:
            self.tag = p[0]
            midstate = struct.unpack(">8I", p[2:34])
            tail = struct.unpack(">3I", p[66:78])
            start = struct.unpack(">I", p[78:82])[0]
            self.work = (p[0], p[1], midstate, tail, start)
            self.work_at = now
        self.hashes += 1000000
        self.status()


# ---- the pool end
class Pool:
    def __init__(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.conn = None
        self.buf = b""
        self.submits = {}         # nonce -> time the submit line was read
        self.job = 0
        self.authorized = False

    def send(self, obj):
        self.conn.sendall((json.dumps(obj) + "\n").encode())
        return time.perf_counter()

    def notify(self):
        self.job += 1
        prevhash = "%064x" % (0x1234 + self.job)
        return self.send({"id": None, "method": "mining.notify", "params": [
            "%x" % self.job, prevhash,
            "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff0704ffff001d0104",
            "ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000",
            [], "20000000", "1d00ffff", "%08x" % (1700000000 + self.job), True]})

    def poll(self, timeout):
        r, _, _ = select.select([self.conn], [], [], timeout)
        if not r:
            return
        now = time.perf_counter()
        data = self.conn.recv(65536)
        if not data:
            raise SystemExit("board_bench: the daemon closed the pool connection")
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            msg = json.loads(line)
            method = msg.get("method")
            if method == "mining.subscribe":
                self.send({"id": msg["id"], "result": [[["mining.notify", "1"]], "f000000f", 4],
                           "error": None})
            elif method == "mining.authorize":
                self.send({"id": msg["id"], "result": True, "error": None})
                self.send({"id": None, "method": "mining.set_difficulty", "params": [DIFF]})
                self.authorized = True
            elif method == "mining.submit":
                self.submits[int(msg["params"][4], 16)] = now
                self.send({"id": msg["id"], "result": True, "error": None})
            elif "id" in msg and method:
                self.send({"id": msg["id"], "result": None, "error": [20, "not here", None]})


DIFF = 1e-6   # one nonce in ~4,300 meets it: cheap to find here in Python
SHARE_TARGET = int(0xFFFF * 2 ** 208 / DIFF)


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def latency():
    master, slave = os.openpty()
    tty.setraw(master)
    board = Board(master)
    pool = Pool()
    log = tempfile.TemporaryFile("w+")
    daemon = subprocess.Popen(
        [PM, "-o", "stratum+tcp://127.0.0.1:%d" % pool.port, "-u", "bench", "-p", "x",
         "--no-version-rolling", "--device", "serial:" + os.ttyname(slave), "--run-for", "600"],
        stdout=subprocess.DEVNULL, stderr=log, text=True)
    deadline = time.time() + 10
    while pool.conn is None:   # the daemon identifies the board before it dials
        if time.time() > deadline:
            log.seek(0)
            raise SystemExit("board_bench: the daemon did not connect:\n" + log.read())
        board.poll(0.01)
        if select.select([pool.listener], [], [], 0)[0]:
            pool.conn, _ = pool.listener.accept()
    pool.conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    deadline = time.time() + 10
    while not pool.authorized and time.time() < deadline:
        pool.poll(0.01)
        board.poll(0)
    pool.notify()
    while board.work_at is None and time.time() < deadline:
        board.poll(0.01)
        pool.poll(0)
    to_work, to_submit = [], []
    for _ in range(ROUNDS):
        sent = pool.notify()
        board.work_at = None
        t_end = time.perf_counter() + 1.0
        while board.work_at is None and time.perf_counter() < t_end:
            board.poll(0.005)
            pool.poll(0)
        if board.work_at is None:
            continue
        to_work.append(board.work_at - sent)
        tag, _, midstate, tail, start = board.work
        nonce = start
        while sha256d_from_midstate(midstate, tail, nonce) > SHARE_TARGET:
            nonce = (nonce + 1) & M32
        board.results += 1
        wrote = time.perf_counter()
        os.write(master, frame(0x82, struct.pack(">BI", tag, nonce)))
        t_end = time.perf_counter() + 1.0
        while nonce not in pool.submits and time.perf_counter() < t_end:
            pool.poll(0.005)
            board.poll(0)
        if nonce in pool.submits:
            to_submit.append(pool.submits[nonce] - wrote)
        # let the daemon settle before the next block
        t_end = time.perf_counter() + 0.05
        while time.perf_counter() < t_end:
            board.poll(0.005)
            pool.poll(0)
    daemon.terminate()
    daemon.wait(timeout=10)
    log.seek(0)
    err = log.read()
    os.close(master)
    os.close(slave)
    print("== latency on loopback and a pty (no UART time), %d new blocks" % ROUNDS)
    for name, vals in (("mining.notify -> WORK frame on the link", to_work),
                       ("NONCE frame -> mining.submit on the wire", to_submit)):
        if not vals:
            print("  %-42s no samples (daemon log below)" % name)
            print(err[-2000:])
            continue
        print("  %-42s median %7.3f ms  p90 %7.3f ms  max %7.3f ms  (%d samples; goal < 1 ms: %s)" % (
            name, pct(vals, 0.5) * 1e3, pct(vals, 0.9) * 1e3, max(vals) * 1e3, len(vals),
            "met" if pct(vals, 0.5) < 1e-3 else "NOT met"))


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def cpu():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    procs = []
    try:
        procs.append(subprocess.Popen([PM, "pool", "--listen", "127.0.0.1:%d" % port,
                                       "--difficulty", "0.0005", "--no-vardiff"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        sim = subprocess.Popen([PM, "sim", "--pty"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
        procs.append(sim)
        pty = sim.stdout.readline().strip()
        time.sleep(0.3)
        daemon = subprocess.Popen([PM, "-o", "stratum+tcp://127.0.0.1:%d" % port, "-u", "cpu",
                                   "-p", "x", "--device", "serial:" + pty],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        procs.append(daemon)
        time.sleep(3)
        hz = os.sysconf("SC_CLK_TCK")
        t0, c0, s0 = time.monotonic(), cpu_ticks(daemon.pid), cpu_ticks(sim.pid)
        time.sleep(CPU_SECONDS)
        t1, c1, s1 = time.monotonic(), cpu_ticks(daemon.pid), cpu_ticks(sim.pid)
        daemon.send_signal(2)
        out = daemon.communicate(timeout=10)[0]
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(2)
                p.wait(timeout=10)
    share = (c1 - c0) / hz / (t1 - t0)
    print("== the daemon's CPU use, mining from `pipeminer sim --pty` (another process) for %.0f s"
          % (t1 - t0))
    print("  daemon: %.2f%% of a core (goal < 1%%: %s); the simulated board: %.0f%%" % (
        share * 100, "met" if share < 0.01 else "NOT met", (s1 - s0) / hz / (t1 - t0) * 100))
    for line in out.splitlines():
        print("  " + line)


if __name__ == "__main__":
    latency()
    cpu()
