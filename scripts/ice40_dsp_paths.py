#!/usr/bin/env python3
"""The worst register-to-register path through an iCE40 UP5K DSP block, as
icetime times it.

nextpnr-ice40 (0.4, Debian 12) models every SB_MAC16 port as a register
pin, whatever the block's configuration: a DSP used as a combinational
adder (rtl/lines/pm_lines_add32.v) splits each path through it into a path
that ends at the DSP's input and one that starts at its output, and the
adder's own delay is counted nowhere. icetime (Project IceStorm) models the
DSP's unregistered modes with Lattice's iCEcube2 timing data
(SB_MAC16_ADS_U_32P32_BYPASS for a 32-bit add), so this asks icetime:

  1. icetime -o: the placed design as icetime's timing netlist (and -N,
     in the same run: the net names -T takes);
  2. from each DSP's outputs, every net the path can reach through
     routing and unregistered logic cells, up to the first register;
  3. icetime -T on all of those nets in one run: the worst path to each,
     the ones at a register's input with its setup time.

icetime needs a chip database for the device, which Debian's icestorm
does not ship: icebox_chipdb makes it (about 20 s) the first time, in
bitstreams/build/chipdb-up5k.txt (CHIPDB below), shared by every UP5K build.

Prints JSON: {"dsps", "nets", "worst_ns", "worst_net", "through_ns",
"unknown_config"}. worst_ns is the worst path into any of those nets,
wherever it starts: a bound on every path through a DSP (the worst path
into a net need not be one through the DSP); worst_net names where it ends.
through_ns is the worst of the paths icetime reports that do pass a DSP.
Both are null when the design has no DSP. unknown_config is true when
icetime did not recognise a DSP's configuration (it then times it as a
16x16 multiplier, and worst_ns is not the adder's).

usage: ice40_dsp_paths.py ASC DEVICE PACKAGE PCF
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# ports through which a path leaves a cell, for the cells a path can pass
LC_OUT = ("lcout", "ltout", "carryout")
LC_IN = ("in0", "in1", "in2", "in3", "carryin", "ce", "clk", "sr")

# icetime's chip database for the UP5K; main() makes it on first use
CHIPDB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                      "bitstreams", "build", "chipdb-up5k.txt")


def icetime(asc, device, package, pcf, *args):
    cmd = ["icetime", "-d", device, "-C", CHIPDB, "-P", package, "-p", pcf, *args, asc]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"ice40_dsp_paths: icetime failed: {(r.stderr or r.stdout).strip()[-300:]}")
    return r


def parse_netlist(path):
    """Cells of icetime's Verilog netlist: name -> (type, params, ports),
    ports: port name -> list of net names; and its aliases (assign a = b):
    net name -> the names it is assigned to or from."""
    cells, alias = {}, {}
    assign = re.compile(r"^  assign (\S+) = (\S+);$")
    head = re.compile(r"^  (\w+) (?:#\($|(\S+) \($)")
    inst = re.compile(r"^  \) (\S+) \($")
    conn = re.compile(r"^    \.(\w+)\((.*?)\),?$")     # a parameter or a port
    ctype = name = None
    params, ports, in_params = {}, {}, False
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if ctype is None:
                m = assign.match(line)
                if m:
                    alias.setdefault(m.group(1), []).append(m.group(2))
                    alias.setdefault(m.group(2), []).append(m.group(1))
                    continue
                m = head.match(line)
                if m:
                    ctype, name = m.group(1), m.group(2)
                    params, ports, in_params = {}, {}, name is None
                continue
            if in_params:
                m = inst.match(line)
                if m:
                    name, in_params = m.group(1), False
                    continue
                m = conn.match(line)
                if m:
                    params[m.group(1)] = m.group(2)
                continue
            if line == "  );":
                cells[name] = (ctype, params, ports)
                ctype = None
                continue
            m = conn.match(line)
            if m:
                v = m.group(2).strip()
                nets = [n.strip() for n in v.strip("{}").split(",")] if v else []
                ports[m.group(1)] = [n for n in nets if n]
    return cells, alias


def registered(params):
    # SEQ_MODE 4'bXYZW: X (bit 3) set is the logic cell's flip-flop in use
    m = re.match(r"4'b([01])", params.get("SEQ_MODE", "4'b0"))
    return bool(m and m.group(1) == "1")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[-1])
    asc, device, package, pcf = sys.argv[1:]
    for f in (asc, pcf):
        if not os.path.isfile(f):
            sys.exit(f"ice40_dsp_paths: no such file: {f}")
    if device != "up5k":
        sys.exit(f"ice40_dsp_paths: {device}: only the UP5K has DSP blocks here")
    if not os.path.exists(CHIPDB):
        os.makedirs(os.path.dirname(CHIPDB), exist_ok=True)
        # a name of its own: two builds (or tests) may make it at once
        tmp = f"{CHIPDB}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            if subprocess.run(["icebox_chipdb", "-5"], stdout=f).returncode != 0:
                sys.exit("ice40_dsp_paths: icebox_chipdb -5 failed")
        os.replace(tmp, CHIPDB)
    with tempfile.NamedTemporaryFile(suffix=".v") as tmp:
        r = icetime(asc, device, package, pcf, "-o", tmp.name, "-N")
        unknown = "unknown/unsupported DSP config" in r.stderr + r.stdout
        cells, alias = parse_netlist(tmp.name)
    # -T takes the names -N lists (an alias of a routed net may not be one)
    valid = set(r.stdout.split())
    if not cells:
        sys.exit(f"ice40_dsp_paths: icetime's netlist of {asc} has no cells")

    sinks = {}   # net -> [(cell, port)]
    for name, (ctype, params, ports) in cells.items():
        for p, nets in ports.items():
            for n in nets:
                sinks.setdefault(n, []).append((name, p))

    dsps = [n for n, (t, _, _) in cells.items() if t.startswith("SB_MAC16")]
    todo = [n for d in dsps for n in cells[d][2].get("O", [])]
    seen = set()
    while todo:
        net = todo.pop()
        if net in seen or net in ("gnd", "vcc") or net.startswith("dangling_wire"):
            continue
        seen.add(net)
        todo.extend(alias.get(net, []))     # icetime's "assign" names one net twice
        for cell, p in sinks.get(net, []):
            ctype, params, ports = cells[cell]
            if ctype == "LogicCell40":
                if p not in LC_IN:
                    continue
                # through the carry chain always; through the LUT only when
                # no flip-flop ends the path there
                outs = ("carryout",) if registered(params) else LC_OUT
                for o in outs:
                    todo.extend(ports.get(o, []))
            elif ctype.startswith("SB_") or ctype in ("PRE_IO", "ICE_GB", "ICE_IO"):
                continue    # RAM, DSP, IO, PLL: the path ends at its input
            elif p == "I":
                todo.extend(ports.get("O", []))

    worst, worst_net, through = None, None, None
    nets = sorted(seen & valid)
    for i in range(0, len(nets), 20000):    # one run, but for the command line's length
        args = [a for n in nets[i:i + 20000] for a in ("-T", n)]
        out = icetime(asc, device, package, pcf, *args).stdout
        for chunk in out.split("\nReport for ")[1:]:
            m = re.search(r"Total path delay: ([0-9.]+) ns", chunk)
            if m and "(SB_MAC16" in chunk and (through is None or float(m.group(1)) > through):
                through = float(m.group(1))
            if m and (worst is None or float(m.group(1)) > worst):
                # the last design net the path names, else icetime's own
                named = re.findall(r"^ +[0-9.]+ ns \.\. +[0-9.]+ ns (\S+)$", chunk, re.M)
                worst = float(m.group(1))
                worst_net = named[-1] if named else chunk.split(":", 1)[0]
    print(json.dumps({"dsps": len(dsps), "nets": len(nets), "worst_ns": worst,
                      "worst_net": worst_net, "through_ns": through,
                      "unknown_config": unknown}))


if __name__ == "__main__":
    main()
