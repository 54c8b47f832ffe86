# SPDX-License-Identifier: LGPL-2.1-or-later
# Jobs (job/, measure/attest/job-*.c): the spec reader, records, the verifier's state machine,
# path checks; fuzz targets; the runner against a real dockerd and swtpm.
bp_unit_test(test-job unit/test-job.c LIBS bp_job)
bp_fuzz_target(fuzz-job-spec fuzz/fuzz-job-spec.c LIBS bp_job)
bp_fuzz_target(fuzz-job-record fuzz/fuzz-job-record.c LIBS bp_job)
if(BOOTPROOF_INTEROP_TESTS)
	bp_script_test(test-job-run job/test-job.sh LABELS interop TIMEOUT 900)
endif()
if(BOOTPROOF_INTEROP_TESTS)
	# the image's job channel (job-responder) driven by the boot test's host side (job-host.sh)
	bp_script_test(test-job-responder job/test-job-responder.sh LABELS interop TIMEOUT 600)
endif()
