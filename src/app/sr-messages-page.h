/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-messages-page.h: the Messages Log: every cached message, with search,
 * status, date range and campaign filters and a live count.
 */
#pragma once

#include <adwaita.h>

#include "sr-export-bar.h"
#include "sr-message-view.h"
#include "sr-period-picker.h"
#include "sr-session.h"

G_BEGIN_DECLS

#define SR_TYPE_MESSAGES_PAGE (sr_messages_page_get_type ())
G_DECLARE_FINAL_TYPE (SrMessagesPage, sr_messages_page, SR, MESSAGES_PAGE, AdwBin)

GtkWidget     *sr_messages_page_new             (void);
void           sr_messages_page_set_session     (SrMessagesPage *self,
                                                 SrSession      *session);
/* Shows only one campaign's messages, with a chip to remove the filter.
 * label names the campaign for people (sender and date). */
void           sr_messages_page_show_campaign   (SrMessagesPage *self,
                                                 const char     *campaign_id,
                                                 const char     *label);
void           sr_messages_page_focus_search    (SrMessagesPage *self);
/* Shows the messages that pass filter, and only those: the search, status
 * and date controls take what they can express, the rest becomes a
 * removable chip named label (NULL: described from the filter). */
void           sr_messages_page_show_filter     (SrMessagesPage        *self,
                                                 const SrMessageFilter *filter,
                                                 const char            *label);
/* "Export…": the list's current filter and order as CSV. destination NULL
 * asks with the file chooser; tests pass a file. */
void           sr_messages_page_export          (SrMessagesPage *self,
                                                 GFile          *destination);

/* For tests. */
SrMessageList *sr_messages_page_get_list        (SrMessagesPage *self);
SrMessageView *sr_messages_page_get_view        (SrMessagesPage *self);
/* bits (1 << SrStatus); 0 = every status */
void           sr_messages_page_set_status_mask (SrMessagesPage *self,
                                                 guint           mask);
const char    *sr_messages_page_get_count_text  (SrMessagesPage *self);
/* "list", "empty" or "no-results" */
const char    *sr_messages_page_get_state       (SrMessagesPage *self);
SrExportBar   *sr_messages_page_get_export_bar  (SrMessagesPage *self);
/* The second filter chip's text, NULL when it is not shown. */
const char    *sr_messages_page_get_extra_text  (SrMessagesPage *self);

/* Narrows what the Log shows by a sender ID, a calling code and/or a
 * failure reason (NULL: unchanged), each shown as its own removable chip;
 * also the "messages-page.filter-by" action ("sender"|"country"|"reason",
 * value) of the rows' context menu. */
void           sr_messages_page_add_filter      (SrMessagesPage *self,
                                                 const char     *sender_id,
                                                 const char     *country_prefix,
                                                 const char     *failed_reason);
/* Clicks the close button of the index-th sender / country / reason chip. */
gboolean       sr_messages_page_remove_chip     (SrMessagesPage *self,
                                                 guint           index);
/* The labels of the removable filter chips, in order (for tests). */
GStrv          sr_messages_page_dup_chip_texts  (SrMessagesPage *self);

SrPeriodPicker  *sr_messages_page_get_period_picker (SrMessagesPage *self);

/* The Filter menu: the sender IDs, countries (calling codes) and failure
 * reasons of the messages shown, with their counts, counted off the main
 * thread when it opens. For tests: field is "sender", "country" or
 * "reason"; the values in the menu's order (most messages first); a
 * value's count (-1: not offered); what a click on its row does. */
void             sr_messages_page_popup_filter_menu (SrMessagesPage *self);
gboolean         sr_messages_page_get_filter_choices_ready (SrMessagesPage *self);
GStrv            sr_messages_page_dup_filter_choices (SrMessagesPage *self,
                                                      const char     *field);
gint64           sr_messages_page_get_filter_choice_count (SrMessagesPage *self,
                                                           const char     *field,
                                                           const char     *value);
gboolean         sr_messages_page_activate_filter_choice (SrMessagesPage *self,
                                                          const char     *field,
                                                          const char     *value);

G_END_DECLS
