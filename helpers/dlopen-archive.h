/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libarchive, loaded on first use (dlopen-lib.h): only `containers` reads archives. Include after
 * nothing else of libarchive's: this header includes <archive.h> and <archive_entry.h> itself and
 * then redirects the names below to the resolved pointers. */
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include "dlopen-lib.h"

#define LIBARCHIVE_SONAME "libarchive.so.13"

#define LIBARCHIVE_SYMBOLS(X)                                                                      \
	X(archive_entry_filetype)                                                                  \
	X(archive_entry_hardlink)                                                                  \
	X(archive_entry_pathname)                                                                  \
	X(archive_entry_pathname_utf8)                                                             \
	X(archive_entry_size)                                                                      \
	X(archive_entry_symlink)                                                                   \
	X(archive_error_string)                                                                    \
	X(archive_filter_bytes)                                                                    \
	X(archive_filter_code)                                                                     \
	X(archive_filter_count)                                                                    \
	X(archive_filter_name)                                                                     \
	X(archive_read_data_block)                                                                 \
	X(archive_read_data_skip)                                                                  \
	X(archive_read_free)                                                                       \
	X(archive_read_new)                                                                        \
	X(archive_read_next_header)                                                                \
	X(archive_read_open)                                                                       \
	X(archive_read_support_filter_gzip)                                                        \
	X(archive_read_support_filter_xz)                                                          \
	X(archive_read_support_filter_zstd)                                                        \
	X(archive_read_support_format_raw)                                                         \
	X(archive_read_support_format_tar)                                                         \
	X(archive_set_error)

LIBARCHIVE_SYMBOLS(DLSYM_DECLARE)

/* 0, or -ELIBACC after logging which library is missing. */
int dlopen_libarchive(void);

#ifndef DLOPEN_NO_REDIRECT
#define archive_entry_filetype sym_archive_entry_filetype
#define archive_entry_hardlink sym_archive_entry_hardlink
#define archive_entry_pathname sym_archive_entry_pathname
#define archive_entry_pathname_utf8 sym_archive_entry_pathname_utf8
#define archive_entry_size sym_archive_entry_size
#define archive_entry_symlink sym_archive_entry_symlink
#define archive_error_string sym_archive_error_string
#define archive_filter_bytes sym_archive_filter_bytes
#define archive_filter_code sym_archive_filter_code
#define archive_filter_count sym_archive_filter_count
#define archive_filter_name sym_archive_filter_name
#define archive_read_data_block sym_archive_read_data_block
#define archive_read_data_skip sym_archive_read_data_skip
#define archive_read_free sym_archive_read_free
#define archive_read_new sym_archive_read_new
#define archive_read_next_header sym_archive_read_next_header
#define archive_read_open sym_archive_read_open
#define archive_read_support_filter_gzip sym_archive_read_support_filter_gzip
#define archive_read_support_filter_xz sym_archive_read_support_filter_xz
#define archive_read_support_filter_zstd sym_archive_read_support_filter_zstd
#define archive_read_support_format_raw sym_archive_read_support_format_raw
#define archive_read_support_format_tar sym_archive_read_support_format_tar
#define archive_set_error sym_archive_set_error
#endif
