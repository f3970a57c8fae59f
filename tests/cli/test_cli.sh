#!/usr/bin/env bash
# Command-line tests of hash, share, scan and bench on the real vectors, and
# of every kind of wrong input (exit status 2, one line naming the problem).
set -u
. "$(dirname "$0")/tap.sh"

GENESIS=0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c
VEC=tests/vectors/bitcoin.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- hash
out=$($PIPEMINER hash $GENESIS --json)
json_check "hash --json: genesis hash, midstate, difficulty, meets_nbits" "$out" \
	'd == {"hash": "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
	       "hash_internal": "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000",
	       "midstate": "bc909a336358bff090ccac7d1e59caa8c3c8d8e94f0103c896b187364719f91b",
	       "difficulty": 2536.4262984453103, "meets_nbits": True}'
out=$($PIPEMINER hash "$(python3 -c "import json; print(json.load(open('$VEC'))['headers'][1]['header_hex'])")" --json)
json_check "hash --json: block 125552" "$out" \
	'd["hash"] == "00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d" and d["difficulty"] == 35987218905.508736'
out=$($PIPEMINER hash $GENESIS)
check "hash: human output names the hash" grep -q "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f" <<<"$out"

# ---- share: the pool's view of the two real share vectors
python3 - "$VEC" "$tmp" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for s in v["stratum"]:
    n = s["notify"]
    share = {"notify": [n.get("job_id", "job"), n["prevhash"], n["coinb1"], n["coinb2"],
                        n["merkle_branch"], n["version"], n["nbits"], n["ntime"], n["clean_jobs"]],
             "extranonce1": s["subscribe_result"]["extranonce1"],
             "extranonce2": s["submit"]["extranonce2"],
             "ntime": s["submit"]["ntime"], "nonce": s["submit"]["nonce"]}
    if "set_difficulty" in s:
        share["difficulty"] = s["set_difficulty"]
    json.dump(share, open(f"{sys.argv[2]}/{s['id']}.json", "w"))
    json.dump(s["expected"], open(f"{sys.argv[2]}/{s['id']}.expected", "w"))
PY
for id in S_espminer_share_683 S_100000_constructed; do
	out=$($PIPEMINER share --json <"$tmp/$id.json")
	json_check "share --json: $id matches the vector exactly" "$out" "(lambda e:
		d['coinbase'] == e['coinbase_hex'] and d['merkle_root'] == e['merkle_root_internal']
		and d['header'] == e['header_hex'] and d['hash'] == e['hash_display']
		and d['share_difficulty'] == e['share_difficulty'] and d['meets_nbits'] == e['is_block']
		and d['meets_difficulty'] is True)(json.load(open('$tmp/$id.expected')))"
done
out=$($PIPEMINER share <"$tmp/S_100000_constructed.json")
check "share: human output says it is a block" grep -q "meets_nbits       yes (a block)" <<<"$out"

# ---- scan
out=$($PIPEMINER scan --device cpu --header $GENESIS --start 0x7c2b9000 --count 8192 --json)
json_check "scan: genesis nonce 7c2bac1d found alone at 32 bits, started 4381 below" "$out" \
	'd["nonces"] == ["7c2bac1d"] and d["hashes"] == 8192 and d["seconds"] > 0'
for path in portable avx2 avx512 shani; do
	if $PIPEMINER scan --header $GENESIS --count 1 --path $path >/dev/null 2>&1; then
		out=$($PIPEMINER scan --header $GENESIS --start 2083233000 --count 20000 --zero-bits 12 --path $path --json)
		json_check "scan --path $path: the same 7 nonces at 12 bits as mbedTLS-checked portable" "$out" \
			'd["nonces"] == ["7c2ba2df","7c2ba5cf","7c2bac1d","7c2baeb2","7c2baf07","7c2be3f0","7c2be7c9"]'
	fi
done
out=$($PIPEMINER scan --header $GENESIS --start 0x7c2bac00 --count 100 --zero-bits 40 --json)
json_check "scan --zero-bits 40: beyond H7, filtered on the host" "$out" 'd["nonces"] == ["7c2bac1d"]'
out=$($PIPEMINER scan --header $GENESIS --start 0x7c2bac00 --count 100 --zero-bits 45 --json)
json_check "scan --zero-bits 45: the genesis hash has only 43" "$out" 'd["nonces"] == []'
out=$($PIPEMINER scan --header $GENESIS --start 0xfffffff0 --count 32 --zero-bits 0 --json)
json_check "scan wraps at 2^32, in range order" "$out" \
	'd["nonces"] == ["%08x" % ((0xfffffff0 + i) % 2**32) for i in range(32)]'
out=$($PIPEMINER scan --header $GENESIS --start 0x7c2bac00 --count 100)
check "scan: human output lists the nonce and its hash" \
	grep -q "nonce 7c2bac1d  hash 000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f  zero_bits 43" <<<"$out"

# ---- bench
out=$($PIPEMINER bench --device cpu --seconds 1 --threads 1 --json)
json_check "bench --json: the documented fields" "$out" \
	'set(d) == {"device","path","threads","hashes","seconds","mhs"} and d["device"] == "cpu"
	 and d["path"] in ("avx512","avx2","shani","portable") and d["threads"] == 1
	 and d["hashes"] > 0 and abs(d["mhs"] - d["hashes"] / d["seconds"] / 1e6) < 1e-6 * d["mhs"]'
out=$($PIPEMINER bench --workgen --seconds 1 --json)
json_check "bench --workgen --json: both rates" "$out" \
	'd["workgen"]["branches"] == 12 and d["workgen"]["extranonce2_midstates_per_s"] > 0 and d["workgen"]["version_midstates_per_s"] > 0'

# ---- wrong input: exit 2, one line, naming the problem
expect_usage "hash: header of 159 digits" "expected 160 hex digits (80 bytes), got 159" $PIPEMINER hash "${GENESIS:1}"
expect_usage "hash: non-hex header" "not a hex digit at position 0" $PIPEMINER hash "zz${GENESIS:2}"
expect_usage "hash: short header" "expected 160 hex digits (80 bytes), got 158" $PIPEMINER hash "${GENESIS:2}"
expect_usage "hash: no header" "expected one argument" $PIPEMINER hash
expect_usage "hash: unknown option" "unknown option --jsn" $PIPEMINER hash $GENESIS --jsn
expect_usage "scan: no --header" "--header is required" $PIPEMINER scan
expect_usage "scan: --count 0" "--count \"0\": must be at least 1" $PIPEMINER scan --header $GENESIS --count 0
expect_usage "scan: --count above 2^32" "--count \"0x100000001\": out of range" $PIPEMINER scan --header $GENESIS --count 0x100000001
expect_usage "scan: --start not a number" "--start \"abc\": expected a decimal or 0x-prefixed hex number" $PIPEMINER scan --header $GENESIS --start abc
expect_usage "scan: --zero-bits 300" "--zero-bits \"300\": out of range: at most 256" $PIPEMINER scan --header $GENESIS --zero-bits 300
expect_usage "scan: --threads -1" "--threads \"-1\"" $PIPEMINER scan --header $GENESIS --threads -1
expect_usage "scan: unknown device" "unknown device \"gpu\"" $PIPEMINER scan --header $GENESIS --device gpu
expect_usage "scan: unknown path" "hashing path \"sse9\" is not built in" $PIPEMINER scan --header $GENESIS --path sse9
expect_usage "scan: option without value" "option --start needs a value" $PIPEMINER scan --header $GENESIS --start
expect_usage "bench: --seconds 0" "--seconds \"0\": must be at least 1" $PIPEMINER bench --seconds 0
expect_usage "bench: stray argument" "unexpected argument \"now\"" $PIPEMINER bench now
expect_usage "share: not JSON" "standard input is not valid JSON" $PIPEMINER share <<<"{nope"
expect_usage "share: empty input" "standard input is not valid JSON" $PIPEMINER share </dev/null
sed 's/"nonce": "[0-9a-f]*"/"nonce": "xyz"/' "$tmp/S_100000_constructed.json" >"$tmp/bad.json"
expect_usage "share: bad nonce" "field \"nonce\": expected 8 hex digits" $PIPEMINER share <"$tmp/bad.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['notify'][1]='00'; print(json.dumps(d))" \
	"$tmp/S_100000_constructed.json" >"$tmp/bad.json"
expect_usage "share: bad prevhash names notify[1]" "notify[1] prevhash: expected 64 hex digits" $PIPEMINER share <"$tmp/bad.json"
expect_usage "unknown command" "unknown command \"hsah\"" $PIPEMINER hsah
check "--help lists the subcommands" bash -c "$PIPEMINER --help | grep -q 'pipeminer scan --header'"

tap_end
