#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Print the Debian package mirrors to build from, as shell assignments:
#   DEBIAN_MIRROR=<uri>  DEBIAN_SECURITY_MIRROR=<uri>
# Default: the mirrors this host's apt already uses (read from apt's own configuration, so no registry
# host is ever written into the repository). Override either by exporting the variable, e.g. an
# auditor pointing at a snapshot archive:
#   DEBIAN_MIRROR=<snapshot>/archive/debian/20261125T000000Z DEBIAN_SECURITY_MIRROR=... make -f Makefile.images audit ...
set -eu

# "URI SUITE" pairs of the host's apt configuration: apt's own view (needs downloaded lists), else
# the source files themselves (one-line and deb822 format), for a machine that never ran apt-get update.
host_repos() {
	apt-get indextargets --format "\$(REPO_URI) \$(RELEASE)" 2>/dev/null
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i, $(i + 1) }'
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = "" } {
			deb = 0; n_u = 0; n_s = 0; enabled = 1
			m = split($0, lines, "\n")
			for (l = 1; l <= m; l++) {
				if (lines[l] ~ /^Types:/ && lines[l] ~ /[ \t]deb([ \t]|$)/) deb = 1
				if (lines[l] ~ /^Enabled:[ \t]*no/) enabled = 0
				if (lines[l] ~ /^URIs:/) { n_u = split(substr(lines[l], 6), u, " ") }
				if (lines[l] ~ /^Suites:/) { n_s = split(substr(lines[l], 8), s, " ") }
			}
			if (deb && enabled) for (i = 1; i <= n_u; i++) for (j = 1; j <= n_s; j++) print u[i], s[j]
		}' "$f"
	done
}
host_repo() {	# $1: awk regex on the suite name -> first matching repository URI of the host
	host_repos | awk -v re="$1" '$2 ~ re { sub("/+$", "", $1); print $1; exit }'
}

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
main=${DEBIAN_MIRROR:-$(host_repo "^${codename}\$")}
sec=${DEBIAN_SECURITY_MIRROR:-$(host_repo "^${codename}-security\$")}
if [ -z "$main" ]; then
	echo "mirror.sh: no Debian mirror found in the host's apt configuration for '$codename';" \
	     "set DEBIAN_MIRROR (and DEBIAN_SECURITY_MIRROR)" >&2
	exit 1
fi
if [ -z "$sec" ]; then
	# Security archive conventionally sits next to the main one (<mirror>/debian-security).
	sec="${main%/debian}/debian-security"
fi
printf 'DEBIAN_MIRROR=%s\nDEBIAN_SECURITY_MIRROR=%s\n' "$main" "$sec"
