/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-filter.c: the boxed SrMessageFilter and its rules applied in C.
 * The cache turns the same rules into SQL (append_message_filter() in
 * sr-cache.c); test-cache checks that both always agree:
 *
 * - a NULL or empty string means "no condition";
 * - status_mask 0 means every status; bits beyond the known statuses are
 *   ignored, and SR_STATUS_UNKNOWN's bit matches every unknown raw status;
 * - times compare created_at on [from, to);
 * - recipient is a case-sensitive substring, country_prefix a byte prefix of
 *   the recipient; campaign_id, sender_id and failed_reason are exact;
 * - search: words and numbers, all of which must match, read by
 *   sr_search_terms_parse() (sr-message-filter-private.h explains them):
 *   a word starts a word of the text or the sender ID, case and Latin
 *   accents ignored: the words are cut and folded by SQLite's own unicode61
 *   tokenizer, the one of the cache's full-text index (messages_fts); a
 *   number occurs in the
 *   recipient or starts a word. Only punctuation: a substring of the
 *   recipient, text or sender, ASCII case ignored (SQL's LIKE).
 */

#define G_LOG_DOMAIN "sr-message-filter"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include <sqlite3.h>

#include "sr-message-filter.h"
#include "sr-message-filter-private.h"
#include "sr-message-private.h"

G_DEFINE_BOXED_TYPE (SrMessageFilter, sr_message_filter,
                     sr_message_filter_copy, sr_message_filter_free)

#define ALL_STATUSES ((1u << SR_N_STATUSES) - 1)

SrMessageFilter *
sr_message_filter_new (void)
{
  return g_new0 (SrMessageFilter, 1);
}

SrMessageFilter *
sr_message_filter_copy (const SrMessageFilter *filter)
{
  SrMessageFilter *copy;

  g_return_val_if_fail (filter != NULL, NULL);

  copy = g_new0 (SrMessageFilter, 1);
  copy->status_mask = filter->status_mask;
  copy->from = filter->from;
  copy->to = filter->to;
  copy->campaign_id = g_strdup (filter->campaign_id);
  copy->recipient = g_strdup (filter->recipient);
  copy->sender_id = g_strdup (filter->sender_id);
  copy->search = g_strdup (filter->search);
  copy->failed_reason = g_strdup (filter->failed_reason);
  copy->country_prefix = g_strdup (filter->country_prefix);

  return copy;
}

void
sr_message_filter_free (SrMessageFilter *filter)
{
  if (filter == NULL)
    return;

  g_free (filter->campaign_id);
  g_free (filter->recipient);
  g_free (filter->sender_id);
  g_free (filter->search);
  g_free (filter->failed_reason);
  g_free (filter->country_prefix);
  g_free (filter);
}

static inline const char *
condition (const char *str)
{
  return str != NULL && *str != '\0' ? str : NULL;
}

/* The statuses a mask lets through; 0 and "every known bit" are the same. */
static inline guint
effective_mask (guint status_mask)
{
  return status_mask == 0 ? ALL_STATUSES : (status_mask & ALL_STATUSES);
}

/* TRUE when both filters select the same messages by the rules above (so
 * NULL and "" are equal, and so are masks 0 and "all statuses"). */
gboolean
sr_message_filter_equal (const SrMessageFilter *a,
                         const SrMessageFilter *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return effective_mask (a->status_mask) == effective_mask (b->status_mask) &&
         a->from == b->from &&
         a->to == b->to &&
         g_strcmp0 (condition (a->campaign_id), condition (b->campaign_id)) == 0 &&
         g_strcmp0 (condition (a->recipient), condition (b->recipient)) == 0 &&
         g_strcmp0 (condition (a->sender_id), condition (b->sender_id)) == 0 &&
         g_strcmp0 (condition (a->search), condition (b->search)) == 0 &&
         g_strcmp0 (condition (a->failed_reason), condition (b->failed_reason)) == 0 &&
         g_strcmp0 (condition (a->country_prefix), condition (b->country_prefix)) == 0;
}

/* Substring search folding ASCII letters only, as SQLite's LIKE does. */
static gboolean
contains_ascii_nocase (const char *haystack,
                       const char *needle)
{
  gsize needle_len;

  if (haystack == NULL)
    return FALSE;

  needle_len = strlen (needle);
  for (const char *p = haystack; *p != '\0'; p++)
    {
      if (g_ascii_strncasecmp (p, needle, needle_len) == 0)
        return TRUE;
    }

  return needle_len == 0;
}

/* --- search terms -------------------------------------------------------- */

/* What unicode61 counts as part of a token: letters, digits, private use,
 * and combining marks (which it then drops). */
static gboolean
is_token_char (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_mark (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return type == G_UNICODE_SPACING_MARK || type == G_UNICODE_ENCLOSING_MARK ||
         type == G_UNICODE_NON_SPACING_MARK;
}

/* Appends c folded the way unicode61 with remove_diacritics 2 does: lower
 * case, combining marks dropped, a Latin letter with an accent reduced to
 * its base letter (Greek and other scripts keep their accents). */
static void
append_folded (GString  *out,
               gunichar  c)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n;

  if (is_mark (c))
    return;

  c = g_unichar_tolower (c);
  n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));
  if (n > 1 && decomposed[0] < 0x250 && g_unichar_isalpha (decomposed[0]))
    c = decomposed[0];
  g_string_append_unichar (out, c);
}

/* --- unicode61 ------------------------------------------------------------- */

/* FTS5's unicode61 tokenizer with the options of messages_fts, from an
 * in-memory connection of this thread: the words of a record are cut and
 * folded exactly as the full-text index cuts and folds them (GLib's tables
 * fold about 450 code points otherwise: a final sigma, Cherokee, some
 * letters with two accents). */
typedef struct
{
  sqlite3        *db;
  fts5_tokenizer  api;
  Fts5Tokenizer  *tokenizer;
} Unicode61;

static void
unicode61_free (gpointer data)
{
  Unicode61 *self = data;

  if (self->tokenizer != NULL)
    self->api.xDelete (self->tokenizer);
  sqlite3_close (self->db);
  g_free (self);
}

static GPrivate unicode61_key = G_PRIVATE_INIT (unicode61_free);

/* NULL when SQLite has no FTS5 (then GLib's tables fold). */
static Unicode61 *
unicode61_get (void)
{
  static const char *args[] = { "remove_diacritics", "2" };   /* as messages_fts */
  Unicode61 *self = g_private_get (&unicode61_key);
  sqlite3_stmt *stmt = NULL;
  fts5_api *api = NULL;
  void *user_data = NULL;

  if (self != NULL)
    return self->tokenizer != NULL ? self : NULL;

  self = g_new0 (Unicode61, 1);
  g_private_set (&unicode61_key, self);
  if (sqlite3_open_v2 (":memory:", &self->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    return NULL;
  if (sqlite3_prepare_v2 (self->db, "SELECT fts5 (?1)", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_pointer (stmt, 1, (void *) &api, "fts5_api_ptr", NULL);
      sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (api == NULL ||
      api->xFindTokenizer (api, "unicode61", &user_data, &self->api) != SQLITE_OK ||
      self->api.xCreate (user_data, (const char **) args, G_N_ELEMENTS (args), &self->tokenizer) != SQLITE_OK)
    {
      self->tokenizer = NULL;
      return NULL;
    }

  return self;
}

static int
append_token_cb (void       *user_data,
                 int         flags,
                 const char *token,
                 int         n_token,
                 int         start,
                 int         end)
{
  GString *out = user_data;

  g_string_append_len (out, token, n_token);
  g_string_append_c (out, ' ');

  return SQLITE_OK;
}

/* The folded tokens of text, each terminated by a space, the whole string
 * starting with a space: " jazz night 4479 ", so " " + prefix finds a word
 * that starts with prefix. */
static GString *
fold_tokens (GString    *out,
             const char *text)
{
  gboolean in_token = FALSE;
  Unicode61 *unicode61;

  if (out->len == 0)
    g_string_append_c (out, ' ');
  if (text == NULL)
    return out;

  if ((unicode61 = unicode61_get ()) != NULL)
    {
      unicode61->api.xTokenize (unicode61->tokenizer, out, FTS5_TOKENIZE_DOCUMENT,
                                text, (int) strlen (text), append_token_cb);
      return out;
    }

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c;

      /* ASCII, most of most texts: letters and digits are the token
       * characters, and folding is lower case (the same as below). */
      if ((guchar) *p < 0x80)
        {
          if (g_ascii_isalnum (*p))
            {
              g_string_append_c (out, g_ascii_tolower (*p));
              in_token = TRUE;
            }
          else if (in_token)
            {
              g_string_append_c (out, ' ');
              in_token = FALSE;
            }
          continue;
        }

      c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      if (is_token_char (c))
        {
          append_folded (out, c);
          in_token = TRUE;
        }
      else if (in_token)
        {
          g_string_append_c (out, ' ');
          in_token = FALSE;
        }
    }
  if (in_token)
    g_string_append_c (out, ' ');

  return out;
}

/* word folded as fold_tokens() folds a record, " word" without the last
 * space: a word of the record starts with word when the record's tokens
 * contain it. */
static char *
fold_needle (const char *word)
{
  GString *needle = g_string_new (NULL);

  fold_tokens (needle, word);
  g_string_truncate (needle, needle->len - 1);

  return g_string_free (needle, FALSE);
}

static gboolean
is_number_piece (const char *piece)
{
  const char *p = piece[0] == '+' ? piece + 1 : piece;

  if (*p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return TRUE;
}

/* Adds the words of piece (runs of token characters) to words. */
static void
add_words (GPtrArray  *words,
           const char *piece)
{
  const char *start = NULL;

  for (const char *p = piece; ; p = g_utf8_next_char (p))
    {
      gunichar c = *p != '\0' ? g_utf8_get_char_validated (p, -1) : 0;
      gboolean token = c != 0 && c != (gunichar) -1 && c != (gunichar) -2 && is_token_char (c);

      if (token && start == NULL)
        start = p;
      else if (!token && start != NULL)
        {
          g_ptr_array_add (words, g_strndup (start, p - start));
          start = NULL;
        }
      if (c == 0 || c == (gunichar) -1 || c == (gunichar) -2)
        break;
    }
}

gboolean
sr_search_terms_parse (SrSearchTerms *terms,
                       const char    *text)
{
  g_auto(GStrv) pieces = NULL;

  terms->words = g_ptr_array_new_with_free_func (g_free);
  terms->numbers = g_ptr_array_new_with_free_func (g_free);
  terms->folded = g_ptr_array_new_with_free_func (g_free);

  if (text == NULL)
    return FALSE;

  pieces = g_strsplit_set (text, " \t\n\r\f\v", -1);
  for (guint i = 0; pieces[i] != NULL; i++)
    {
      if (is_number_piece (pieces[i]))
        g_ptr_array_add (terms->numbers, g_strdup (pieces[i]));
      else
        add_words (terms->words, pieces[i]);
    }
  for (guint i = 0; i < terms->words->len; i++)
    g_ptr_array_add (terms->folded, fold_needle (g_ptr_array_index (terms->words, i)));
  for (guint i = 0; i < terms->numbers->len; i++)
    {
      const char *number = g_ptr_array_index (terms->numbers, i);

      g_ptr_array_add (terms->folded, fold_needle (number[0] == '+' ? number + 1 : number));
    }

  return terms->words->len > 0 || terms->numbers->len > 0;
}

void
sr_search_terms_clear (SrSearchTerms *terms)
{
  g_clear_pointer (&terms->words, g_ptr_array_unref);
  g_clear_pointer (&terms->numbers, g_ptr_array_unref);
  g_clear_pointer (&terms->folded, g_ptr_array_unref);
}

char *
sr_search_fts_query (GPtrArray *words)
{
  GString *query;

  if (words == NULL || words->len == 0)
    return NULL;

  query = g_string_new (NULL);
  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);

      if (i > 0)
        g_string_append_c (query, ' ');
      g_string_append_c (query, '"');
      for (const char *p = word; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (query, '"');
          g_string_append_c (query, *p);
        }
      g_string_append (query, "\"*");
    }

  return g_string_free (query, FALSE);
}

/* A word of the record starts with the folded needle. */
static gboolean
tokens_have_prefix (const GString *tokens,
                    const char    *needle)
{
  return needle[0] != '\0' && needle[1] != '\0' && strstr (tokens->str, needle) != NULL;
}

gboolean
sr_search_number_has_trigram (const char *number)
{
  return strlen (number) >= 3;
}

static gboolean
search_terms_match (const SrSearchTerms *terms,
                    gboolean             has_terms,
                    const char          *search,
                    const char          *to,
                    const char          *text,
                    const char          *sender)
{
  g_autoptr(GString) tokens = NULL;

  if (!has_terms)
    return contains_ascii_nocase (to, search) ||
           contains_ascii_nocase (text, search) ||
           contains_ascii_nocase (sender, search);

  /* The text's words, then the sender's: a phrase never runs from one
   * column into the other (\1 is no token). */
  tokens = g_string_new (NULL);
  fold_tokens (tokens, text);
  g_string_append (tokens, "\1 ");
  fold_tokens (tokens, sender);

  for (guint i = 0; i < terms->words->len; i++)
    if (!tokens_have_prefix (tokens, g_ptr_array_index (terms->folded, i)))
      return FALSE;

  for (guint i = 0; i < terms->numbers->len; i++)
    {
      const char *number = g_ptr_array_index (terms->numbers, i);

      if ((to == NULL || strstr (to, number) == NULL) &&
          !tokens_have_prefix (tokens, g_ptr_array_index (terms->folded, terms->words->len + i)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
search_matches (const char *search,
                SrMessage  *message)
{
  g_auto(SrSearchTerms) terms = { NULL, };
  gboolean has_terms = sr_search_terms_parse (&terms, search);

  return search_terms_match (&terms, has_terms, search,
                             message->to, message->message, message->sender_id);
}

gboolean
sr_message_filter_matches (const SrMessageFilter *filter,
                           SrMessage             *message)
{
  const char *str;

  g_return_val_if_fail (filter != NULL, FALSE);
  g_return_val_if_fail (SR_IS_MESSAGE (message), FALSE);

  if ((guint) message->status >= SR_N_STATUSES ||
      (effective_mask (filter->status_mask) & (1u << message->status)) == 0)
    return FALSE;

  if (filter->from != SR_TIME_NONE && message->created_at < filter->from)
    return FALSE;

  if (filter->to != SR_TIME_NONE && message->created_at >= filter->to)
    return FALSE;

  if ((str = condition (filter->campaign_id)) != NULL &&
      g_strcmp0 (message->campaign_id, str) != 0)
    return FALSE;

  if ((str = condition (filter->recipient)) != NULL &&
      (message->to == NULL || strstr (message->to, str) == NULL))
    return FALSE;

  if ((str = condition (filter->sender_id)) != NULL &&
      g_strcmp0 (message->sender_id, str) != 0)
    return FALSE;

  if ((str = condition (filter->search)) != NULL && !search_matches (str, message))
    return FALSE;

  if ((str = condition (filter->failed_reason)) != NULL &&
      g_strcmp0 (message->failed_reason, str) != 0)
    return FALSE;

  if ((str = condition (filter->country_prefix)) != NULL &&
      (message->to == NULL || !g_str_has_prefix (message->to, str)))
    return FALSE;

  return TRUE;
}
