#!/usr/bin/env bash
# make boards-table (scripts/boards_table.py) with one board rebuilt: its row
# comes from its report.json, every other board keeps its row of the
# committed docs/boards.md word for word (and is named as kept), each board
# still has its LIMIT text, and the tool versions are kept. Without a
# previous table the others are "not built here yet". Runs on a copy of the
# script, the board.conf files and docs/boards.md in a scratch folder.
set -u
. "$(dirname "$0")/tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/scripts" "$tmp/docs" "$tmp/bitstreams/build/icebreaker"
cp scripts/boards_table.py "$tmp/scripts/"
cp docs/boards.md "$tmp/docs/boards.md"
# the boards of a table's rows, in order
table_boards() { grep -E '^\| [a-z0-9-]+ \| ' "$1" | grep -vE '^\| (board|---) \|' | cut -d'|' -f2 | tr -d ' '; }
# the boards of the committed table (not a scratch board another test or a
# trial build has in bitstreams/ now)
boards=$(table_boards docs/boards.md)
for b in $boards; do
	mkdir -p "$tmp/bitstreams/$b"
	cp "bitstreams/$b/board.conf" "$tmp/bitstreams/$b/"
done
others=$(grep -vx icebreaker <<<"$boards")
others_named=$(tr '\n' ' ' <<<"$others" | sed 's/ $//; s/ /, /g')    # "a, b, c"

# the iCEBreaker "rebuilt", with figures no committed row has
cat >"$tmp/bitstreams/build/icebreaker/report.json" <<'EOF'
{"board": "icebreaker", "device": "iCE40UP5K-SG48", "engine": "rolled", "engines": 1,
 "stages": 1, "clock_mhz": 30.0, "fmax_mhz": 31.23, "timing_met": true, "luts": 3777,
 "lut_capacity": 5280, "ffs": 2100, "ram_blocks": 4, "dsps": 0,
 "nonces_per_clock": 0.008064516129032258, "mhs": 0.2419, "seed": 7,
 "nextpnr_opts": "", "tools": {"yosys": "Yosys 0.23 (git sha1 7ce5011c24b)"}}
EOF
out=$(python3 "$tmp/scripts/boards_table.py" 2>&1)
tap $? "boards-table renders with one report" "$out"
new=$tmp/docs/boards.md

row() { grep "^| $1 |" "$2"; }
ok=0 diag=
for b in $others; do
	if [ -z "$(row "$b" docs/boards.md)" ] || [ "$(row "$b" docs/boards.md)" != "$(row "$b" "$new")" ]; then
		ok=1
		diag+="$b: $(row "$b" "$new")"$'\n'
	fi
done
tap $ok "every board not rebuilt keeps its committed row exactly ($(wc -w <<<"$others") boards)" "$diag"
check "the rebuilt board's row is its report's (Fmax 31.23, 3777 LUTs, seed 7)" \
	grep -qE '^\| icebreaker \| .* \| 31\.23 \| met \| 3777 / 5280 \(71%\) \| 2100 \| .* \| 7 \|$' "$new"
check "the rows are one a board, in board order" \
	test "$(table_boards "$new")" = "$boards"
check "the kept rows are named" grep -qF "Rows kept from the previous table (not rebuilt for this one): $others_named." "$new"
check "every board has its LIMIT text, with its MH/s" \
	test "$(grep -cE '^- \*\*[a-z0-9-]+\*\* \([0-9.]+ MH/s, (target met|below target)\): ' "$new")" -eq "$(wc -w <<<"$boards")"
check "the kept rows' tool versions stay (nextpnr-ecp5's too)" grep -q '^Tools: .*nextpnr-ecp5: .*yosys: Yosys 0.23' "$new"

# options the build added are shown beside the seed, so the row can be rebuilt
sed -i 's/"nextpnr_opts": ""/"nextpnr_opts": "--router router2", "synth_opts": "-abc9 -nowidelut"/' \
	"$tmp/bitstreams/build/icebreaker/report.json"
python3 "$tmp/scripts/boards_table.py" >/dev/null 2>&1
check "the seed cell names the nextpnr and synth_ecp5 options the build added" \
	grep -qF '| 7 (`--router router2`) (yosys `-abc9 -nowidelut`) |' "$new"

# a ring in delay lines (ENGINE=3) says so in its shape
sed -i 's/"engine": "rolled", "engines": 1,/"engine": "unrolled", "engines": 1, "lines": true,/; s/"stages": 1,/"stages": 4,/' \
	"$tmp/bitstreams/build/icebreaker/report.json"
python3 "$tmp/scripts/boards_table.py" >/dev/null 2>&1
check "a ring in delay lines is shown as one (\"unrolled S=4 x1, lines\")" \
	grep -qE '^\| icebreaker \| iCE40UP5K-SG48 \| unrolled S=4 x1, lines \|' "$new"

# a pair of cores (rtl/pair/) shows both shapes
sed -i 's/"lines": true,/"lines": true, "pair": {"engine": "unrolled", "stages": 21, "lines": true},/' \
	"$tmp/bitstreams/build/icebreaker/report.json"
python3 "$tmp/scripts/boards_table.py" >/dev/null 2>&1
check "a pair is shown as both shapes (\"unrolled S=4 x1, lines + unrolled S=21 x1, lines\")" \
	grep -qE '^\| icebreaker \| iCE40UP5K-SG48 \| unrolled S=4 x1, lines \+ unrolled S=21 x1, lines \|' "$new"

# a LIMIT that is not one quoted string (a quote inside it unescaped) stops
# the table, naming its file, rather than rendering a truncated text (the
# flow refuses such a board.conf too: test_bitstream)
cp "$tmp/bitstreams/hx8k/board.conf" "$tmp/hx8k.conf"
sed -i 's/^LIMIT="/LIMIT="with SYNTH_ECP5="-abc9 -nolutram" yosys /' "$tmp/bitstreams/hx8k/board.conf"
expect_fail "a LIMIT with a bare quote inside fails the table, naming its board.conf" \
	'bitstreams/hx8k/board.conf: LIMIT is not one quoted string' python3 "$tmp/scripts/boards_table.py"
mv "$tmp/hx8k.conf" "$tmp/bitstreams/hx8k/board.conf"

# no previous table: the other boards are not built here yet
rm "$tmp/docs/boards.md"
python3 "$tmp/scripts/boards_table.py" >/dev/null 2>&1
check "without a previous table the others are \"not built here yet\"" \
	grep -qF "Not built here yet: $others_named." "$new"

echo "1..$tap_n"
