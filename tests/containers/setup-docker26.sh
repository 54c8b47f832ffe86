#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fetches docker 26 (dockerd, client, containerd, buildx) from Debian trixie and extracts it,
# without installing anything: apt-get runs with a private source list, lists and cache, so the
# system's apt state is untouched. Result (cached): $OUT/d26root/usr/{bin,sbin,libexec}.
# Trixie's runc needs a newer glibc than bookworm's: bookworm's runc from PATH is used instead
# (container-archives.md). Prints the root directory; exits 77 when trixie is unreachable.
# Usage: setup-docker26.sh OUT_DIR
set -eu
OUT=${1:?usage: setup-docker26.sh OUT_DIR}
ROOT=$OUT/d26root
if [ -x "$ROOT/usr/sbin/dockerd" ] && [ -x "$ROOT/usr/bin/docker" ] && [ -x "$ROOT/usr/bin/containerd" ]; then
	echo "$ROOT"
	exit 0
fi
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
mirror=${mirror:-http://deb.debian.org/debian}
A=$OUT/apt
rm -rf "$A" "$ROOT.tmp"
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/debs" "$ROOT.tmp"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$A/sources.list"
APT="-o Dir::Etc::SourceList=$A/sources.list -o Dir::Etc::SourceParts=$A/none
	-o Dir::State::Lists=$A/lists -o Dir::Cache=$A/cache -o Dir::Etc::Preferences=$A/none
	-o Dir::Etc::PreferencesParts=$A/none -o APT::Get::List-Cleanup=0
	-o APT::Sandbox::User=root -q"
# shellcheck disable=SC2086
if ! apt-get $APT update >"$A/update.log" 2>&1; then
	echo "setup-docker26: trixie unreachable at $mirror (see $A/update.log)" >&2
	exit 77
fi
# shellcheck disable=SC2086
(cd "$A/debs" && apt-get $APT download docker.io containerd docker-cli docker-buildx) >"$A/download.log" 2>&1 || {
	echo "setup-docker26: download failed (see $A/download.log)" >&2
	exit 77
}
for f in "$A"/debs/*.deb; do
	dpkg-deb -x "$f" "$ROOT.tmp"
done
rm -f "$ROOT.tmp/usr/sbin/runc" "$ROOT.tmp/usr/bin/runc"
rm -rf "$ROOT"
mv "$ROOT.tmp" "$ROOT"
rm -rf "$A"
echo "$ROOT"
