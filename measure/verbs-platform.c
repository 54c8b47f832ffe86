/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `bootproof eventlog profile --target/--pcrs` (verbs-platform.h): option parsing and I/O only;
 * the logic is platform-target.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "pcr-yaml.h"
#include "verbs-platform.h"
#include "verbs.h"

int profile_target_option(int opt, const char *arg, struct platform_build *pb)
{
	uint32_t u;

	switch (opt) {
	case 'T':
		pb->target = platform_target_from_string(arg);
		if (pb->target < 0) {
			log_error("Unknown target '%s' (qemu, gce, azure, aws)", arg);
			return -EINVAL;
		}
		return 0;
	case 'F':
		if (safe_atou32(arg, &u) < 0 || u < 1 || u > GCE_FIRMWARE_MAX) {
			log_error("Invalid GCE firmware version '%s' (1-%u)", arg, GCE_FIRMWARE_MAX);
			return -EINVAL;
		}
		pb->target_options.gce_firmware = u;
		return 0;
	case 'C': {
		int c = gce_cvm_from_string(arg);
		if (c < 0) {
			log_error("Unknown confidential VM type '%s' (none, sev, sev-es, tdx, sev-snp)",
				  arg);
			return -EINVAL;
		}
		pb->target_options.gce_cvm = (enum gce_cvm)c;
		return 0;
	}
	case 'K':
		pb->target_options.default_keys = true;
		return 0;
	default:
		return -EINVAL;
	}
}

int verb_profile_build(struct platform_build *pb, const char *yaml, const char *name,
		       unsigned pcrs, unsigned banks, const char *out)
{
	_cleanup_(platform_profile_freep) struct platform_profile *p = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(freep) uint8_t *data = NULL;
	struct pcr_values *values = NULL;
	char err[512] = "";
	size_t len = 0;
	int r;

	if (yaml) {
		r = read_file_capped(yaml, PCR_YAML_MAX_SIZE, &data, &len);
		if (r < 0)
			return log_error_errno(r, "Failed to read '%s'", yaml);
		values = calloc(1, sizeof(*values));
		if (!values)
			return log_error_errno(-ENOMEM, "Out of memory");
		r = pcr_yaml_parse(data, len, values, err, sizeof(err));
		if (r < 0) {
			free(values);
			return log_error_errno(r, "%s: %s", yaml, err);
		}
		r = digest_buffer(BANK_SHA256, data, len, pb->values_sha256);
		if (r < 0) {
			free(values);
			return log_error_errno(r, "Failed to hash '%s'", yaml);
		}
	}
	pb->values = values;
	pb->name = name ? name : pb->target >= 0 ? platform_target_to_string(pb->target)
						 : "platform";
	pb->pcr_mask = pcrs;
	pb->bank_mask = banks;
	r = platform_profile_build(pb, &p, err, sizeof(err));
	free(values);
	pb->values = NULL;
	if (r == -EINVAL) {
		log_error("profile: %s", err);
		return EXIT_USAGE;
	}
	if (r < 0)
		return log_error_errno(r, "profile: %s", err[0] ? err : "cannot build it");
	r = platform_profile_to_json(p, &j);
	if (r < 0)
		return log_error_errno(r, "Failed to build the profile");
	r = json_write_canonical(out, j);
	if (r < 0)
		return log_error_errno(r, "Failed to write '%s'", out);
	return EXIT_OK;
}
