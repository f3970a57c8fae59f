#!/usr/bin/env python3
"""Jobs from a getblocktemplate file (gbt_small.json), against a pool started
with --template gbt_small.json --block-interval 2: the coinbase carries the
template's height, value and witness commitment; prevhash, nbits, version,
ntime and the merkle branch come from the template; shares are accepted.
Usage: template.py PORT GBT_FILE"""
import json
import struct

from poolkit import Client, coinbase_height, dsha, main_guard, mine_accepted, swap_words


def branch_of(txids):
    level = [None] + [bytes.fromhex(t)[::-1] for t in txids]
    out = []
    while len(level) > 1:
        out.append(level[1].hex())
        if len(level) % 2:
            level.append(level[-1])
        level = [None] + [dsha(level[i] + level[i + 1]) for i in range(2, len(level), 2)]
    return out


def template(tap, argv):
    port, gbt = int(argv[0]), json.load(open(argv[1]))
    c = Client(port)
    job = c.ready()
    tap.ok(coinbase_height(job.coinb1) == gbt["height"],
           f"coinbase starts with the template's BIP 34 height {gbt['height']}",
           job.coinb1)
    prev = swap_words(bytes.fromhex(gbt["previousblockhash"])[::-1]).hex()
    tap.ok(job.prevhash == prev and job.nbits == int(gbt["bits"], 16) and
           job.version == gbt["version"] and job.ntime == gbt["curtime"],
           "prevhash (word-swapped), nbits, version and ntime from the template",
           [job.prevhash, prev, job.nbits, job.version, job.ntime])
    tap.ok(job.branch == branch_of([t["txid"] for t in gbt["transactions"]]),
           "merkle branch from the template's txids", job.branch)
    tail = bytes.fromhex(job.coinb2)
    value = struct.pack("<q", gbt["coinbasevalue"])
    commitment = bytes.fromhex(gbt["default_witness_commitment"])
    tap.ok(value in tail and bytes([len(commitment)]) + commitment in tail and
           tail.endswith(commitment + b"\0\0\0\0"),
           "coinb2: coinbasevalue output, then the witness commitment output", job.coinb2)
    _, _, r = mine_accepted(c, tap)
    tap.ok(r.get("result") is True, "a share on the template's job is accepted", r)
    m = c.wait_method("mining.notify", 4, lambda m: m["params"][8] is True)
    tap.ok(m is not None and coinbase_height(m["params"][2]) == gbt["height"] + 1 and
           m["params"][4] == job.branch,
           "next block: height + 1, the template's transactions kept", m)
    c.close()
    tap.counts()


if __name__ == "__main__":
    main_guard(template)
