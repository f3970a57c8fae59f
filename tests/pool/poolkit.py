"""poolkit: a small Stratum v1 miner in Python (stdlib only) for testing
`pipeminer pool` from the outside, and TAP output for tests/cli/test_pool.sh.

The miner rebuilds everything itself with hashlib (coinbase, merkle root,
header, double SHA-256, share target), so an accepted share is evidence
that the pool and an independent implementation agree on every byte.
"""
import hashlib
import json
import os
import socket
import ssl
import struct
import sys
import time
from fractions import Fraction

DIFF1 = 0xFFFF << 208


def dsha(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def share_target(difficulty):
    """floor(diff1 / d), exactly, for a float d."""
    return int(Fraction(DIFF1) / Fraction(difficulty))


def hash_difficulty(h):
    v = int.from_bytes(h, "little")
    return float("inf") if v == 0 else DIFF1 / v


def swap_words(b):
    return b"".join(b[i:i + 4][::-1] for i in range(0, len(b), 4))


def coinbase_height(coinb1):
    """The BIP 34 height at the start of the coinbase's scriptSig (offset 42)."""
    script = bytes.fromhex(coinb1)[42:]
    op = script[0]
    if 0x51 <= op <= 0x60:
        return op - 0x50
    n = op
    return int.from_bytes(script[1:1 + n], "little")


class Tap:
    """Prints "ok - desc" / "not ok - desc" lines; test_pool.sh numbers them."""

    def __init__(self):
        self.failed = 0
        self.n = {"accepted": 0, "rejected": 0, "stale": 0, "duplicates": 0}

    def ok(self, cond, desc, diag=""):
        print(("ok - " if cond else "not ok - ") + desc, flush=True)
        if not cond:
            self.failed += 1
            for line in str(diag).splitlines():
                print("# " + line, flush=True)
        return cond

    def count(self, resp, stale=False):
        """Counts a submit's answer as the pool should: 21 for an old block is stale."""
        code = error_code(resp)
        kind = ("accepted" if resp.get("result") is True else "duplicates" if code == 22
                else "stale" if code == 21 and stale else "rejected")
        self.n[kind] += 1
        return resp

    def counts(self):
        """What this script made the pool count, for the summary check."""
        print("counts " + " ".join(f"{k}={v}" for k, v in self.n.items()), flush=True)


class Job:
    def __init__(self, params, difficulty, extranonce1):
        self.id = params[0]
        self.prevhash, self.coinb1, self.coinb2 = params[1], params[2], params[3]
        self.branch = params[4]
        self.version = int(params[5], 16)
        self.nbits = int(params[6], 16)
        self.ntime = int(params[7], 16)
        self.clean = params[8]
        self.difficulty = difficulty
        self.extranonce1 = extranonce1

    def header76(self, extranonce2, ntime, version):
        cb = bytes.fromhex(self.coinb1 + self.extranonce1 + extranonce2 + self.coinb2)
        h = dsha(cb)
        for b in self.branch:
            h = dsha(h + bytes.fromhex(b))
        return (struct.pack("<I", version) + swap_words(bytes.fromhex(self.prevhash)) + h +
                struct.pack("<II", ntime, self.nbits))


def find_nonce(header76, difficulty, want_pass=True, limit=60_000_000, start=0):
    """The first nonce whose hash meets (or, want_pass False, misses) the target."""
    target = share_target(difficulty)
    tbytes = target.to_bytes(32, "big") if target < 1 << 256 else b"\xff" * 32
    base = hashlib.sha256(header76)
    sha = hashlib.sha256
    pack = struct.Struct("<I").pack
    for nonce in range(start, start + limit):
        c = base.copy()
        c.update(pack(nonce))
        h = sha(c.digest()).digest()
        if (h[::-1] <= tbytes) == want_pass:
            return nonce, h
    raise RuntimeError("no nonce found")


class Client:
    """One connection. Notifications are tracked as they arrive in any read."""

    def __init__(self, port, host="127.0.0.1", tls=None, server_hostname=None, timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        if tls:
            self.sock = tls.wrap_socket(self.sock, server_hostname=server_hostname)
        self.buf = b""
        self.next_id = 1
        self.difficulty = 1.0          # for the next notify
        self.extranonce1 = None
        self.extranonce2_size = None
        self.jobs = {}
        self.last_job = None
        self.messages = []             # notifications not yet looked at
        self.responses = {}
        self.log = []                  # every method notification, in order
        self.closed = False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, obj):
        self.send_raw((json.dumps(obj) + "\n").encode())

    def read_line(self, timeout):
        """One line, or None on timeout; raises EOFError when the pool closed."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, ssl.SSLWantReadError):
                return None
            except ConnectionResetError:
                data = b""
            if not data:
                self.closed = True
                raise EOFError("connection closed by the pool")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def _track(self, msg):
        m = msg.get("method")
        if m == "mining.set_difficulty":
            self.difficulty = msg["params"][0]
        elif m == "mining.notify":
            job = Job(msg["params"], self.difficulty, self.extranonce1)
            self.jobs[job.id] = job
            self.last_job = job
        elif m == "mining.set_extranonce":
            self.extranonce1 = msg["params"][0]
            self.extranonce2_size = msg["params"][1]
        if m:
            self.log.append(msg)
            self.messages.append(msg)
        else:
            self.responses[msg.get("id")] = msg

    def pump(self, timeout):
        """Reads one message (tracked); None on timeout."""
        line = self.read_line(timeout)
        if line is None:
            return None
        try:
            msg = json.loads(line)
        except ValueError:
            msg = {"method": None, "malformed": line}
            self.messages.append(msg)
            return msg
        self._track(msg)
        return msg

    def request(self, method, params, timeout=10):
        rid = self.next_id
        self.next_id += 1
        self.send({"id": rid, "method": method, "params": params})
        return self.wait_response(rid, timeout)

    def wait_response(self, rid, timeout=10):
        deadline = time.monotonic() + timeout
        while rid not in self.responses:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no response to request {rid}")
            self.pump(left)
        return self.responses.pop(rid)

    def wait_method(self, method, timeout=10, pred=lambda m: True):
        """The oldest unseen notification of this method (others stay); None on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.messages):
                if m.get("method") == method and pred(m):
                    del self.messages[i]
                    return m
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.pump(left)

    def forget(self):
        """Marks every notification so far as seen."""
        self.messages.clear()

    def subscribe(self, params=("poolkit/1",)):
        r = self.request("mining.subscribe", list(params))
        if r.get("result"):
            self.extranonce1 = r["result"][1]
            self.extranonce2_size = r["result"][2]
        return r

    def authorize(self, user="worker.1", password="x"):
        return self.request("mining.authorize", [user, password])

    def ready(self, user="worker.1"):
        """subscribe + authorize + the first job."""
        self.subscribe()
        self.authorize(user)
        self.wait_method("mining.notify")
        return self.last_job

    def mine(self, job=None, extranonce2=None, version_bits=None, mask=0, ntime=None,
             want_pass=True, difficulty=None, below=None, worker="worker.1"):
        """Submit params and hash for a share of job (default: the last) at its
        difficulty (or `difficulty`), with a hash difficulty under `below` if given."""
        job = job or self.last_job
        en2 = extranonce2 or os.urandom(self.extranonce2_size).hex()
        ntime = job.ntime if ntime is None else ntime
        version = job.version
        if version_bits is not None:
            version = (job.version & ~mask) | (version_bits & mask)
        header = job.header76(en2, ntime, version)
        nonce = -1
        while True:
            nonce, h = find_nonce(header, difficulty or job.difficulty, want_pass,
                                  start=nonce + 1)
            if below is None or hash_difficulty(h) < below:
                break
        params = [worker, job.id, en2, "%08x" % ntime, "%08x" % nonce]
        if version_bits is not None:
            params.append("%08x" % version_bits)
        return params, h

    def submit(self, params, timeout=10):
        return self.request("mining.submit", params, timeout)


def error_code(resp):
    e = resp.get("error")
    return e[0] if isinstance(e, list) and e else None


def mine_accepted(c, tap, tries=6, **kw):
    """Mines on the latest job and submits until accepted; stale answers (the
    block moved on while mining) are counted and retried. Returns the params,
    hash and answer of the last try."""
    for _ in range(tries):
        job = c.last_job
        params, h = c.mine(job, **kw)
        c.pump(0.01)
        resp = c.submit(params)
        moved = c.last_job.prevhash != job.prevhash
        tap.count(resp, stale=moved)
        if not (error_code(resp) == 21 and moved):
            break
    return params, h, resp


def tls_context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    return ctx


def main_guard(fn):
    """Runs fn(tap, argv) and turns an exception into a failed test."""
    tap = Tap()
    try:
        fn(tap, sys.argv[1:])
    except Exception as e:    # noqa: BLE001 - any failure is a test failure
        import traceback
        tap.ok(False, f"{fn.__name__} raised {type(e).__name__}: {e}", traceback.format_exc())
    sys.exit(1 if tap.failed else 0)
