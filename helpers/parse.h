/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Number parsing with full checks (atoi and friends are banned). */
#pragma once

#include <stdint.h>

/* Decimal only, no sign, no spaces, no trailing garbage; -EINVAL / -ERANGE. */
int safe_atou32(const char *s, uint32_t *ret);
int safe_atou64(const char *s, uint64_t *ret);
