/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-countries.h: the destination country of a phone number, from its
 * international calling code (ITU-T E.164), with a built-in table.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * SrCountry:
 * @code: ISO 3166-1 alpha-2 code ("CY"); "XK" for Kosovo and "AC"/"TA" for
 *   Ascension and Tristan da Cunha, which have no official code
 * @name: English name, untranslated (marked with N_()); show it with
 *   sr_country_get_name()
 * @prefix: the calling code that matched, with its "+" ("+357"); for the
 *   territories that share one (+1, +7, +44, …) the longer prefix that tells
 *   them apart ("+1242" for the Bahamas, "+1416" for Canada)
 *
 * One entry of the table; static, never freed.
 */
typedef struct
{
  const char *code;
  const char *name;
  const char *prefix;
} SrCountry;

/* Longest-prefix match of number against the table. The number is read as
 * international: a leading "+" or "00" is skipped, and so are spaces, dots,
 * dashes and parentheses between the digits. Returns NULL when no calling
 * code matches (or number is NULL or empty). */
const SrCountry *sr_country_from_number   (const char      *number);
/* The first table entry of an ISO code (case-insensitive), NULL when
 * unknown. A country with several prefixes (Canada's area codes) has several
 * entries; this gives the first. */
const SrCountry *sr_country_from_code     (const char      *code);
/* The country code of country->prefix as E.164 assigns it: "+1" for the
 * Bahamas' "+1242", "+44" for Guernsey's "+441481"; the prefix itself for
 * most countries. */
const char      *sr_country_get_calling_code      (const SrCountry *country);
/* TRUE when that calling code is also other countries' ("+1", "+7", "+44",
 * "+262", …), so numbers starting with it are not all in this country. */
gboolean         sr_country_is_calling_code_shared (const SrCountry *country);
/* The translated name. */
const char      *sr_country_get_name      (const SrCountry *country);
/* Every entry, in table order; n_countries may be NULL. */
const SrCountry *sr_countries_get_all     (guint           *n_countries);

G_END_DECLS
