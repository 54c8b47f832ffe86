# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# The owner GUID of every EFI_SIGNATURE_DATA this project makes (PCR 7 measures it): one fixed value,
# so that PCR 7 does not change between builds. Its one definition: sourced by secure-boot.sh (the
# release's own PK/KEK/db/dbx lists), cloud-formats.sh (the AWS and Azure lists), release-state.sh and
# the boot tests. SB_OWNER_GUID=GUID in the environment overrides it for all of them alike.
SB_OWNER_GUID=${SB_OWNER_GUID:-de9c9933-f5c4-48bb-91ed-87c9727170e2}
