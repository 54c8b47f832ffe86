#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# `bootproof job run` on a real dockerd and a real swtpm, then `bootproof verify` of real quotes:
# a job whose container ID, input and output digests are checked against docker inspect and
# hashlib; its isolation (no network, read-only inputs); refusals of bad specs, each measured;
# a re-pointed tag refused; a non-zero exit, a timeout, the lock, a killed runner (incomplete).
. "$BOOTPROOF_SOURCE_DIR/tests/job/lib.sh"

start_dockerd
make_image demo:1 "the demo image"
make_image other:1 "another image"
dk save demo:1 -o "$WORK/demo.tar"
"$BP" containers "$WORK/demo.tar" -o "$WORK/cm.json"
DEMO_ID=$(image_id demo:1)
OTHER_ID=$(image_id other:1)
[ "$DEMO_ID" != "$OTHER_ID" ] || fail "the two images have the same ID"
new_tpm a

IN=$WORK/in OUT=$WORK/out
mkdir -p "$IN/data/sub" "$OUT"
echo "hello measured world" >"$IN/data/words.txt"
echo "second file" >"$IN/data/sub/b.txt"
ln -s words.txt "$IN/data/link"                # a symlink inside the input: allowed
printf 'config=1\n' >"$IN/config.txt"
RUN="--containers $WORK/cm.json --host unix://$SOCK --input-root $IN --output-root $OUT
	--lock $WORK/job.lock --tcti $TCTI --log $LOG"

# spec FILE CONTAINER OUTPUT COMMAND [SECONDS] [INPUTS-JSON]
spec() {
	python3 - "$@" <<'PY'
import json, sys
f, c, o, cmd = sys.argv[1:5]
secs = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[5] else 60
ins = json.loads(sys.argv[6]) if len(sys.argv) > 6 else []
json.dump({"format": "bootproof-job/1", "container": c, "command": ["/bin/sh", "-c", cmd],
           "inputs": ins, "output": o,
           "limits": {"memory_mb": 256, "cpus": 1, "pids": 64, "seconds": secs}},
          open(f, "w"), indent=1)
PY
}
INPUTS='[{"name": "data", "path": "'$IN/data'"}, {"name": "config", "path": "'$IN/config.txt'"}]'

# --- 1. a good job: the demo container turns the input into an output
CMD='B=/bin/busybox
$B tr a-z A-Z </job/in/data/words.txt >/job/out/upper.txt
$B ls /sys/class/net >/job/out/net.txt
if echo x >/job/in/data/new 2>/dev/null; then echo writable >/job/out/input-writable; fi
if $B ls /dev/tpm0 /dev/tpmrm0 /var/run/docker.sock /run/docker.sock >/dev/null 2>&1; then echo yes >/job/out/tpm-or-socket; fi
echo done'
spec "$WORK/good.json" demo:1 "$OUT/good" "$CMD" 60 "$INPUTS"
"$BP" job run "$WORK/good.json" $RUN >"$WORK/run.out" || { cat "$WORK/run.out"; fail "the good job did not run"; }
cat "$WORK/run.out"
[ "$(cat "$OUT/good/upper.txt")" = "HELLO MEASURED WORLD" ] || fail "the demo container's output: $(cat "$OUT/good/upper.txt")"
[ "$(cat "$OUT/good/net.txt")" = "lo" ] || fail "network interfaces in the job: $(cat "$OUT/good/net.txt")"
[ ! -e "$OUT/good/input-writable" ] || fail "the job could write to its input"
[ ! -e "$OUT/good/tpm-or-socket" ] || fail "the job sees a TPM device or the docker socket"
[ ! -e "$IN/data/new" ] || fail "the job wrote into the input folder"
echo "good job: ran; output as expected; only lo; inputs read-only; no TPM, no docker socket"

quote "$WORK/b1.json" 01
expect_verdict 0 ok "good job" "$WORK/b1.json" 01 --containers "$WORK/cm.json" --require-job-success
python3 - "$WORK/verdict.json" "$DEMO_ID" "$WORK/good.json" "$IN/config.txt" "$OUT/good" <<'PY'
import hashlib, json, os, sys
v = json.load(open(sys.argv[1]))
j = v["job"]
assert v["jobs"][-1] == j and len(v["jobs"]) == 1, v["jobs"]
assert j["status"] == "complete" and j["exit"] == "0" and j["started"] is True, j
assert j["container"] == {"tag": "demo:1", "id": sys.argv[2], "in_release": True}, j["container"]
assert j["spec"]["sha256"] == hashlib.sha256(open(sys.argv[3], "rb").read()).hexdigest()
assert j["spec"]["size"] == os.path.getsize(sys.argv[3])
ins = {i["name"]: i for i in j["inputs"]}
assert list(ins) == ["data", "config"], ins
assert ins["config"]["sha256"] == hashlib.sha256(open(sys.argv[4], "rb").read()).hexdigest()
assert ins["data"]["type"] == "dir"
outs = {os.path.basename(o["path"]): o for o in j["outputs"]}
assert sorted(outs) == sorted(os.listdir(sys.argv[5])), (outs, os.listdir(sys.argv[5]))
for name, o in outs.items():
    assert o["sha256"] == hashlib.sha256(open(os.path.join(sys.argv[5], name), "rb").read()).hexdigest(), name
    assert o["pcr"] == 15
print("verdict: container ID = docker inspect, spec/input/output sha256 = hashlib, exit 0, complete")
PY
"$BP" verify "$WORK/b1.json" --golden "$GOLDEN" --ak-pub "$AK" --nonce 01 --containers "$WORK/cm.json" >"$WORK/human.txt"
cat "$WORK/human.txt"
grep -q "container demo:1 $DEMO_ID: in the release's container measurements" "$WORK/human.txt" || fail "human provenance"
