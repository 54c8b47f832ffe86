/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GPT header + entries -> UEFI_GPT_DATA (EDK2 Tcg2MeasureGptTable) and the ESP, see gpt.h.
 * UEFI Specification 2.10 §5.3.2 (GPT header), §5.3.3 (entries). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "gpt.h"
#include "log.h"
#include "size.h"

/* EFI System Partition type GUID C12A7328-F81F-11D2-BA4B-00A0C93EC93B, on-disk byte order. */
static const uint8_t esp_type[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
				     0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};

uint32_t gpt_crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

/* The header's CRC32 is over its first hsize bytes with the CRC field itself (offset 16) zero. */
static int check_header_crc(const uint8_t *header, uint32_t hsize, uint32_t hcrc)
{
	uint8_t *copy = malloc(hsize);
	uint32_t crc;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, header, hsize);
	memset(copy + 16, 0, 4);
	crc = gpt_crc32(copy, hsize);
	free(copy);
	if (crc != hcrc) {
		log_debug("gpt: header CRC32 0x%08x, computed 0x%08x", hcrc, crc);
		return -EBADMSG;
	}
	return 0;
}

static int try_read(const uint8_t *disk, size_t len, uint32_t ss, struct gpt *ret)
{
	struct cursor h, e;
	uint8_t hdr[GPT_HEADER_SIZE];
	uint32_t hsize, hcrc, n_entries, esize, ecrc;
	uint64_t my_lba, entries_lba, table;
	size_t used = 0;
	uint8_t *ev;
	int r;

	if (!blob_slice(disk, len, ss, GPT_HEADER_SIZE, &h) || !cursor_expect(&h, "EFI PART", 8))
		return -ENOENT;
	memcpy(hdr, disk + ss, GPT_HEADER_SIZE);
	hsize = load_le32(hdr + 12);
	hcrc = load_le32(hdr + 16);
	my_lba = load_le64(hdr + 24);
	entries_lba = load_le64(hdr + 72);
	n_entries = load_le32(hdr + 80);
	esize = load_le32(hdr + 84);
	ecrc = load_le32(hdr + 88);
	if (hsize < GPT_HEADER_SIZE || hsize > ss || !range_ok(len, ss, hsize)) {
		log_debug("gpt: HeaderSize %u invalid (sector size %u)", hsize, ss);
		return -EBADMSG;
	}
	r = check_header_crc(disk + ss, hsize, hcrc);
	if (r < 0)
		return r;
	if (my_lba != 1) {
		log_debug("gpt: MyLBA is %llu, not 1", (unsigned long long)my_lba);
		return -EBADMSG;
	}
	if (n_entries > GPT_MAX_ENTRIES || esize < 128 || esize > GPT_MAX_ENTRY_SIZE ||
	    esize % 8 != 0) {
		log_debug("gpt: %u entries of %u bytes: outside the caps", n_entries, esize);
		return -E2BIG;
	}
	if (!u64_mul(entries_lba, ss, &table) ||
	    !blob_slice(disk, len, table, (uint64_t)n_entries * esize, &e)) {
		log_debug("gpt: partition entry array at LBA %llu outside the image",
			  (unsigned long long)entries_lba);
		return -EBADMSG;
	}
	if (gpt_crc32(e.p, (size_t)n_entries * esize) != ecrc) {
		log_debug("gpt: partition entry array CRC32 mismatch");
		return -EBADMSG;
	}
	memset(ret, 0, sizeof(*ret));
	ev = malloc(GPT_HEADER_SIZE + 8 + (size_t)n_entries * esize);
	if (!ev)
		return -ENOMEM;
	memcpy(ev, hdr, GPT_HEADER_SIZE);
	for (uint32_t i = 0; i < n_entries; i++) {
		const uint8_t *ent = e.p + (size_t)i * esize;
		static const uint8_t zero[16];
		if (memcmp(ent, zero, 16) == 0)
			continue;
		memcpy(ev + GPT_HEADER_SIZE + 8 + used * esize, ent, esize);
		used++;
		if (!ret->have_esp && memcmp(ent, esp_type, 16) == 0) {
			uint64_t first = load_le64(ent + 32), last = load_le64(ent + 40), off, sz;
			if (last < first || !u64_mul(first, ss, &off) ||
			    !u64_mul(last - first + 1, ss, &sz) || !range_ok(len, off, sz)) {
				log_debug("gpt: ESP entry %u outside the image", i);
				free(ev);
				return -EBADMSG;
			}
			ret->have_esp = true;
			ret->esp_offset = off;
			ret->esp_size = sz;
		}
	}
	store_le64(ev + GPT_HEADER_SIZE, used);
	ret->sector_size = ss;
	memcpy(ret->disk_guid, hdr + 56, 16);
	ret->n_used = (uint32_t)used;
	ret->event = ev;
	ret->event_len = GPT_HEADER_SIZE + 8 + used * esize;
	return 0;
}

int gpt_read(const uint8_t *disk, size_t len, uint32_t sector_size, struct gpt *ret)
{
	int r;
	if (sector_size != 0)
		return try_read(disk, len, sector_size, ret);
	r = try_read(disk, len, 512, ret);
	if (r == -ENOENT)
		r = try_read(disk, len, 4096, ret);
	if (r == -ENOENT) {
		log_debug("gpt: no 'EFI PART' header at LBA 1 (512 or 4096-byte sectors)");
		return -EBADMSG;
	}
	return r;
}

void gpt_done(struct gpt *g)
{
	free(g->event);
	memset(g, 0, sizeof(*g));
}
