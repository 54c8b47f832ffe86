#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# `bootproof job run` on a real dockerd and a real swtpm, then `bootproof verify` of real quotes:
# a job whose container ID, input and output digests are checked against docker inspect and
# hashlib; its isolation (no network, read-only inputs); refusals of bad specs, each measured;
# a re-pointed tag refused; a non-zero exit, a timeout, the lock, a killed runner (incomplete).
. "$BOOTPROOF_SOURCE_DIR/tests/job/lib.sh"

start_job_dockerd
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
"$BP" verify "$WORK/b1.json" --golden "$GOLDEN" --ak-pub "$AK" --nonce 01 --containers "$WORK/cm.json" \
	--html "$WORK/job.html" >"$WORK/human.txt"
cat "$WORK/human.txt"
grep -q "container demo:1 $DEMO_ID: in the release.s container measurements" "$WORK/human.txt" && grep -q "provenance: a machine that booted release bootproof-test" "$WORK/human.txt" || fail "human provenance"
# the report page for people carries the same job: status, container ID, input and output digests
python3 - "$WORK/job.html" "$WORK/verdict.json" <<'PY' || fail "the HTML report's job section"
import html.parser, json, sys
class T(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.inside = 0; self.text = []
    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("class", "job") in attrs: self.inside += 1
    def handle_endtag(self, tag):
        if tag == "table" and self.inside: self.inside -= 1
    def handle_data(self, d):
        if self.inside: self.text.append(d)
t = T(); t.feed(open(sys.argv[1]).read()); text = " ".join(t.text)
job = json.load(open(sys.argv[2]))["job"]
for want in [job["status"], job["container"]["id"], job["spec"]["sha256"]] + \
        [i["sha256"] for i in job["inputs"]] + [o["sha256"] for o in job["outputs"]]:
    assert want in text, (want, text[:400])
print("report: the job section names status, container ID, spec, input and output digests")
PY

# --- 2. bad specs: each refused before anything runs, with its reason, and measured
# expect_refused REASON LABEL SPEC: exit 3, the reason on stderr, a job-refused:<reason> record
# last in the log, nothing run (no container started: the engine's container count is 0).
expect_refused() {
	want=$1 label=$2 sp=$3
	set +e
	"$BP" job run "$sp" $RUN >/dev/null 2>"$WORK/refused.err"
	rc=$?
	set -e
	echo "REFUSED $label: exit $rc: $(head -c 300 "$WORK/refused.err")"
	[ "$rc" = 3 ] || { cat "$WORK/refused.err" >&2; fail "$label: exit $rc, expected 3"; }
	grep -q "job refused ($want)" "$WORK/refused.err" || fail "$label: not refused as $want"
	tail -c 2000 "$LOG" | tr '\036' '\n' | tail -n 1 | grep -q "\"bootproof:v1:job-refused:$want\"" ||
		fail "$label: the refusal is not the last record of the log"
	[ "$(dk ps -aq | wc -l)" = 0 ] || fail "$label: a container was created"
}
spec "$WORK/s.json" demo:1 "$OUT/r1" "true"
python3 - "$WORK/s.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["privileged"] = True; json.dump(s, open(sys.argv[1], "w"))
PY
expect_refused spec-unknown-key "unknown key" "$WORK/s.json"
spec "$WORK/s.json" demo:1 "$OUT/r2" "true" 60 '[{"name": "x", "path": "/etc/passwd"}]'
expect_refused input-outside-root "input outside the input root" "$WORK/s.json"
spec "$WORK/s.json" demo:1 "$WORK/elsewhere" "true"
expect_refused output-outside-root "output outside the output root" "$WORK/s.json"
spec "$WORK/s.json" demo:1 "$OUT/r3" "true" 60 '[{"name": "x", "path": "'$IN'/data/../../etc/passwd"}]'
expect_refused path-dotdot "'..' in an input path" "$WORK/s.json"
mkdir -p "$IN/evil"
ln -s /etc "$IN/evil/etc"
spec "$WORK/s.json" demo:1 "$OUT/r4" "true" 60 '[{"name": "x", "path": "'$IN/evil'"}]'
expect_refused input-symlink-escapes "symlink escaping the input folder" "$WORK/s.json"
ln -s /etc/passwd "$IN/pw"
spec "$WORK/s.json" demo:1 "$OUT/r5" "true" 60 '[{"name": "x", "path": "'$IN/pw'"}]'
expect_refused input-symlink-escapes "input that is a symlink out of the root" "$WORK/s.json"
spec "$WORK/s.json" other:1 "$OUT/r6" "true"
expect_refused container-not-measured "tag not measured" "$WORK/s.json"
spec "$WORK/s.json" demo:1 "$OUT/r7" "true" 60 '[{"name": "x", "path": "'$IN/missing.txt'"}]'
expect_refused input-missing "missing input" "$WORK/s.json"
spec "$WORK/s.json" demo:1 "$OUT/good" "true"
expect_refused output-not-empty "output folder with files in it" "$WORK/s.json"
printf '{"format": "bootproof-job/1", "format": "x"}' >"$WORK/s.json"
expect_refused spec-invalid "duplicate key" "$WORK/s.json"

quote "$WORK/b2.json" 02
expect_verdict 0 ok "refused jobs" "$WORK/b2.json" 02 --containers "$WORK/cm.json"
python3 - "$WORK/verdict.json" "$OTHER_ID" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
st = [(j["status"], j.get("refused")) for j in v["jobs"]]
assert st[0] == ("complete", None) and len(st) == 11, st
assert all(s == "refused" for s, _ in st[1:]), st
nm = v["jobs"][7]
assert nm["refused"] == "container-not-measured" and nm["container"] == {"tag": "other:1", "id": sys.argv[2], "in_release": False}, nm
print("verdict: the good job and 10 refused jobs, in order; nothing ran for the refused ones")
PY
expect_verdict 3 job-refused "refused job, success required" "$WORK/b2.json" 02 --containers "$WORK/cm.json" --require-job-success

# --- 3. the measured tag re-pointed at another image in the engine: refused, nothing runs
dk tag other:1 demo:1
spec "$WORK/s.json" demo:1 "$OUT/repointed" "echo ran >/job/out/ran"
expect_refused container-id-mismatch "re-pointed tag" "$WORK/s.json"
[ ! -e "$OUT/repointed/ran" ] || fail "the re-pointed container ran"
quote "$WORK/b3.json" 03
expect_verdict 0 ok "re-pointed tag (refused, reported)" "$WORK/b3.json" 03 --containers "$WORK/cm.json"
python3 - "$WORK/verdict.json" "$OTHER_ID" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["job"]
assert j["status"] == "refused" and j["refused"] == "container-id-mismatch" and j["started"] is False, j
assert j["container"] == {"tag": "demo:1", "id": sys.argv[2], "in_release": False}, j
PY
"$BP" verify "$WORK/b3.json" --golden "$GOLDEN" --ak-pub "$AK" --nonce 03 --containers "$WORK/cm.json" | grep -q "refused (container-id-mismatch): nothing ran" || fail "human output of the refused job"
expect_verdict 3 job-refused "re-pointed tag, success required" "$WORK/b3.json" 03 --containers "$WORK/cm.json" --require-job-success
dk tag "$DEMO_ID" demo:1

# --- 4. a job that fails, and one that runs out of time: measured, reported
spec "$WORK/s.json" demo:1 "$OUT/fails" "echo partial >/job/out/p; exit 7"
set +e; "$BP" job run "$WORK/s.json" $RUN >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 1 ] || fail "a failing job: exit $rc, expected 1"
quote "$WORK/b4.json" 04
expect_verdict 0 ok "non-zero exit (reported)" "$WORK/b4.json" 04 --containers "$WORK/cm.json"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))["job"]; assert j["exit"]=="7" and j["status"]=="complete" and len(j["outputs"])==1, j' "$WORK/verdict.json"
expect_verdict 3 job-exit-nonzero "non-zero exit, success required" "$WORK/b4.json" 04 --require-job-success
spec "$WORK/s.json" demo:1 "$OUT/slow" "/bin/busybox sleep 60" 2
set +e; "$BP" job run "$WORK/s.json" $RUN >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 1 ] || fail "a job over its time: exit $rc, expected 1"
quote "$WORK/b5.json" 05
expect_verdict 0 ok "timeout (reported)" "$WORK/b5.json" 05 --containers "$WORK/cm.json"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))["job"]; assert j["exit"]=="timeout" and j["status"]=="complete", j' "$WORK/verdict.json"
[ "$(dk ps -aq | wc -l)" = 0 ] || fail "the timed-out container is still there"

# --- 5. one job at a time; a killed runner leaves an incomplete job
spec "$WORK/s.json" demo:1 "$OUT/long" "/bin/busybox sleep 60"
"$BP" job run "$WORK/s.json" $RUN >/dev/null 2>&1 &
runner=$!
for _ in $(seq 1 300); do
	[ "$(dk ps -q | wc -l)" = 1 ] && break
	sleep 0.1
done
[ "$(dk ps -q | wc -l)" = 1 ] || fail "the long job's container did not start"
spec "$WORK/s2.json" demo:1 "$OUT/second" "true"
set +e; "$BP" job run "$WORK/s2.json" $RUN 2>"$WORK/busy.err"; rc=$?; set -e
[ "$rc" = 1 ] && grep -q "another job is running" "$WORK/busy.err" || fail "a second job while one runs: exit $rc: $(cat "$WORK/busy.err")"
[ ! -e "$OUT/second" ] || fail "the second job touched its output"
kill -9 "$runner"
wait "$runner" 2>/dev/null || true
dk kill "$(dk ps -q)" >/dev/null
quote "$WORK/b6.json" 06
expect_verdict 3 job-incomplete "killed runner" "$WORK/b6.json" 06 --containers "$WORK/cm.json"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))["job"]; assert j["status"]=="incomplete" and j["started"] and j["exit"] is None, j' "$WORK/verdict.json"
echo "lock: a second job is refused while one runs; a killed runner's job verifies as incomplete"

# --- 6. outputs into PCR 8 (the other published layout); the verifier replays PCR 8 too
spec "$WORK/s.json" demo:1 "$OUT/pcr8" "echo eight >/job/out/e"
"$BP" job run "$WORK/s.json" $RUN --output-pcr 8 >/dev/null
quote "$WORK/b7.json" 07
expect_verdict 0 ok "outputs in PCR 8" "$WORK/b7.json" 07 --containers "$WORK/cm.json" --runtime-pcrs 8,14,15 --require-job-success
python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))["job"]; assert [o["pcr"] for o in j["outputs"]]==[8] and j["status"]=="complete", j' "$WORK/verdict.json"

# --- 7. the attack catalogue: logs an operator with TPM access could write (each record
# extended into a fresh swtpm too, so the log replays to the real quote); verify must refuse.
H=$(printf 'x' | sha256sum | cut -d' ' -f1)
SPEC="bootproof:v1:job-spec:$H:1"
CONT="bootproof:v1:job-container:$DEMO_ID:demo:1"
INP="bootproof:v1:input:file:$H:1:data:/var/lib/bootproof/jobs/input/x"
OUTP="bootproof:v1:output:file:$H:1:job-output:/var/lib/bootproof/jobs/output/o/x"
n=0
# attack REASON LABEL PCR:RECORD...
attack() {
	reason=$1 label=$2
	shift 2
	n=$((n + 1))
	new_tpm "forge$n"
	python3 "$BOOTPROOF_SOURCE_DIR/tests/job/forge.py" "$TCTI" "$LOG" "$BANKS" "$@"
	quote "$WORK/forge$n.json" 0a
	expect_verdict 3 "$reason" "$label" "$WORK/forge$n.json" 0a --containers "$WORK/cm.json"
}
attack job-container-not-in-release "container not in the release's measurements" \
	"14:$SPEC" "14:bootproof:v1:job-container:$OTHER_ID:demo:1" "14:bootproof:v1:job-start:0" \
	"15:bootproof:v1:job-exit:0" "15:bootproof:v1:job-end:0"
attack job-record-order "output before the job started" \
	"14:$SPEC" "14:$CONT" "15:$OUTP" "14:bootproof:v1:job-start:0"
attack job-record-order "input after the job started" \
	"14:$SPEC" "14:$CONT" "14:bootproof:v1:job-start:0" "14:$INP" "15:bootproof:v1:job-exit:0"
attack job-record-order "input not counted by the start record" \
	"14:$SPEC" "14:$CONT" "14:$INP" "14:bootproof:v1:job-start:0"
attack job-incomplete "no closing record" \
	"14:$SPEC" "14:$CONT" "14:bootproof:v1:job-start:0" "15:bootproof:v1:job-exit:0" "15:$OUTP"
attack job-refused-presented-as-run "refused job presented as a run" \
	"14:$SPEC" "14:$CONT" "14:bootproof:v1:job-refused:container-id-mismatch" \
	"14:bootproof:v1:job-start:0" "15:bootproof:v1:job-exit:0" "15:bootproof:v1:job-end:0"
attack job-record-malformed "malformed job record" "14:$SPEC" "14:bootproof:v1:job-container:demo:1"
echo "attack catalogue: every forged job log refused with its reason"
