/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

int verb_extend(int argc, char *argv[]);
int verb_attest(int argc, char *argv[]);
int verb_verify(int argc, char *argv[]);
int verb_manifest(int argc, char *argv[]);
