# shellcheck shell=sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the cloud format tests: a disk, Secure Boot test keys, two builds.
: "${BOOTPROOF:?}" "${BOOTPROOF_SOURCE_DIR:?}"
for t in qemu-img sbsiglist openssl tar gzip python3 truncate; do
	command -v "$t" >/dev/null || { echo "FAIL: $t missing (tests/deps/cloud.list)"; exit 1; }
done
CF=$BOOTPROOF_SOURCE_DIR/image/scripts/cloud-formats.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bootproof-cloud.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
. "$BOOTPROOF_SOURCE_DIR/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1700000000
export SB_OWNER_GUID=b0075fb0-0f11-4d2e-9c0b-0000b007f00f

# The disk: BOOTPROOF_CLOUD_DISK (e.g. a release's bootproof.raw, for figures) or a small
# synthetic one whose size is no multiple of 1 MiB, with data, zero runs (holes) and a tail.
DISK=${BOOTPROOF_CLOUD_DISK:-}
if [ -z "$DISK" ]; then
	DISK=$WORK/disk.raw
	python3 - "$DISK" <<'PY'
import hashlib, sys
out = bytearray()
for i in range(700):            # 700 x 4 KiB + 1536 bytes: 2.7 MiB, not MiB aligned
    blk = hashlib.sha256(b"blk%d" % i).digest() * 128
    out += blk if i % 3 else bytes(4096)
out += hashlib.sha512(b"tail").digest() * 24
open(sys.argv[1], "wb").write(out)
PY
fi
RAWSIZE=$(stat -c %s "$DISK")
export RAWSIZE

# Test Secure Boot keys (until the Secure Boot release ships its own): self-signed, fixed serial.
KEYS=$WORK/keys
mkdir -p "$KEYS"
for k in PK KEK db; do
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$KEYS/$k.key" -out "$KEYS/$k.pem" \
		-days 3650 -subj "/CN=bootproof cloud test $k" -set_serial 1 2>/dev/null
done

# build NAME PLATFORM [keys [KEYS_DIR]]: a release-like folder with the disk, then cloud-formats.sh
# (keys: SB_KEYS=KEYS_DIR, default $KEYS).
build() {
	d=$WORK/$1
	mkdir -p "$d"
	cp --sparse=always "$DISK" "$d/bootproof.raw"
	if [ "${3:-}" = keys ]; then
		SB_KEYS=${4:-$KEYS} "$CF" "$2" "$d" >"$d.log" 2>&1 || { cat "$d.log"; fail "cloud-formats.sh $2 failed"; }
	else
		"$CF" "$2" "$d" >"$d.log" 2>&1 || { cat "$d.log"; fail "cloud-formats.sh $2 failed"; }
	fi
}

# padded_ref ALIGN OUT: the raw disk zero-padded to ALIGN (truncate: independent of the script).
padded_ref() {
	cp --sparse=always "$DISK" "$2"
	truncate -s %"$1" "$2"
}
