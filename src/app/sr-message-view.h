/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-view.h: the message columns (date, recipient, sender, text,
 * status, parts, cost, campaign) over a lazy SrMessageList, with header
 * sorting done in SQL. Used by the Messages Log and the campaign window.
 */
#pragma once

#include <gtk/gtk.h>

#include "sr-core.h"

G_BEGIN_DECLS

#define SR_TYPE_MESSAGE_VIEW (sr_message_view_get_type ())
G_DECLARE_FINAL_TYPE (SrMessageView, sr_message_view, SR, MESSAGE_VIEW, GtkWidget)

GtkWidget     *sr_message_view_new                (void);
SrMessageList *sr_message_view_get_list           (SrMessageView *self);
void           sr_message_view_set_list           (SrMessageView *self,
                                                   SrMessageList *list);
void           sr_message_view_set_currency       (SrMessageView *self,
                                                   const char    *currency);
void           sr_message_view_set_show_campaign  (SrMessageView *self,
                                                   gboolean       show_campaign);
/* Shows the first row once the list's next reload lands (after a filter
 * change); otherwise the view keeps the rows in sight, or stays at the top. */
void           sr_message_view_reset_scroll       (SrMessageView *self);
/* Rich rows in a list instead of columns, for narrow windows. */
gboolean       sr_message_view_get_compact        (SrMessageView *self);
void           sr_message_view_set_compact        (SrMessageView *self,
                                                   gboolean       compact);
/* Ctrl+C: the selected rows as tab-separated text (with a header line) on
 * the clipboard, read from the cache in a thread. */
void           sr_message_view_copy_selection     (SrMessageView *self);

/* For tests. */
GtkSelectionModel   *sr_message_view_get_selection   (SrMessageView *self);
/* What the last copy put on the clipboard. */
const char          *sr_message_view_get_last_copied (SrMessageView *self);
GtkColumnView       *sr_message_view_get_column_view (SrMessageView *self);
GtkListView         *sr_message_view_get_list_view   (SrMessageView *self);
GtkColumnViewColumn *sr_message_view_get_column      (SrMessageView *self,
                                                      SrMessageSort  sort);

G_END_DECLS
