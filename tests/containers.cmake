# SPDX-License-Identifier: LGPL-2.1-or-later
# Container archives (docker-exports/): unit tests of the parsers, fuzz targets whose corpora
# run as regression tests, and tests against real dockerd / podman / buildah / skopeo / umoci.
bp_unit_test(test-docker-manifest unit/test-docker-manifest.c LIBS bp_docker)
# container_measurements.json: reader, canonical writer, AICert map (values from Python)
bp_unit_test(test-measurements unit/test-measurements.c LIBS bp_docker)
# The test writes its archives with libarchive directly; bootproof itself dlopen()s it.
bp_unit_test(test-docker-archive unit/test-docker-archive.c LIBS bp_docker PkgConfig::LIBARCHIVE)
bp_fuzz_target(fuzz-docker-manifest fuzz/fuzz-docker-manifest.c LIBS bp_docker)
bp_fuzz_target(fuzz-docker-index fuzz/fuzz-docker-index.c LIBS bp_docker)
bp_fuzz_target(fuzz-docker-config fuzz/fuzz-docker-config.c LIBS bp_docker)
bp_fuzz_target(fuzz-docker-archive fuzz/fuzz-docker-archive.c LIBS bp_docker)
bp_fuzz_target(fuzz-docker-measurements fuzz/fuzz-docker-measurements.c LIBS bp_docker)
bp_script_test(test-containers-cli containers/test-cli-containers.sh)
if(BOOTPROOF_INTEROP_TESTS)
	bp_script_test(test-containers-docker containers/test-docker.sh LABELS interop TIMEOUT 900)
	bp_script_test(test-containers-oci containers/test-oci.sh LABELS interop TIMEOUT 900)
endif()
if(BOOTPROOF_INTEROP_TESTS)
	# docker 26 from trixie (downloaded and extracted into the build directory once; skipped
	# with a message when trixie is unreachable)
	bp_script_test(test-containers-docker26 containers/test-docker26.sh LABELS interop TIMEOUT 900)
endif()
