"""pmlink.py: the board link and SHA-256 from a midstate, in Python, for
the scripts and tests that play one end of a link (scripts/board_bench.py,
tests/bitstreams/postsynth.py). The reference is the C in host/ (link.c,
sha256.c, work.c); docs/link-protocol.md defines the frames."""
import struct

# ---- SHA-256 from a midstate
K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]
M32 = 0xFFFFFFFF


def ror(x, n):
    return ((x >> n) | (x << (32 - n))) & M32


def compress(state, words):
    w = list(words)
    for t in range(16, 64):
        s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ (w[t - 15] >> 3)
        s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ (w[t - 2] >> 10)
        w.append((w[t - 16] + s0 + w[t - 7] + s1) & M32)
    a, b, c, d, e, f, g, h = state
    for t in range(64):
        t1 = (h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) & M32
        t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) & M32
        a, b, c, d, e, f, g, h = (t1 + t2) & M32, a, b, c, (d + t1) & M32, e, f, g
    return [(x + y) & M32 for x, y in zip(state, (a, b, c, d, e, f, g, h))]


IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]


def sha256d_from_midstate(midstate, tail, nonce):
    """The header's double hash as a little-endian integer (how targets compare)."""
    w3 = struct.unpack(">I", struct.pack("<I", nonce))[0]
    first = compress(midstate, list(tail) + [w3, 0x80000000] + [0] * 10 + [640])
    second = compress(IV, first + [0x80000000] + [0] * 6 + [256])
    return int.from_bytes(b"".join(struct.pack(">I", x) for x in second), "little")


# ---- the link (docs/link-protocol.md)
def crc16(data):
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def frame(ftype, payload=b""):
    body = bytes([ftype, len(payload)]) + payload
    return b"\xa5" + body + struct.pack(">H", crc16(body))




def state_after_rounds(state, tail, rounds):
    """a..h after the first `rounds` rounds of block 2 (W0..W2 = tail): the
    WORK frame's state3 is rounds=3."""
    a, b, c, d, e, f, g, h = state
    for t in range(rounds):
        t1 = (h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + tail[t]) & M32
        t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) & M32
        a, b, c, d, e, f, g, h = (t1 + t2) & M32, a, b, c, (d + t1) & M32, e, f, g
    return [a, b, c, d, e, f, g, h]


def header_work(header, tag, zero_bits, start, end):
    """The WORK frame for an 80-byte header: midstate, state3, tail, range."""
    words = struct.unpack(">16I", header[:64])
    midstate = compress(IV, list(words))
    tail = list(struct.unpack(">3I", header[64:76]))
    state3 = state_after_rounds(midstate, tail, 3)
    payload = bytes([tag, zero_bits]) + struct.pack(">8I", *midstate) + \
        struct.pack(">8I", *state3) + struct.pack(">3I", *tail) + struct.pack(">II", start, end)
    return frame(0x02, payload)
