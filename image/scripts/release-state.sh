#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Does the release in DIR hold what the current settings ask for? The one place that decides whether
# Makefile.images' boot-test, offline-test and platform-profile may reuse $(OUT)/release or must build
# it first (issue 17: README's tests/run asks for PLATFORM=all; a PLATFORM=qemu release left in out/ by
# README's first command must not be reused, or the cloud round trips and their audit never run).
# It compares the settings with what the release records of itself, not with a stamp of a past build:
#   missing         no DIR/SHA256SUMS (a release that did not finish has none)
#   SECURE_BOOT     on: DIR/db.esl exists; off: it does not
#   SECURE_BOOT_KEYS  unset: secure-boot.txt says development keys; set: DIR/{PK,KEK,db}.crt equal the
#                   folder's
#   SECURE_BOOT_DBX unset: DIR/dbx.esl is empty; set: equal to that file
#   SB_OWNER_GUID   (default: image/scripts/secure-boot-owner.sh) the owner GUID secure-boot.txt and
#                   cloud-formats.json record
#   PLATFORM        every target asked for (qemu|gce|azure|aws|all|LIST) is in cloud-formats.json's
#                   platforms (a release with more formats serves a smaller request too)
#   GCE_CVM, GCE_FIRMWARE  (default none, 2) when gce is asked for: cloud-formats.json's gce settings
# Usage: release-state.sh DIR
# Prints one line, "reuse: DIR ..." or "rebuild: WHY"; exit 0 reuse, 3 rebuild (the release differs
# from the settings or is missing), 1 the check could not run (jq missing, a file unreadable),
# 2 usage.
set -eu
[ $# = 1 ] || { echo "usage: release-state.sh DIR" >&2; exit 2; }
rel=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/secure-boot-owner.sh"

rebuild() { echo "rebuild: $*"; exit 3; }
cannot() { echo "release-state.sh: cannot check $rel: $*" >&2; exit 1; }

[ -f "$rel/SHA256SUMS" ] || rebuild "no release in $rel (no SHA256SUMS)"
command -v jq >/dev/null 2>&1 || cannot "jq is not installed"

# Secure Boot on or off, with which keys, dbx and owner GUID
case "${SECURE_BOOT:-on}" in
on)
	[ -f "$rel/db.esl" ] || rebuild "SECURE_BOOT=on but the release in $rel was built with Secure Boot off (no db.esl)"
	[ -r "$rel/secure-boot.txt" ] || cannot "$rel/secure-boot.txt is missing or unreadable"
	if [ -z "${SECURE_BOOT_KEYS:-}" ]; then
		grep -q '^keys: DEVELOPMENT' "$rel/secure-boot.txt" ||
			rebuild "no SECURE_BOOT_KEYS (development keys) but the release in $rel was signed with other keys (secure-boot.txt)"
	else
		for k in PK KEK db; do
			cmp -s "$SECURE_BOOT_KEYS/$k.crt" "$rel/$k.crt" ||
				rebuild "the release's $k.crt is not SECURE_BOOT_KEYS=$SECURE_BOOT_KEYS's $k.crt"
		done
	fi
	if [ -z "${SECURE_BOOT_DBX:-}" ]; then
		[ ! -s "$rel/dbx.esl" ] || rebuild "no SECURE_BOOT_DBX (empty dbx) but the release's dbx.esl is not empty"
	else
		cmp -s "$SECURE_BOOT_DBX" "$rel/dbx.esl" || rebuild "the release's dbx.esl is not SECURE_BOOT_DBX=$SECURE_BOOT_DBX"
	fi
	grep -q "^owner GUID of every signature list entry: $SB_OWNER_GUID\$" "$rel/secure-boot.txt" ||
		rebuild "the release's signature lists are not owned by SB_OWNER_GUID=$SB_OWNER_GUID (secure-boot.txt)"
	;;
off)
	[ ! -f "$rel/db.esl" ] || rebuild "SECURE_BOOT=off but the release in $rel was built with Secure Boot on (db.esl)" ;;
*) echo "release-state.sh: SECURE_BOOT must be on or off, not '$SECURE_BOOT'" >&2; exit 2 ;;
esac

# The cloud import formats: the targets asked for, and GCE's settings
want=
for t in $(echo "${PLATFORM:-qemu}" | tr ',' ' '); do
	case $t in
	qemu) ;;
	all) want="$want gce azure aws" ;;
	gce | azure | aws) want="$want $t" ;;
	*) echo "release-state.sh: unknown platform '$t' in PLATFORM=${PLATFORM:-}" >&2; exit 2 ;;
	esac
done
cf=$rel/cloud-formats.json
if [ -n "$want" ]; then
	[ -f "$cf" ] || rebuild "PLATFORM=${PLATFORM:-} asks for cloud formats ($want ) but the release in $rel has none (no cloud-formats.json)"
	have=$(jq -r '.platforms | join(" ")' "$cf") || cannot "$cf is not readable JSON"
	for t in $want; do
		case " $have " in *" $t "*) ;;
		*) rebuild "PLATFORM=${PLATFORM:-} asks for $t but the release in $rel has only: ${have:-none} (cloud-formats.json)" ;;
		esac
	done
	case " $want " in *" gce "*)
		g=$(jq -r '"\(.gce.cvm) \(.gce.firmware)"' "$cf") || cannot "$cf is not readable JSON"
		[ "$g" = "${GCE_CVM:-none} ${GCE_FIRMWARE:-2}" ] ||
			rebuild "GCE_CVM=${GCE_CVM:-none} GCE_FIRMWARE=${GCE_FIRMWARE:-2} asked for, the release's GCE archive has cvm, firmware = $g"
	;; esac
fi
if [ -f "$cf" ]; then
	o=$(jq -r '.owner_guid // empty' "$cf") || cannot "$cf is not readable JSON"
	[ -z "$o" ] || [ "$o" = "$SB_OWNER_GUID" ] ||
		rebuild "the release's cloud signature lists are owned by $o, not SB_OWNER_GUID=$SB_OWNER_GUID (cloud-formats.json)"
fi
echo "reuse: the release in $rel (Secure Boot ${SECURE_BOOT:-on}, cloud formats:${want:- none})"
