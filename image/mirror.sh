#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Print the Debian package mirrors to build from, as shell assignments:
#   DEBIAN_MIRROR=<uri>  DEBIAN_SECURITY_MIRROR=<uri>
# Default: the mirrors this host's apt already uses (read from apt's own configuration, so no registry
# host is ever written into the repository). Override either by exporting the variable, e.g. an
# auditor pointing at a snapshot archive:
#   DEBIAN_MIRROR=<snapshot>/archive/debian/20261125T000000Z DEBIAN_SECURITY_MIRROR=... make -f Makefile.images audit ...
set -eu

host_repo() {	# $1: awk regex on the suite name -> first matching repository URI of the host
	apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
		awk -v re="$1" '$2 ~ re { sub("/+$", "", $1); print $1; exit }'
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
