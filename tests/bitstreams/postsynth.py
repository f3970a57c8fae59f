#!/usr/bin/env python3
"""postsynth.py: the host end of tests/cli/test_postsynth.sh.

  postsynth.py frames OUT.hex   IDENTIFY, then WORK for the genesis header
                                (tag 1, share filter 32 bits, nonces
                                0x7c2bac1d - 50 .. + 50), one byte a line;
                                prints the byte count
  postsynth.py check LOG        reads the "RX hh" lines of tb_postsynth and
                                checks the frames: an IDENTITY, a STATUS
                                answering the WORK, exactly one NONCE (tag 1,
                                0x7c2bac1d) and the unit's DONE
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from pmlink import crc16, frame, header_work  # noqa: E402

GENESIS = bytes.fromhex(
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd"
    "7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c")
NONCE = 0x7c2bac1d
LEN = {0x81: 16, 0x82: 5, 0x83: 16, 0x84: 1}


def frames_out(path):
    data = frame(0x01) + header_work(GENESIS, 1, 32, NONCE - 50, NONCE + 50)
    with open(path, "w") as f:
        f.write("".join("%02x\n" % b for b in data))
    print(len(data))


def check(path):
    data = bytes(int(line.split()[1], 16) for line in open(path) if line.startswith("RX "))
    frames, i, bad = [], 0, 0
    while i < len(data):
        if data[i] != 0xA5 or i + 3 > len(data) or LEN.get(data[i + 1]) != data[i + 2]:
            i += 1
            bad += 1
            continue
        n = data[i + 2]
        body, crc = data[i + 1:i + 3 + n], data[i + 3 + n:i + 5 + n]
        if len(crc) < 2 or struct.unpack(">H", crc)[0] != crc16(body):
            i += 1
            bad += 1
            continue
        frames.append((body[0], body[2:]))
        i += 5 + n
    kinds = [t for t, _ in frames]
    nonces = [struct.unpack(">BI", p) for t, p in frames if t == 0x82]
    problems = []
    if 0x81 not in kinds:
        problems.append("no IDENTITY")
    if not any(t == 0x83 and p[0] == 1 for t, p in frames):
        problems.append("no STATUS answering the WORK (tag 1)")
    if nonces != [(1, NONCE)]:
        problems.append("nonces %s, expected exactly tag 1 nonce %08x" %
                        (["%d:%08x" % n for n in nonces], NONCE))
    if not any(t == 0x84 and p[0] == 1 for t, p in frames):
        problems.append("no DONE for tag 1")
    if bad:
        problems.append("%d bytes outside valid frames" % bad)
    print("frames from the netlist: %s" % " ".join("%02x" % t for t in kinds))
    if problems:
        print("postsynth: " + "; ".join(problems))
        sys.exit(1)
    print("postsynth: the netlist found nonce %08x and reported the unit done" % NONCE)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "frames":
        frames_out(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        sys.exit(__doc__)
