#!/bin/sh
# Installs, with apt-get, every Debian package the tests use: the union of tests/deps/*.list
# (one package per line, '#' comments) from the release's own suites, and of
# tests/deps/bookworm-backports/*.list from bookworm-backports (apt source added by
# image/backports.sh, as image/setup-host.sh does). Needs root. Idempotent and quiet when all is
# installed.
set -eu
cd "$(dirname "$0")/deps"

# packages of the lists given, minus those installed
missing() {
	for p in $(cat "$@" | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u); do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			printf ' %s' "$p"
	done
}

missing_main=$(missing ./*.list)
missing_bpo=$(missing ./bookworm-backports/*.list)
if [ -z "$missing_main$missing_bpo" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
[ -z "$missing_bpo" ] || ../../image/backports.sh
apt-get -o DPkg::Lock::Timeout=900 update -q
if [ -n "$missing_main" ]; then
	echo "install-deps: installing$missing_main"
	# shellcheck disable=SC2086
	apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends $missing_main
fi
if [ -n "$missing_bpo" ]; then
	echo "install-deps: installing from bookworm-backports$missing_bpo"
	# shellcheck disable=SC2086
	apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends \
		-t bookworm-backports $missing_bpo
fi
