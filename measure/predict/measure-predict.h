/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure/predict: the interface of the prediction layer. The boot-chain model (PCR 4, 5, 7, 9,
 * 11-13 from the files as installed), the UKI's PCR 11 digests, Secure Boot variables for PCR 7,
 * and predict_files_run(): the whole `predict` from file names. Depends on pe/ and eventlog/. */
#pragma once

#include "predict-files.h"
#include "predict-uki.h"
#include "predict.h"
#include "sb-verify.h"
#include "secureboot.h"
