#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# `bootproof verify --html` in a real browser (headless Chromium): a verified and a refused
# report render with the verdict element saying so (screenshots kept in the build directory,
# report-html/*.png); the page loads nothing (CSP default-src 'none', the style's hash checked
# here with hashlib); and a genuine swtpm bundle whose runtime label, measured path and container
# names carry <script> and "><img onerror=...> payloads renders them as text: the rendered DOM
# has no script or img element and no on* attribute, and the title the payloads would set is
# unchanged. A control page with the same payload unescaped proves that this Chromium run does
# execute such a payload, so the check would catch one.
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/attest/lib.sh"
: "${BOOTPROOF_BUILD_DIR:?}"
command -v chromium >/dev/null || { echo "SKIP: chromium not installed (tests/deps/api.list)"; exit 77; }
DOM="/usr/bin/python3 $BOOTPROOF_SOURCE_DIR/tests/api/dom.py"
SHOTS=$BOOTPROOF_BUILD_DIR/report-html
mkdir -p "$SHOTS"
BP=$BOOTPROOF
ED="python3 $SRC/bundle-edit.py"

start_swtpm a --pcr-banks sha256
TA=$a_TCTI
python3 "$SRC/mkfixture.py" "$TA" "$WORK" sha256 >/dev/null
cp "$WORK/userspace.log" "$WORK/run.log"
# The payloads: each would change document.title if it ran.
SCRIPT="<script>document.title='pwned-script'</script>"
IMG="\"><img src=x onerror=\"document.title='pwned-img'\">"
mkdir -p "$WORK/in"
printf 'data' >"$WORK/in/$IMG"
$BP extend --tcti "$TA" --log "$WORK/run.log" --pcr 15 --label "$SCRIPT" "$WORK/in/$IMG"
python3 - "$WORK/cm.json" "$SCRIPT" "$IMG" <<'PY'
import json, sys
json.dump({sys.argv[2]: "sha256:00", sys.argv[3]: "sha256:11"}, open(sys.argv[1], "w"))
PY
N=00112233445566778899aabbccddeeff
$BP attest --tcti "$TA" --eventlog "$WORK/firmware.bin" --userspace-log "$WORK/run.log" \
	--containers "$WORK/cm.json" --nonce $N -o "$WORK/good.json" --ak-pub-out "$WORK/ak.pem" >/dev/null
tpm2_flush "$TA"
stop_swtpms
V="--golden $WORK/golden.json --ak-pub $WORK/ak.pem --nonce $N"

$BP verify "$WORK/good.json" $V --html "$WORK/verified.html" >/dev/null || fail "hostile-label bundle does not verify"
$ED flip-pcr "$WORK/good.json" "$WORK/bad.json" sha256 4
rc=0
$BP verify "$WORK/bad.json" $V --html "$WORK/refused.html" >/dev/null || rc=$?
[ $rc = 3 ] || fail "tampered bundle: exit $rc, expected 3"
# An unreadable report path: exit 1, nothing written.
rc=0
$BP verify "$WORK/good.json" $V --html "$WORK/nodir/r.html" >/dev/null 2>&1 || rc=$?
[ $rc = 1 ] && [ ! -e "$WORK/nodir" ] || fail "--html into a missing directory: exit $rc"
$BP verify "$WORK/good.json" "$WORK/bad.json" $V --html "$WORK/two.html" >/dev/null 2>&1 && fail "--html with two bundles accepted"
[ ! -e "$WORK/two.html" ] || fail "usage error wrote a report"

# --release DIR: golden.json must be the one the release's signed SHA256SUMS lists. The release
# folder is made with openssl and sha256sum (Ed25519, as the development signing key), not bootproof.
R=$WORK/release
mkdir -p "$R"
openssl genpkey -algorithm ed25519 -out "$WORK/release.key" 2>/dev/null
openssl pkey -in "$WORK/release.key" -pubout -out "$R/signing-key.pub.pem"
cp "$WORK/golden.json" "$R/golden.json"
(cd "$R" && sha256sum golden.json signing-key.pub.pem >SHA256SUMS)
openssl pkeyutl -sign -inkey "$WORK/release.key" -rawin -in "$R/SHA256SUMS" -out "$R/SHA256SUMS.sig"
FPR=$(openssl pkey -pubin -in "$R/signing-key.pub.pem" -outform DER | sha256sum | cut -d' ' -f1)
$BP verify "$WORK/good.json" $V --release "$R" --html "$WORK/release.html" >"$WORK/release.out" ||
	fail "--release with the release's own golden.json: exit $?"
grep -q "signed by the key with SPKI sha256:$FPR" "$WORK/release.out" || fail "--release: fingerprint $FPR not printed"
grep -q "$FPR" "$WORK/release.html" || fail "--release: fingerprint not on the page"
# another golden.json than the release's: 3; a signature by another key: 3; no signature: 1
python3 -c 'import json,sys; g=json.load(open(sys.argv[1])); g["image"]["version"]="other"; json.dump(g,open(sys.argv[2],"w"))' \
	"$WORK/golden.json" "$WORK/golden-other.json"
rc=0
$BP verify "$WORK/good.json" --golden "$WORK/golden-other.json" --ak-pub "$WORK/ak.pem" --nonce $N \
	--release "$R" >/dev/null 2>"$WORK/release.err" || rc=$?
[ $rc = 3 ] && grep -q "is not the golden.json the release's signed SHA256SUMS lists" "$WORK/release.err" ||
	fail "--release with another golden.json: exit $rc $(cat "$WORK/release.err")"
cp -r "$R" "$WORK/release-badsig"
openssl genpkey -algorithm ed25519 -out "$WORK/other.key" 2>/dev/null
openssl pkeyutl -sign -inkey "$WORK/other.key" -rawin -in "$R/SHA256SUMS" -out "$WORK/release-badsig/SHA256SUMS.sig"
rc=0
$BP verify "$WORK/good.json" $V --release "$WORK/release-badsig" >/dev/null 2>"$WORK/release.err" || rc=$?
[ $rc = 3 ] && grep -q "does not verify with signing-key.pub.pem" "$WORK/release.err" ||
	fail "--release, signature by another key: exit $rc $(cat "$WORK/release.err")"
rm "$WORK/release-badsig/SHA256SUMS.sig"
rc=0
$BP verify "$WORK/good.json" $V --release "$WORK/release-badsig" >/dev/null 2>"$WORK/release.err" || rc=$?
[ $rc = 1 ] && grep -q "SHA256SUMS.sig: cannot read" "$WORK/release.err" ||
	fail "--release without a signature: exit $rc (could not check: 1) $(cat "$WORK/release.err")"
echo "--release: fingerprint $FPR; another golden.json 3, another key 3, no signature 1"

$DOM "$WORK/verified.html" "$SHOTS/verified.png" >"$WORK/verified.dom.json"
$DOM "$WORK/refused.html" "$SHOTS/refused.png" >"$WORK/refused.dom.json"
# Control: the payload unescaped in a page without CSP does run in this browser.
printf '<!DOCTYPE html><html><head><title>control</title></head><body><p>%s</p></body></html>\n' "$IMG" >"$WORK/control.html"
$DOM "$WORK/control.html" >"$WORK/control.dom.json"

python3 - "$WORK" "$SCRIPT" "$IMG" "$SHOTS" <<'PY' || fail "report checks"
import base64, hashlib, json, re, sys
w, script, img, shots = sys.argv[1:5]
ctl = json.load(open(f"{w}/control.dom.json"))
assert ctl["title"] == "pwned-img", f"control: the payload did not run ({ctl['title']!r}): the check below would prove nothing"
for name, word, reason in [("verified", "VERIFIED", "ok"), ("refused", "REFUSED", "pcr-digest-mismatch")]:
    d = json.load(open(f"{w}/{name}.dom.json"))
    html = open(f"{w}/{name}.html", encoding="utf-8").read()
    assert d["ids"]["verdict-word"] == word and d["ids"]["reason"] == reason, (name, d["ids"])
    assert d["title"] == "bootproof verdict", (name, d["title"])
    # Nothing executable reached the DOM: no script, no img, no event handler attribute.
    assert "script" not in d["tags"] and "img" not in d["tags"] and not d["handlers"], (name, d["tags"], d["handlers"])
    # No external resources: no src/href/... attribute in the rendered DOM, and the CSP forbids everything but
    # the one style sheet, whose hash is the one the policy names.
    assert not d["urls"], (name, d["urls"])
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    h = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert csp == f"default-src 'none'; style-src 'sha256-{h}'; base-uri 'none'; form-action 'none'", csp
    assert html.count("<style>") == 1 and " style=" not in html, name
    print(f"{name}: verdict element '{d['ids']['verdict']}' ({len(d['text'])} bytes of DOM, CSP style hash ok)")
d = json.load(open(f"{w}/verified.dom.json"))
# The payloads are on the page, as text: in the runtime table and the container list.
assert script in d["ids"]["runtime"] and img in d["ids"]["runtime"], d["ids"]["runtime"]
assert script in d["ids"]["containers"] and img in d["ids"]["containers"], d["ids"]["containers"]
print("ok: <script> and \"><img onerror> payloads rendered as text, nothing ran; screenshots in", shots)
PY
[ -s "$SHOTS/verified.png" ] && [ -s "$SHOTS/refused.png" ] || fail "no screenshots"
echo "ok: verified and refused reports render in Chromium; hostile strings stay text"
