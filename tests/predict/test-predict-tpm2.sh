#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A real TPM agrees with predict: every event of golden.json (stub-257 UKI + systemd-boot from
# the fuzz corpus, sha1 + sha256) is extended into a fresh swtpm with tpm2_pcrextend; then
# `tpm2_quote -l SEL` over the predicted PCRs (SEL as predict printed it): its PCR file (-o) is
# byte for byte predict's `--format tpm2-pcrs` output (and `-F values` predict's `tpm2-values`),
# and `tpm2_checkquote -f` accepts the quote with predict's file, for two banks and for one.
. "$(dirname "$0")/lib.sh"
need swtpm swtpm_setup tpm2_pcrextend tpm2_quote tpm2_checkquote tpm2_createprimary tpm2_create \
	tpm2_load tpm2_readpublic tpm2_flushcontext python3 jq
UKI="$BOOTPROOF_SOURCE_DIR/tests/fuzz/corpus/fuzz-uki/uki-stub257.efi"

"$BOOTPROOF" predict --uki "$UKI" --banks sha1,sha256 -o "$TMP/golden.json"
"$BOOTPROOF" predict --uki "$UKI" --banks sha1,sha256 --format tpm2-pcrs -o "$TMP/pcrs.bin" 2>"$TMP/sel"
"$BOOTPROOF" predict --uki "$UKI" --banks sha1,sha256 --format tpm2-values -o "$TMP/values.bin" 2>/dev/null
SEL=$(cat "$TMP/sel")
echo "selection: $SEL"

WORK=$TMP
. "$BOOTPROOF_SOURCE_DIR/tests/lib/swtpm.sh"
trap 'stop_swtpms; rm -rf "$TMP"' EXIT
start_swtpm tpm --pcr-banks sha1,sha256
# shellcheck disable=SC2154 # tpm_TCTI: set by start_swtpm
T=$tpm_TCTI

# Extend every predicted event, both banks at once, in order.
jq -r '.banks.sha256 | to_entries[] | .key as $p | .value.events | to_entries[] | "\($p) \(.key)"' \
	"$TMP/golden.json" | while read -r pcr i; do
	d1=$(jq -r ".banks.sha1[\"$pcr\"].events[$i].digest" "$TMP/golden.json")
	d2=$(jq -r ".banks.sha256[\"$pcr\"].events[$i].digest" "$TMP/golden.json")
	tpm2_pcrextend -T "$T" "$pcr:sha1=$d1,sha256=$d2" || fail "pcrextend $pcr"
done

tpm2_createprimary -T "$T" -C o -G ecc -c "$TMP/p.ctx" >/dev/null || fail "createprimary"
tpm2_flush "$T"
tpm2_create -T "$T" -C "$TMP/p.ctx" -G ecc256:ecdsa-sha256:null -u "$TMP/ak.pub" -r "$TMP/ak.priv" \
	-a "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign" >/dev/null ||
	fail "tpm2_create"
tpm2_flush "$T"
tpm2_load -T "$T" -C "$TMP/p.ctx" -u "$TMP/ak.pub" -r "$TMP/ak.priv" -c "$TMP/ak.ctx" >/dev/null ||
	fail "tpm2_load"
tpm2_flush "$T"
tpm2_readpublic -T "$T" -c "$TMP/ak.ctx" -f pem -o "$TMP/ak.pem" >/dev/null || fail "readpublic"
tpm2_flush "$T"
tpm2_quote -T "$T" -c "$TMP/ak.ctx" -l "$SEL" -q 0badc0de -m "$TMP/msg" -s "$TMP/sig" \
	-o "$TMP/tpm-pcrs.bin" -F values -g sha256 >"$TMP/quote.log" 2>&1 || { cat "$TMP/quote.log"; fail "tpm2_quote"; }
tpm2_flush "$T"
cmp "$TMP/tpm-pcrs.bin" "$TMP/values.bin" || fail "the TPM's PCR values differ from predict's"
# tpm2_quote's own PCR file is byte for byte predict's.
tpm2_quote -T "$T" -c "$TMP/ak.ctx" -l "$SEL" -q 0badc0de -m "$TMP/msg" -s "$TMP/sig" \
	-o "$TMP/tpm-serialized.bin" -g sha256 >/dev/null 2>&1 || fail "tpm2_quote"
tpm2_flush "$T"
cmp "$TMP/tpm-serialized.bin" "$TMP/pcrs.bin" || fail "tpm2_quote -o and --format tpm2-pcrs differ"
tpm2_checkquote -u "$TMP/ak.pem" -m "$TMP/msg" -s "$TMP/sig" -f "$TMP/pcrs.bin" -g sha256 \
	-q 0badc0de >/dev/null || fail "tpm2_checkquote rejects predict's two-bank PCR file"
# A single-bank selection too.
"$BOOTPROOF" predict --uki "$UKI" --banks sha256 --format tpm2-pcrs -o "$TMP/pcrs256.bin" 2>"$TMP/sel256"
SEL256=$(cat "$TMP/sel256")
tpm2_quote -T "$T" -c "$TMP/ak.ctx" -l "$SEL256" -q 0badc0de -m "$TMP/msg" -s "$TMP/sig" \
	-o "$TMP/tpm256.bin" -g sha256 >/dev/null 2>&1 || fail "tpm2_quote sha256"
tpm2_flush "$T"

cmp "$TMP/tpm256.bin" "$TMP/pcrs256.bin" || fail "sha256-only PCR file differs from tpm2_quote -o"
tpm2_checkquote -u "$TMP/ak.pem" -m "$TMP/msg" -s "$TMP/sig" -f "$TMP/pcrs256.bin" \
	-g sha256 -q 0badc0de >/dev/null || fail "tpm2_checkquote rejects predict's PCR values"
echo "ok: swtpm PCRs = predict, tpm2_checkquote accepts --format tpm2-pcrs"
