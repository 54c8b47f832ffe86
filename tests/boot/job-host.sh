#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The host's side of the job channel (image/mkosi.extra/usr/lib/bootproof/job-responder): hands the
# machine a job and its input, takes back the output, re-points the measured tag (RETAG), hands
# in the same job again (it must be refused), then judges a bundle quoted after both.
#   job-host.sh run DIR IN OUT       IN: what the machine reads (FIFO), OUT: what it answers (a file
#                                    that grows); writes DIR/{words.txt,job1.tar,job2.tar,answer.txt,
#                                    out-1/,out-2/,job-1.log,job-2.log}
#   job-host.sh check DIR BUNDLE NONCE GOLDEN AK_PEM CONTAINERS [verify args]
#                                    verify --containers; the good job: container ID = the release's
#                                    container_measurements.json, input sha256 = the host's, output
#                                    sha256 = the returned file's, exit 0; the second: refused,
#                                    container-id-mismatch, not in the release.
# $JOBS_DIR: the machine's job folder (default /var/lib/bootproof/jobs); $JOB_TIMEOUT (s, 900).
set -eu
BOOTPROOF=${BOOTPROOF:-bootproof}
jobs=${JOBS_DIR:-/var/lib/bootproof/jobs}
tmo=${JOB_TIMEOUT:-900}
die() { echo "job-host: $*" >&2; exit 1; }		# could not run: exit 1 (docs/audit.md "Exit codes")
mismatch() { echo "job-host: $*" >&2; exit 3; }	# ran and found a difference: exit 3
verify_or() {	# OUT ARGS...: bootproof verify; its 3 is a mismatch, anything else could not run
	_o=$1; shift
	set +e
	"$BOOTPROOF" verify "$@" >"$_o"
	_rc=$?
	set -e
	[ "$_rc" = 0 ] || { [ "$_rc" = 3 ] && mismatch "verify: the bundle does not verify (exit 3)"; die "verify could not run (exit $_rc)"; }
}

wait_for() {	# FILE REGEX
	i=0
	until grep -a -q -E "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le $((tmo * 5)) ] || die "timeout waiting for '$2' in $1"
		sleep 0.2
	done
}

make_job() {	# DIR N
	d=$1/job$2
	mkdir -p "$d/input"
	cp "$1/words.txt" "$d/input/words.txt"
	cat >"$d/spec.json" <<EOT
{"format": "bootproof-job/1", "container": "bootproof-demo:latest",
 "command": ["/bin/sh", "-c", "/bin/busybox tr a-z A-Z </job/in/words >/job/out/upper.txt"],
 "inputs": [{"name": "words", "path": "$jobs/input/$2/input/words.txt"}],
 "output": "$jobs/output/$2",
 "limits": {"memory_mb": 128, "cpus": 1, "pids": 32, "seconds": 300}}
EOT
	tar -C "$d" --owner=0 --group=0 --numeric-owner -cf "$1/job$2.tar" spec.json input
}

send_job() {	# DIR N IN OUT
	{ echo "BEGIN job.tar"; base64 -w 76 "$1/job$2.tar"; echo "END job.tar"; } >"$3"
	wait_for "$4" "^BOOTPROOF-JOB DONE $2\$"
}

# split_answer OUT DIR: the n-th "BEGIN name" section into DIR/name.<n>
split_answer() {
	awk -v dir="$2" '
		/^BEGIN / { name = $2; k[name]++; f = dir "/" name "." k[name] ".b64"; printf "" > f; next }
		/^END /   { close(f); name = ""; next }
		name != "" { print > f }
	' "$1"
	for f in "$2"/*.b64; do base64 -d "$f" >"${f%.b64}" && rm -f "$f"; done
}

case "${1:-}" in
run)
	dir=$2 in=$3 out=$4
	mkdir -p "$dir"
	printf 'the quick brown fox, measured\n' >"$dir/words.txt"
	make_job "$dir" 1
	make_job "$dir" 2
	wait_for "$out" '^BOOTPROOF-JOB READY'
	send_job "$dir" 1 "$in" "$out"
	echo RETAG >"$in"
	wait_for "$out" '^RETAG-RC '
	grep -q '^RETAG-RC 0' "$out" || die "RETAG failed in the machine: $(grep '^RETAG-RC' "$out")"
	send_job "$dir" 2 "$in" "$out"
	cp "$out" "$dir/answer.txt"
	split_answer "$dir/answer.txt" "$dir"
	for n in 1 2; do
		mkdir -p "$dir/out-$n"
		tar -C "$dir/out-$n" -xf "$dir/output.tar.$n"
		mv "$dir/job.log.$n" "$dir/job-$n.log"
	done
	rcs=$(sed -n 's/^JOB-RC //p' "$dir/answer.txt" | tr '\n' ' ')
	[ "$rcs" = "0 3 " ] || die "bootproof job run exit codes $rcs, expected 0 (ran) and 3 (refused)"
	echo "job-host: job 1 ran, job 2 (after RETAG) refused; output $(cat "$dir/out-1/1/upper.txt")"
	;;
check)
	dir=$2 bundle=$3 nonce=$4 golden=$5 ak=$6 cm=$7
	shift 7
	verify_or "$dir/job-verdict.json" "$bundle" --golden "$golden" --nonce "$nonce" --ak-pub "$ak" \
		--containers "$cm" --json "$@"
	verify_or "$dir/job-verify.txt" "$bundle" --golden "$golden" --nonce "$nonce" --ak-pub "$ak" \
		--containers "$cm" "$@"
	# a failed assertion is a mismatch (exit 3); python itself failing to start is 1
	python3 - "$dir/job-verdict.json" "$cm" "$dir/words.txt" "$dir/out-1/1/upper.txt" \
		"$dir/job1.tar" <<'PY'
import hashlib, json, sys, tarfile
v = json.load(open(sys.argv[1]))
cm = json.load(open(sys.argv[2]))
want = [i["id"] for i in cm["images"] if "bootproof-demo:latest" in i["tags"]]
sha = lambda b: hashlib.sha256(b).hexdigest()
spec = tarfile.open(sys.argv[5]).extractfile("spec.json").read()
try:
    good, refused = v["jobs"][-2], v["jobs"][-1]
    assert v["ok"] is True, v["reason"]
    assert good["status"] == "complete" and good["exit"] == "0", good
    assert good["container"]["tag"] == "bootproof-demo:latest" and [good["container"]["id"]] == want, (good, want)
    assert good["container"]["in_release"] is True
    assert good["spec"]["sha256"] == sha(spec), "spec sha256"
    assert [i["sha256"] for i in good["inputs"]] == [sha(open(sys.argv[3], "rb").read())], good["inputs"]
    out = open(sys.argv[4], "rb").read()
    assert out == open(sys.argv[3], "rb").read().upper(), out
    assert [o["sha256"] for o in good["outputs"]] == [sha(out)], good["outputs"]
    assert refused["status"] == "refused" and refused["refused"] == "container-id-mismatch", refused
    assert refused["container"]["in_release"] is False and refused["started"] is False, refused
    print("job-host: verified: container %s = the release's, input and output sha256 = the host's, "
          "exit 0; the re-pointed tag was refused (engine ID %s)" % (want[0], refused["container"]["id"]))
except (AssertionError, IndexError, KeyError) as e:
    print("job-host: mismatch: %r" % (e,), file=sys.stderr)
    sys.exit(3)
PY
	;;
*) die "usage: job-host.sh run DIR IN OUT | check DIR BUNDLE NONCE GOLDEN AK_PEM CONTAINERS" ;;
esac
