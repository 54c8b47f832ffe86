/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Option values that more than one verb of measure/ takes. */
#pragma once

#include <stdint.h>

/* "0-7,11,14-15": PCR indexes 0..23 and ranges of them, separated by ','; no empty item, sign
 * or space. -EINVAL otherwise. */
int pcr_list_parse(const char *s, uint32_t *ret_mask);
