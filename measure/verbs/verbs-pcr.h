/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

int verb_pe_hash(int argc, char *argv[]);
int verb_uki(int argc, char *argv[]);
int verb_predict(int argc, char *argv[]);
int verb_eventlog(int argc, char *argv[]);
