#!/usr/bin/env bash
# deps.sh PACKAGE...: installs the Debian packages that are missing, and only
# those. Safe to run any number of times; uses sudo when not root; never
# prompts (apt-get -y, sudo -n when there is no terminal).
set -euo pipefail

missing=()
for p in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif [ -t 0 ]; then
	sudo=(sudo)
else
	sudo=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	# The package lists may be stale or absent on a fresh machine.
	"${sudo[@]}" apt-get update -q
	"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
