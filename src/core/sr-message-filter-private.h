/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-filter-private.h: how a search text is read, shared by the SQL
 * builder (sr-cache-sql.c) and the same rules in C (sr-message-filter.c).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A search text split into what it asks for. Every term must match (AND):
 *
 * - words: runs of letters and digits (what FTS5's unicode61 tokenizer
 *   calls a token; anything else separates words). Each must start a word
 *   of the message text or the sender ID, ignoring case and the accents of
 *   Latin letters ("jaz" finds "Jazz", "olmesi" finds "Ölmesi").
 * - numbers: a space-separated piece made of digits with an optional
 *   leading '+' ("4479", "+4479"). Each must occur anywhere in the
 *   recipient, or start a word of the text or sender (without the '+').
 *
 * A text with neither (only punctuation: "\"", "*", "(") is searched as a
 * plain substring of the recipient, text and sender, ASCII case ignored;
 * so is nothing else. */
typedef struct
{
  GPtrArray *words;    /* (element-type utf8) as typed */
  GPtrArray *numbers;  /* (element-type utf8) as typed, '+' included */
  /* (element-type utf8) each word, then each number without its '+',
   * folded as sr_message_filter_matches() folds the text */
  GPtrArray *folded;
} SrSearchTerms;

/* FALSE when text has neither words nor numbers; terms is set either way
 * and must be cleared. */
gboolean sr_search_terms_parse (SrSearchTerms *terms,
                                const char    *text);
void     sr_search_terms_clear (SrSearchTerms *terms);

/* The FTS5 query "w1"* "w2"* …: every word quoted (so no FTS syntax in the
 * input means anything) and matched as a prefix. NULL for no words. */
char    *sr_search_fts_query   (GPtrArray     *words);

/* TRUE when a number term has a trigram (three characters or more, '+'
 * counted), so "the recipient contains it" can come from the recipient's
 * trigram index; a shorter one is looked for in each row. */
gboolean sr_search_number_has_trigram (const char *number);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SrSearchTerms, sr_search_terms_clear)

G_END_DECLS
