/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Human decoding of event-log events: EFI variable names and GUIDs, device paths, UTF-16
 * strings, PE section names, EV_EFI_* structures (UEFI_VARIABLE_DATA, UEFI_IMAGE_LOAD_EVENT,
 * UEFI_GPT_DATA, EFI_LOAD_OPTION, EFI_SIGNATURE_LIST, EV_EVENT_TAG, firmware blobs, handoff
 * tables) and systemd userspace records. Decoding never fails on odd data: what does not parse
 * is shown as hex. Every read is bounded by the event's data size; every count is capped. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "tcg-eventlog.h"

#define EVLOG_DECODE_MAX_TEXT 4000u       /* characters of one description */
#define EVLOG_DECODE_MAX_PATH_NODES 64u   /* device-path nodes shown */
#define EVLOG_DECODE_MAX_LIST 64u         /* signature lists / partitions / tables shown */

/* A one-line description of ev, printable ASCII only (no control characters), at most
 * EVLOG_DECODE_MAX_TEXT characters: "SecureBoot = 00 (disabled)",
 * "\EFI\BOOT\BOOTX64.EFI (PciRoot(0x0)/Pci(0x4,0x0)/HD(1,GPT,...))", ".linux",
 * "Linux initrd", "enter-initrd", ... Returns 0 or -ENOMEM; *ret is malloc'd. */
int evlog_event_describe(const struct evlog_event *ev, char **ret);

/* A short name for the kind of event, for tables: the EV_* name for firmware events
 * ("EV_UNKNOWN_0x00001234" when PFP names none); for systemd records content.eventType
 * ("phase", "machine-id", ...) or "systemd" (the "type" of golden.json's systemd events).
 * Writes into buf (>= 64 bytes). */
const char *evlog_event_kind(const struct evlog_event *ev, char buf[64]);

/* Formats a GUID stored mixed-endian (first three fields little-endian) into buf (37 bytes). */
void evlog_guid_format(const uint8_t g[16], char buf[37]);
/* The well-known name of a GUID ("EFI_GLOBAL_VARIABLE"), or NULL. */
const char *evlog_guid_name(const uint8_t g[16]);
/* An EFI device path in the UEFI 2.10 §10.6 text form ("PciRoot(0x0)/Pci(0x1,0x0)/..."),
 * malloc'd; at most EVLOG_DECODE_MAX_PATH_NODES nodes. */
int evlog_device_path_to_string(const uint8_t *p, size_t n, char **ret);
