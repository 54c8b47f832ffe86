/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GPT of a disk image: the EV_EFI_GPT_EVENT data exactly as EDK2 measures it
 * (SecurityPkg/Library/DxeTpm2MeasureBootLib Tcg2MeasureGptTable: UEFI_GPT_DATA = the 92-byte
 * EFI_PARTITION_TABLE_HEADER from LBA 1, UINT64 NumberOfPartitions, then every entry whose type
 * GUID is not zero, SizeOfPartitionEntry bytes each, in table order), and the ESP's location.
 * UEFI 2.10 §5.3. Header and entry-array CRC32s are checked (firmware would fall back to the
 * backup table on a bad primary; we refuse instead). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GPT_MAX_ENTRIES 1024u
#define GPT_MAX_ENTRY_SIZE 4096u
#define GPT_HEADER_SIZE 92u

struct gpt {
	uint32_t sector_size;
	uint8_t disk_guid[16];
	uint32_t n_used;
	bool have_esp;
	uint64_t esp_offset, esp_size; /* bytes */
	uint8_t *event;                /* UEFI_GPT_DATA */
	size_t event_len;
};

/* sector_size 0: try 512, then 4096. -EBADMSG with a debug message on any defect. */
int gpt_read(const uint8_t *disk, size_t len, uint32_t sector_size, struct gpt *ret);
void gpt_done(struct gpt *g);
uint32_t gpt_crc32(const uint8_t *p, size_t n);
