# SPDX-License-Identifier: LGPL-2.1-or-later
# Cloud import formats (issue 11): image/scripts/cloud-formats.sh.
bp_script_test(test-cloud-formats cloud/test-cloud-formats.sh TIMEOUT 600)
bp_script_test(test-cloud-aws-blob cloud/test-cloud-aws-blob.sh TIMEOUT 300)
bp_script_test(test-cloud-dbx cloud/test-cloud-dbx.sh TIMEOUT 300)
