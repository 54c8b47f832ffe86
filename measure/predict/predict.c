/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Boot-chain model, see predict.h. Sources per PCR (pcr-spec.md sections in brackets):
 * PCR 4 [§2.1-2.3]: EDK2 Tcg2Dxe OnReadyToBoot (action, separator), DxeTpm2MeasureBootLib
 *   (EV_EFI_BOOT_SERVICES_APPLICATION = Authenticode); systemd src/boot/efi/linux.c (the stub
 *   LoadImage()s .linux; the firmware measures it only with Secure Boot off, v252-v257).
 * PCR 5 [§6.2]: separator, EV_EFI_GPT_EVENT, systemd-boot >= 255 loader.conf EV_EVENT_TAG
 *   0xf5bc582a, ExitBootServices actions.
 * PCR 7 [§6.1]: EDK2 Tcg2Dxe MeasureAllSecureVariables (UEFI_VARIABLE_DATA), separator,
 *   DxeImageVerificationLib verification and authority (sb-verify.c).
 * PCR 9 [§5]: Linux efistub (drivers/firmware/efi/libstub efi-stub-helper.c
 *   efi_measure_tagged_event): LoadOptions tag 0x8F3B22ED, initrd tag 0x8F3B22EC.
 * PCR 11 [§3]: systemd-stub section name + data EV_IPL events, then systemd-pcrphase words.
 * PCR 12 [§4.1]: systemd-boot <= 254 and the stub measure the UKI command line they pass. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "hexstr.h"
#include "json.h"
#include "log.h"
#include "measure-pe.h"
#include "predict-uki.h"
#include "predict.h"
#include "sb-verify.h"
#include "secureboot.h"
#include "size.h"

/* Event types: tcg-types.h (through measure-eventlog.h). */
#define TAG_LOADER_CONF 0xf5bc582au
#define TAG_LINUX_INITRD 0x8f3b22ecu
#define TAG_LINUX_LOAD_OPTIONS 0x8f3b22edu

#define PREDICT_MAX_CMDLINE (64u * 1024)

static const char *const known_phases[] = {"enter-initrd", "leave-initrd", "sysinit",
					   "ready",        "shutdown",     "final"};

int predict_parse_phases(struct predict_input *in, const char *list)
{
	const char *p = list;

	in->n_phases = 0;
	if (!list)
		return -EINVAL;
	while (*p) {
		size_t n = strcspn(p, ":");
		bool ok = false;
		for (size_t i = 0; i < ARRAY_SIZE(known_phases); i++)
			if (strlen(known_phases[i]) == n && strncmp(p, known_phases[i], n) == 0)
				ok = true;
		if (!ok || in->n_phases >= PREDICT_MAX_PHASES || n >= PREDICT_PHASE_MAX_LEN)
			return -EINVAL;
		memcpy(in->phases[in->n_phases], p, n);
		in->phases[in->n_phases][n] = '\0';
		in->n_phases++;
		p += n;
		if (*p == ':' && *++p == '\0')
			return -EINVAL;
	}
	return 0;
}

struct model {
	const struct predict_input *in;
	struct golden *g;
	char *reason;
	size_t reason_size;
};

/* PCR 11's value after the events so far, recorded as the value of phase in every bank. */
static int add_pcr11_phase(struct golden *g, unsigned mask, const char *phase)
{
	FOREACH_BANK(b, mask) {
		struct golden_pcr *p = &g->banks[b].pcrs[11];
		int r = golden_pcr_recompute(p, b);
		if (r >= 0)
			r = golden_pcr_add_phase(p, phase, p->value, bank_size(b));
		if (r < 0)
			return r;
	}
	return 0;
}

/* Adds the same event to PCR pcr of every bank, digest = H(data) unless digests given. */
static int add_hashed(struct model *m, unsigned pcr, enum golden_log log, const char *type,
		      int64_t type_id, const char *desc, const void *data, size_t len,
		      bool keep_data, const char *phase)
{
	/* Event data only where it fits golden.json's cap (a GPT with many entries may not). */
	keep_data = keep_data && len <= GOLDEN_MAX_EVENT_DATA;
	FOREACH_BANK(b, m->in->mask) {
		uint8_t d[DIGEST_MAX];
		int r = digest_buffer(b, data, len, d);
		if (r < 0)
			return r;
		r = golden_pcr_add_event(&m->g->banks[b].pcrs[pcr], log, type, type_id, desc, d,
					 bank_size(b), phase, keep_data ? data : NULL,
					 keep_data ? len : 0);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_digests(struct model *m, unsigned pcr, const char *type, int64_t type_id,
		       const char *desc, const uint8_t d[_BANK_MAX][DIGEST_MAX])
{
	FOREACH_BANK(b, m->in->mask) {
		int r = golden_pcr_add_event(&m->g->banks[b].pcrs[pcr], GOLDEN_LOG_FIRMWARE, type,
					     type_id, desc, d[b], bank_size(b), NULL, NULL, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_action(struct model *m, unsigned pcr, const char *s)
{
	return add_hashed(m, pcr, GOLDEN_LOG_FIRMWARE, "EV_EFI_ACTION", EV_EFI_ACTION, s, s,
			  strlen(s), true, NULL);
}

static int add_separator(struct model *m, unsigned pcr)
{
	static const uint8_t sep[4];
	return add_hashed(m, pcr, GOLDEN_LOG_FIRMWARE, "EV_SEPARATOR", EV_SEPARATOR, "", sep, 4,
			  true, NULL);
}

/* UTF-16LE of an ASCII string plus the NUL (strsize16). */
static int utf16z(const char *s, uint8_t **ret, size_t *ret_len)
{
	size_t n = strlen(s), sz;
	uint8_t *b;
	if (n > PREDICT_MAX_CMDLINE)
		return -E2BIG;
	sz = 2 * (n + 1);
	b = calloc(1, sz);
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		b[2 * i] = (uint8_t)s[i];
	*ret = b;
	*ret_len = sz;
	return 0;
}

static int add_cmdline_ipl(struct model *m, unsigned pcr, const char *cmdline)
{
	_cleanup_(freep) uint8_t *u = NULL;
	size_t n;
	int r = utf16z(cmdline, &u, &n);
	if (r < 0)
		return r;
	/* Event data = the UTF-16 string with its NUL; digest over the same bytes. */
	return add_hashed(m, pcr, GOLDEN_LOG_FIRMWARE, "EV_IPL", EV_IPL, cmdline, u, n, true, NULL);
}

/* systemd-boot 252 chomps one trailing newline of the UKI's .cmdline; 253+ mangle like the
 * stub (src/boot/efi/boot.c, v252 line_get_key_value/chomp; v253 mangle_stub_cmdline). */
static int sdboot_cmdline(const struct uki *u, unsigned boot_major, char **ret)
{
	const struct uki_part *p = &u->parts[UKI_CMDLINE];
	struct uki tmp;
	size_t n;
	char *s;

	if (boot_major >= 253) {
		/* Same rule as the stub's, applied with the boot loader's version. */
		tmp = *u;
		tmp.stub.major = boot_major;
		return uki_cmdline(&tmp, ret);
	}
	if (p->n_bytes > PREDICT_MAX_CMDLINE)
		return -E2BIG;
	n = strnlen((const char *)p->bytes, (size_t)p->n_bytes);
	if (n > 0 && p->bytes[n - 1] == '\n')
		n--;
	s = malloc(n + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, p->bytes, n);
	s[n] = '\0';
	*ret = s;
	return 0;
}

static void tag_data(uint8_t *buf, uint32_t tag, const char *desc, size_t *ret_len)
{
	/* TCG_PCClientTaggedEvent {u32 taggedEventID; u32 taggedEventDataSize; data} with the
	 * description as ASCII + NUL, as the Linux efistub logs it. */
	size_t n = strlen(desc) + 1;
	store_le32(buf, tag);
	store_le32(buf + 4, (uint32_t)n);
	memcpy(buf + 8, desc, n);
	*ret_len = 8 + n;
}

static int platform_pcrs(struct model *m)
{
	static const unsigned pcrs[] = {0, 1, 2, 3, 6};
	if (!m->in->platform)
		return 0;
	FOREACH_BANK(b, m->in->mask) {
		const struct golden_bank *pb = &m->in->platform[b];
		if (!pb->present)
			return errbuf_set(m->reason, m->reason_size, -EBADMSG,
					  "platform profile has no %s bank", bank_name(b));
		for (size_t i = 0; i < ARRAY_SIZE(pcrs); i++) {
			const struct golden_pcr *src = &pb->pcrs[pcrs[i]];
			struct golden_pcr *dst = &m->g->banks[b].pcrs[pcrs[i]];
			if (!src->present)
				return errbuf_set(m->reason, m->reason_size, -EBADMSG,
						  "platform profile has no %s PCR %u", bank_name(b),
						  pcrs[i]);
			dst->has_startup_locality = src->has_startup_locality;
			dst->startup_locality = src->startup_locality;
			for (size_t k = 0; k < src->n_events; k++) {
				const struct golden_event *e = &src->events[k];
				int r = golden_pcr_add_event(dst, e->log, e->type,
							     e->has_type_id ? (int64_t)e->type_id : -1,
							     e->description, e->digest, bank_size(b),
							     e->phase, e->data, e->data_len);
				if (r < 0)
					return r;
			}
			dst->present = true;
		}
	}
	return 0;
}

static int pcr7(struct model *m, const struct uki_digests *ud,
		const uint8_t boot_auth[_BANK_MAX][DIGEST_MAX])
{
	uint8_t sb = m->in->secure_boot ? 1 : 0;
	const struct predict_blob *vars[] = {&m->in->pk, &m->in->kek, &m->in->db, &m->in->dbx};
	static const char *const names[] = {"PK", "KEK", "db", "dbx"};
	int r;

	r = secureboot_variable_event(m->g, m->in->mask, "SecureBoot", false, &sb, 1);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
		r = secureboot_variable_event(m->g, m->in->mask, names[i], i >= 2, vars[i]->data,
					      vars[i]->len);
		if (r < 0)
			return errbuf_set(m->reason, m->reason_size, r,
					  "cannot encode the %s variable", names[i]);
	}
	r = add_separator(m, 7);
	if (r < 0)
		return r;
	if (!m->in->secure_boot)
		return 0;
	/* The firmware verifies systemd-boot, then the UKI (stub 252-257 with Secure Boot on let
	 * .linux through without a firmware check): each must pass what EDK2 checks (sb-verify.c),
	 * and the db entry that verified it is measured once (EDK2 IsDataMeasured deduplicates). */
	{
		const struct sbv_databases dbs = {m->in->db.data, m->in->db.len, m->in->dbx.data,
						  m->in->dbx.len, m->in->firmware};
		const struct predict_blob *imgs[2];
		const uint8_t(*auth[2])[DIGEST_MAX];
		size_t n = 0;
		struct secureboot_entry seen[2 * SBV_MAX_AUTHORITIES] = {};
		size_t n_seen = 0;
		if (m->in->bootloader.data) {
			imgs[n] = &m->in->bootloader;
			auth[n++] = boot_auth;
		}
		imgs[n] = &m->in->uki;
		auth[n++] = (const uint8_t(*)[DIGEST_MAX])ud->authenticode;
		for (size_t i = 0; i < n; i++) {
			const char *name = imgs[i]->name ? imgs[i]->name : "image";
			struct sbv_verdict v;
			r = sbv_verify_image(imgs[i]->data, imgs[i]->len, auth[i],
					     m->in->mask | BANK_MASK(BANK_SHA256), &dbs, &v);
			if (r < 0)
				return errbuf_set(
				    m->reason, m->reason_size, r,
				    "cannot evaluate the Secure Boot signature of '%s'", name);
			if (!v.allowed)
				return errbuf_set(
				    m->reason, m->reason_size, -EOPNOTSUPP,
				    "with Secure Boot on the firmware (%s) would refuse to "
				    "start '%s': %s",
				    sbv_firmware_to_string(dbs.firmware), name, v.reason);
			for (size_t a = 0; a < v.n_authorities; a++) {
				const struct secureboot_entry *e = &v.authorities[a];
				bool dup = false;
				for (size_t k = 0; k < n_seen; k++)
					if (seen[k].len == e->len &&
					    memcmp(seen[k].data, e->data, e->len) == 0)
						dup = true;
				if (dup)
					continue;
				seen[n_seen++] = *e;
				r = secureboot_authority_event(m->g, m->in->mask, e);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

/* What predict_run learns from its inputs before it writes any event; pointers owned by
 * predict_run. */
struct chain {
	struct uki *u;
	struct uki_digests *ud;
	struct pe_image *bpe;
	struct sd_version boot; /* of the boot loader, when one is given */
	uint8_t boot_auth[_BANK_MAX][DIGEST_MAX];
	uint8_t *cpio; /* stub >= 257: the os-release cpio from .osrel */
	size_t cpio_len;
	char *stub_cmdline, *boot_cmdline;
	const char *final_cmdline; /* what the kernel gets: one of the two above */
	bool boot_passes_cmdline;
	unsigned major; /* of systemd-stub */
};

/* The UKI: parsed, its stub version modelled, none of the sections whose effect is not. */
static int read_uki(struct model *m, struct chain *c)
{
	const struct predict_input *in = m->in;
	/* Fail closed on what changes PCR 9/11/12 in ways not modelled. */
	static const enum uki_section refused[] = {UKI_PCRSIG,  UKI_PCRPKEY, UKI_UCODE, UKI_PROFILE,
						   UKI_DTBAUTO, UKI_HWIDS,   UKI_EFIFW};
	char err[200] = "";
	int r;

	r = uki_parse_msg(in->uki.data, in->uki.len, c->u, err, sizeof(err));
	if (r < 0)
		return errbuf_set(m->reason, m->reason_size, r,
				  "'%s' is not a systemd-stub UKI: %s", in->uki.name,
				  err[0] ? err : "malformed");
	c->major = c->u->stub.major;
	if (c->major < 252 || c->major > 257)
		return errbuf_set(m->reason, m->reason_size, -EOPNOTSUPP,
				  "systemd-stub %s: only stub versions 252 to 257 are modelled",
				  c->u->stub.version);
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		if (c->u->parts[refused[i]].sect)
			return errbuf_set(m->reason, m->reason_size, -EOPNOTSUPP,
					  "'%s' has a %s section: its effect on PCR 9/11/12 is not "
					  "modelled (build the UKI without it)",
					  in->uki.name, uki_section_name(refused[i]));
	return 0;
}

/* The boot loader, when given: systemd-boot 252 to 257, and its Authenticode digests. */
static int read_bootloader(struct model *m, struct chain *c)
{
	const struct predict_input *in = m->in;
	char err[200] = "";
	int r;

	if (!in->bootloader.data)
		return 0;
	r = pe_parse_msg(in->bootloader.data, in->bootloader.len, c->bpe, err, sizeof(err));
	if (r >= 0)
		r = sd_version_read(c->bpe, in->bootloader.data, in->bootloader.len, &c->boot);
	if (r < 0)
		return errbuf_set(m->reason, m->reason_size, r, "'%s' is not a valid PE image: %s",
				  in->bootloader.name, err[0] ? err : "malformed .sdmagic");
	if (c->boot.kind != SD_EFI_BOOT)
		return errbuf_set(m->reason, m->reason_size, -EOPNOTSUPP,
				  "'%s' is not systemd-boot (no '.sdmagic' naming systemd-boot); "
				  "only systemd-boot or a directly booted UKI are modelled",
				  in->bootloader.name);
	if (c->boot.major < 252 || c->boot.major > 257)
		return errbuf_set(m->reason, m->reason_size, -EOPNOTSUPP,
				  "systemd-boot %s is not modelled (252 to 257)", c->boot.version);
	r = authenticode_digest(in->bootloader.data, in->bootloader.len,
				in->mask | BANK_MASK(BANK_SHA256), in->n_threads, c->boot_auth);
	if (r < 0)
		return errbuf_set(m->reason, m->reason_size, r, "cannot hash '%s'",
				  in->bootloader.name);
	return 0;
}

/* The digests of the UKI's parts, the combined initrd included. */
static int uki_digests(struct model *m, struct chain *c)
{
	const struct predict_input *in = m->in;
	int r;

	/* Stub >= 257: an os-release cpio from .osrel joins the combined initrd. */
	if (c->major >= 257 && c->u->parts[UKI_OSREL].sect) {
		const struct uki_part *p = &c->u->parts[UKI_OSREL];
		_cleanup_(freep) uint8_t *osrel = NULL;
		if (p->n_bytes + p->n_zero > UKI_OSREL_MAX)
			return errbuf_set(m->reason, m->reason_size, -E2BIG,
					  ".osrel larger than %u bytes", UKI_OSREL_MAX);
		osrel = calloc(1, (size_t)(p->n_bytes + p->n_zero) + 1);
		if (!osrel)
			return -ENOMEM;
		memcpy(osrel, p->bytes, (size_t)p->n_bytes);
		r = cpio_literal(".extra", "os-release", 0555, 0444, osrel,
				 (size_t)(p->n_bytes + p->n_zero), &c->cpio, &c->cpio_len);
		if (r < 0)
			return r;
	}
	/* The kernel Authenticode is needed for PCR 4 only with Secure Boot off. */
	r = uki_digests_compute(c->u, in->uki.data, in->uki.len, in->mask | BANK_MASK(BANK_SHA256),
				c->cpio, c->cpio_len, !in->secure_boot, in->n_threads, c->ud);
	if (r < 0)
		return errbuf_set(m->reason, m->reason_size, r,
				  "'%s': cannot compute its digests (the .linux section must be a "
				  "valid PE image)",
				  in->uki.name);
	return 0;
}

/* The command lines: the UKI's .cmdline, and the one systemd-boot <= 254 passes. */
static int command_lines(struct model *m, struct chain *c)
{
	const struct predict_input *in = m->in;
	int r;

	r = uki_cmdline(c->u, &c->stub_cmdline);
	if (r < 0)
		return errbuf_set(m->reason, m->reason_size, r, "'%s': .cmdline is not ASCII",
				  in->uki.name);
	c->boot_passes_cmdline = in->bootloader.data && c->boot.major <= 254 && c->stub_cmdline;
	if (c->boot_passes_cmdline) {
		r = sdboot_cmdline(c->u, c->boot.major, &c->boot_cmdline);
		if (r < 0)
			return r;
	}
	/* The stub uses the passed LoadOptions only with Secure Boot off (or without .cmdline). */
	c->final_cmdline = c->boot_passes_cmdline && !in->secure_boot ? c->boot_cmdline
								       : c->stub_cmdline;
	return 0;
}

/* PCR 4: the boot applications the firmware starts (and the kernel with Secure Boot off). */
static int pcr4(struct model *m, const struct chain *c)
{
	const struct predict_input *in = m->in;
	char desc[256];
	int r;

	if ((r = add_action(m, 4, "Calling EFI Application from Boot Option")) < 0 ||
	    (r = add_separator(m, 4)) < 0)
		return r;
	if (in->bootloader.data) {
		snprintf(desc, sizeof(desc), "systemd-boot %s %s", c->boot.version,
			 in->bootloader.name);
		r = add_digests(m, 4, "EV_EFI_BOOT_SERVICES_APPLICATION",
				EV_EFI_BOOT_SERVICES_APPLICATION, desc, c->boot_auth);
		if (r < 0)
			return r;
	}
	snprintf(desc, sizeof(desc), "UKI (systemd-stub %s) %s", c->u->stub.version, in->uki.name);
	r = add_digests(m, 4, "EV_EFI_BOOT_SERVICES_APPLICATION", EV_EFI_BOOT_SERVICES_APPLICATION,
			desc, c->ud->authenticode);
	if (r < 0)
		return r;
	if (!in->secure_boot)
		/* v252-v257 LoadImage() .linux; with Secure Boot off no security override is
		 * installed, so the firmware measures it. */
		return add_digests(m, 4, "EV_EFI_BOOT_SERVICES_APPLICATION",
				   EV_EFI_BOOT_SERVICES_APPLICATION, "kernel (.linux of the UKI)",
				   c->ud->kernel_authenticode);
	return 0;
}

/* PCR 5, systemd-boot >= 255: its loader.conf as an EV_EVENT_TAG. */
static int pcr5_loader_conf(struct model *m, const struct chain *c)
{
	const struct predict_input *in = m->in;
	int r;

	if (!in->loader_conf.data && !in->loader_conf_absent)
		return errbuf_set(m->reason, m->reason_size, -EOPNOTSUPP,
				  "systemd-boot %s measures \\loader\\loader.conf into PCR 5 "
				  "but no loader.conf was given (--loader-conf FILE, or "
				  "--no-loader-conf if the ESP has none)",
				  c->boot.version);
	FOREACH_BANK(b, in->mask) {
		uint8_t d[DIGEST_MAX];
		if (!in->loader_conf.data)
			break;
		r = digest_buffer(b, in->loader_conf.data, in->loader_conf.len, d);
		if (r >= 0)
			r = golden_pcr_add_event(&m->g->banks[b].pcrs[5], GOLDEN_LOG_FIRMWARE,
						 "EV_EVENT_TAG", EV_EVENT_TAG, "loader.conf", d,
						 bank_size(b), NULL, NULL, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

/* PCR 5, with a disk: separator, the GPT, loader.conf, ExitBootServices. */
static int pcr5(struct model *m, const struct chain *c)
{
	const struct predict_input *in = m->in;
	int r;

	if (!in->gpt_event.data)
		return 0;
	if ((r = add_separator(m, 5)) < 0 ||
	    (r = add_hashed(m, 5, GOLDEN_LOG_FIRMWARE, "EV_EFI_GPT_EVENT", EV_EFI_GPT_EVENT,
			    "GPT of the boot disk", in->gpt_event.data, in->gpt_event.len, true,
			    NULL)) < 0)
		return r;
	if (in->bootloader.data && c->boot.major >= 255) {
		r = pcr5_loader_conf(m, c);
		if (r < 0)
			return r;
	}
	if (in->exit_boot_services &&
	    ((r = add_action(m, 5, "Exit Boot Services Invocation")) < 0 ||
	     (r = add_action(m, 5, "Exit Boot Services Returned with Success")) < 0))
		return r;
	return 0;
}

/* PCR 9: the Linux EFI stub (kernel >= 6.1 logs LoadOptions; confirmed for 6.1, 6.12). */
static int pcr9(struct model *m, const struct chain *c)
{
	const struct predict_input *in = m->in;
	uint8_t tag[64];
	size_t ntag;
	int r;

	if (c->final_cmdline && c->final_cmdline[0]) {
		_cleanup_(freep) uint8_t *u16 = NULL;
		size_t n16;
		r = utf16z(c->final_cmdline, &u16, &n16);
		if (r < 0)
			return r;
		tag_data(tag, TAG_LINUX_LOAD_OPTIONS, "LOADED_IMAGE::LoadOptions", &ntag);
		FOREACH_BANK(b, in->mask) {
			uint8_t d[DIGEST_MAX];
			r = digest_buffer(b, u16, n16, d);
			if (r >= 0)
				r = golden_pcr_add_event(&m->g->banks[b].pcrs[9], GOLDEN_LOG_FIRMWARE,
							 "EV_EVENT_TAG", EV_EVENT_TAG,
							 "LOADED_IMAGE::LoadOptions", d,
							 bank_size(b), NULL, tag, ntag);
			if (r < 0)
				return r;
		}
	}
	if (!c->ud->have_initrd)
		return 0;
	tag_data(tag, TAG_LINUX_INITRD, "Linux initrd", &ntag);
	FOREACH_BANK(b, in->mask) {
		r = golden_pcr_add_event(&m->g->banks[b].pcrs[9], GOLDEN_LOG_FIRMWARE, "EV_EVENT_TAG",
					 EV_EVENT_TAG, "Linux initrd", c->ud->initrd[b],
					 bank_size(b), NULL, tag, ntag);
		if (r < 0)
			return r;
	}
	return 0;
}

/* PCR 11: sections in the stub's order, name then in-memory data; then the phases. */
static int pcr11(struct model *m, const struct chain *c)
{
	const struct predict_input *in = m->in;
	int r;

	for (enum uki_section s = 0; s < _UKI_SECTION_MAX; s++) {
		const struct uki_part *p = &c->u->parts[s];
		const char *name = uki_section_name(s);
		unsigned idx;
		if (!p->sect || !uki_section_measured(c->major, s))
			continue;
		idx = (unsigned)(p->sect - c->u->pe.sections);
		r = add_hashed(m, 11, GOLDEN_LOG_FIRMWARE, "EV_IPL", EV_IPL, name, name,
			       strlen(name) + 1, false, NULL);
		if (r < 0)
			return r;
		r = add_digests(m, 11, "EV_IPL", EV_IPL, name, c->ud->section[idx]);
		if (r < 0)
			return r;
	}
	r = add_pcr11_phase(m->g, in->mask, "stub");
	if (r < 0)
		return r;
	for (size_t i = 0; i < in->n_phases; i++) {
		r = add_hashed(m, 11, GOLDEN_LOG_SYSTEMD, "phase", -1, in->phases[i], in->phases[i],
			       strlen(in->phases[i]), false, in->phases[i]);
		if (r < 0)
			return r;
		r = add_pcr11_phase(m->g, in->mask, in->phases[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* PCR 12: systemd-boot <= 254 measures the UKI command line it passes; the stub measures
 * the LoadOptions it accepts (Secure Boot off) once more. PCR 13: nothing (no sysexts). */
static int pcr12(struct model *m, const struct chain *c)
{
	int r;

	if (!c->boot_passes_cmdline)
		return 0;
	r = add_cmdline_ipl(m, 12, c->boot_cmdline);
	if (r >= 0 && !m->in->secure_boot)
		r = add_cmdline_ipl(m, 12, c->boot_cmdline);
	return r < 0 ? r : 0;
}

/* Values; PCRs 4, 7, 9, 11, 12, 13 always listed (empty = must stay zero); 5 only with a
 * disk. */
static int pcr_values(struct model *m)
{
	static const unsigned always[] = {4, 7, 9, 12, 13};
	struct golden *g = m->g;
	int r;

	FOREACH_BANK(b, m->in->mask) {
		for (size_t i = 0; i < ARRAY_SIZE(always); i++) {
			r = golden_pcr_recompute(&g->banks[b].pcrs[always[i]], b);
			if (r < 0)
				return r;
		}
		for (unsigned i = 0; i < TPM2_PCR_COUNT; i++)
			if (g->banks[b].pcrs[i].present && i != 11) {
				r = golden_pcr_recompute(&g->banks[b].pcrs[i], b);
				if (r < 0)
					return r;
			}
	}
	return 0;
}

/* The image's description: stub and boot loader versions, uname, the UKI's SHA-256. */
static int describe_image(struct model *m, const struct chain *c)
{
	const struct predict_input *in = m->in;
	struct golden *g = m->g;

	free(g->systemd_stub);
	g->systemd_stub = strdup(c->u->stub.version);
	free(g->systemd_boot);
	g->systemd_boot = in->bootloader.data ? strdup(c->boot.version) : NULL;
	if (!g->systemd_stub || (in->bootloader.data && !g->systemd_boot))
		return -ENOMEM;
	if (c->u->parts[UKI_UNAME].sect) {
		const struct uki_part *p = &c->u->parts[UKI_UNAME];
		size_t n = strnlen((const char *)p->bytes, (size_t)MIN(p->n_bytes, 256));
		bool ok = n > 0;
		for (size_t i = 0; i < n; i++)
			if (p->bytes[i] < 0x21 || p->bytes[i] > 0x7e)
				ok = false;
		if (ok) {
			free(g->image_uname);
			g->image_uname = strndup((const char *)p->bytes, n);
			if (!g->image_uname)
				return -ENOMEM;
		}
	}
	memcpy(g->uki_sha256, c->ud->file_sha256, 32);
	g->has_uki_sha256 = true;
	g->secure_boot = in->secure_boot;
	return 0;
}

/* The platform profile: its name and digest, and its PCR rules (status, source,
 * alternatives of a format 2 profile, platform-status.c). */
static int apply_platform(struct model *m)
{
	const struct predict_input *in = m->in;
	struct golden *g = m->g;
	int r;

	if (!in->platform)
		return 0;
	g->has_platform = true;
	free(g->platform_name);
	g->platform_name = strdup(in->platform_name ? in->platform_name : "platform");
	if (!g->platform_name)
		return -ENOMEM;
	memcpy(g->platform_profile_sha256, in->platform_sha256, 32);
	r = platform_rules_apply(g->banks, in->platform, in->mask);
	if (r < 0)
		return errbuf_set(m->reason, m->reason_size, r,
				  "the platform profile's PCR rules cannot be applied (%s)",
				  strerror(-r));
	return 0;
}

/* The model of one boot: read the inputs, then the events of each PCR in turn. */
static int predict_chain(struct model *m, struct chain *c)
{
	int r;

	if ((r = read_uki(m, c)) < 0 || (r = read_bootloader(m, c)) < 0 ||
	    (r = uki_digests(m, c)) < 0 || (r = command_lines(m, c)) < 0)
		return r;
	FOREACH_BANK(b, m->in->mask)
		m->g->banks[b].present = true;
	/* PCR 0-3, 6 from the platform profile. */
	if ((r = platform_pcrs(m)) < 0 || (r = pcr4(m, c)) < 0 || (r = pcr5(m, c)) < 0 ||
	    (r = pcr7(m, c->ud, (const uint8_t(*)[DIGEST_MAX])c->boot_auth)) < 0 ||
	    (r = pcr9(m, c)) < 0 || (r = pcr11(m, c)) < 0 || (r = pcr12(m, c)) < 0 ||
	    (r = pcr_values(m)) < 0 || (r = describe_image(m, c)) < 0)
		return r;
	return apply_platform(m);
}

int predict_run(const struct predict_input *in, struct golden *g, char *reason,
		size_t reason_size)
{
	struct model m = {in, g, reason, reason_size};
	_cleanup_(freep) struct uki *u = NULL;
	_cleanup_(freep) struct uki_digests *ud = NULL;
	_cleanup_(freep) struct pe_image *bpe = NULL;
	struct chain c = {};
	int r;

	if (reason_size > 0)
		reason[0] = '\0';
	if (!in->uki.data)
		return errbuf_set(reason, reason_size, -EINVAL, "no UKI given");
	u = malloc(sizeof(*u));
	ud = malloc(sizeof(*ud));
	bpe = malloc(sizeof(*bpe));
	if (!u || !ud || !bpe)
		return -ENOMEM;
	c.u = u;
	c.ud = ud;
	c.bpe = bpe;
	r = predict_chain(&m, &c);
	free(c.cpio);
	free(c.stub_cmdline);
	free(c.boot_cmdline);
	return r;
}

int predict_systemd_json(const struct golden *g, json_t **ret)
{
	_cleanup_(json_decrefp) json_t *o = json_object();
	if (!o)
		return -ENOMEM;
	for (enum bank b = 0; b < _BANK_MAX; b++) {
		const struct golden_pcr *p = &g->banks[b].pcrs[11];
		_cleanup_(json_decrefp) json_t *a = NULL;
		char path[PREDICT_MAX_PHASES * PREDICT_PHASE_MAX_LEN] = "";
		if (!g->banks[b].present || !p->present)
			continue;
		a = json_array();
		if (!a)
			return -ENOMEM;
		for (size_t i = 0; i < p->n_phases; i++) {
			json_t *e;
			char hex[2 * DIGEST_MAX + 1];
			if (strcmp(p->phases[i].phase, "stub") == 0)
				continue;
			if (path[0])
				strncat(path, ":", sizeof(path) - strlen(path) - 1);
			strncat(path, p->phases[i].phase, sizeof(path) - strlen(path) - 1);
			hex_encode(p->phases[i].value, bank_size(b), hex);
			e = json_pack("{s:s,s:i,s:s}", "phase", path, "pcr", 11, "hash", hex);
			if (!e || json_array_append_new(a, e) < 0)
				return -ENOMEM;
		}
		if (json_object_set_new(o, bank_name(b), TAKE_PTR(a)) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(o);
	return 0;
}

int predict_tpm2_values(const struct golden *g, uint8_t **ret, size_t *ret_len, char **ret_sel)
{
	_cleanup_(freep) uint8_t *buf = NULL;
	_cleanup_(freep) char *sel = NULL;
	size_t len = 0, cap = (size_t)_BANK_MAX * TPM2_PCR_COUNT * DIGEST_MAX, slen = 0;
	size_t scap = (size_t)_BANK_MAX * (8 + TPM2_PCR_COUNT * 3) + 1;

	buf = malloc(cap);
	sel = calloc(1, scap);
	if (!buf || !sel)
		return -ENOMEM;
	/* Banks in TPM_ALG_ID order (sha1 0x4 < sha256 0xb < sha384 0xc < sha512 0xd), which is
	 * the enum order; PCRs ascending. */
	for (enum bank b = 0; b < _BANK_MAX; b++) {
		bool first = true;
		if (!g->banks[b].present)
			continue;
		for (unsigned i = 0; i < TPM2_PCR_COUNT; i++) {
			const struct golden_pcr *p = &g->banks[b].pcrs[i];
			int n;
			if (!p->present)
				continue;
			memcpy(buf + len, p->value, bank_size(b));
			len += bank_size(b);
			if (first)
				n = snprintf(sel + slen, scap - slen, "%s%s:%u", slen ? "+" : "",
					     bank_name(b), i);
			else
				n = snprintf(sel + slen, scap - slen, ",%u", i);
			if (n < 0 || (size_t)n >= scap - slen)
				return -E2BIG;
			slen += (size_t)n;
			first = false;
		}
	}
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	*ret_sel = TAKE_PTR(sel);
	return 0;
}

int predict_tpm2_serialized(const struct golden *g, uint8_t **ret, size_t *ret_len, char **ret_sel)
{
	_cleanup_(freep) uint8_t *values = NULL, *out = NULL;
	size_t n_values_bytes, n_values = 0, n_banks = 0, n_lists, len, off;
	_cleanup_(freep) char *sel = NULL;
	int r;

	r = predict_tpm2_values(g, &values, &n_values_bytes, &sel);
	if (r < 0)
		return r;
	for (enum bank b = 0; b < _BANK_MAX; b++)
		if (g->banks[b].present) {
			n_banks++;
			for (unsigned i = 0; i < TPM2_PCR_COUNT; i++)
				n_values += g->banks[b].pcrs[i].present;
		}
	/* TPML_PCR_SELECTION {u32 count; TPMS_PCR_SELECTION[16] {u16 hash; u8 sizeofSelect;
	 * u8 pcrSelect[4]; pad}}, u32 count, then TPML_DIGEST {u32 count; TPM2B_DIGEST[8] {u16 size;
	 * u8 buffer[64]}} per 8 values: tpm2-tools' in-memory structs, little endian, as tpm2_quote
	 * -o writes them (lib/pcr.c pcr_fwrite_serialized) and tpm2_checkquote -f reads them. */
	n_lists = (n_values + 7) / 8;
	len = 4 + 16 * 8 + 4 + n_lists * (4 + 8 * 66);
	out = calloc(1, len);
	if (!out)
		return -ENOMEM;
	store_le32(out, (uint32_t)n_banks);
	off = 4;
	for (enum bank b = 0; b < _BANK_MAX; b++) {
		if (!g->banks[b].present)
			continue;
		store_le16(out + off, bank_info(b)->tpm_alg);
		out[off + 2] = 3;
		for (unsigned i = 0; i < TPM2_PCR_COUNT; i++)
			if (g->banks[b].pcrs[i].present)
				out[off + 3 + i / 8] |= (uint8_t)(1u << (i % 8));
		off += 8;
	}
	off = 4 + 16 * 8;
	store_le32(out + off, (uint32_t)n_lists);
	off += 4;
	{
		size_t v = 0, voff = 0;
		for (enum bank b = 0; b < _BANK_MAX; b++) {
			if (!g->banks[b].present)
				continue;
			for (unsigned i = 0; i < TPM2_PCR_COUNT; i++) {
				size_t list = v / 8, k = v % 8, at;
				if (!g->banks[b].pcrs[i].present)
					continue;
				at = off + list * (4 + 8 * 66);
				store_le32(out + at, (uint32_t)MIN(8, n_values - list * 8));
				store_le16(out + at + 4 + k * 66, (uint16_t)bank_size(b));
				memcpy(out + at + 4 + k * 66 + 2, values + voff, bank_size(b));
				voff += bank_size(b);
				v++;
			}
		}
	}
	*ret = TAKE_PTR(out);
	*ret_len = len;
	*ret_sel = TAKE_PTR(sel);
	return 0;
}
