/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure/pe: the interface of the lowest layer. Bounded parsers of untrusted boot files (PE/COFF
 * and its Authenticode digest, the UKI's sections, the GPT, newc cpio) and the read-only file
 * mappings and parallel digest jobs they are hashed with. Depends on helpers/ only. */
#pragma once

#include "authenticode.h"
#include "cpio.h"
#include "gpt.h"
#include "pe.h"
#include "predict-hash.h"
#include "predict-io.h"
#include "uki.h"
