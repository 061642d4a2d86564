/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-a11y.c: the real windows as assistive technologies and the keyboard
 * see them. Every page and window is walked through GTK's accessible tree
 * (a11y-walk.c) and every interactive node must have a name a person would
 * say; the main flows are driven by key presses and the actions the keys
 * trigger, with the focus checked at each step.
 *
 * SR_A11Y_VERBOSE=1 prints every interactive node with its name.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "a11y-walk.h"
#include "sr-chart.h"
#include "sr-core.h"
#include "sr-legend-window.h"
#include "sr-message-dialog.h"
#include "sr-preferences-dialog.h"
#include "sr-resources.h"
#include "sr-shortcuts-dialog.h"
#include "sr-test-sandbox.h"
#include "sr-window-private.h"

#define N_MESSAGES  "1500"
#define N_CAMPAIGNS "12"

static SrTestSandbox *shared_sandbox;
static char          *shared_dir;
static SrCache       *shared_cache;

typedef gboolean (*Predicate) (gpointer data);

static gboolean
on_wait_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_until (Predicate    predicate,
            gpointer     data,
            guint        timeout,
            const char  *what)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add_seconds (timeout, on_wait_timeout_cb, &timed_out);

  while (!predicate (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out after %u s waiting for: %s", timeout, what);

  g_source_remove (source);
}

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_wait_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_sync_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;
  SrSyncSummary summary;

  if (!sr_sync_run_finish (SR_SYNC (object), result, &summary, error) && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "sync failed");
  if (*error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static gboolean
error_is_set (gpointer data)
{
  return *(GError **) data != NULL;
}

static SrCache *
sync_account (const char *url,
              const char *key,
              const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrSync) sync = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  SrCache *cache;

  client = sr_api_client_new (url, url, key, &error);
  g_assert_no_error (error);
  file_name = sr_cache_dup_account_file_name (sr_api_client_get_api_url (client), key);
  path = g_build_filename (dir, file_name, NULL);
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);

  sync = sr_sync_new (client, cache);
  sr_sync_run_async (sync, NULL, on_sync_done_cb, &error);
  wait_until (error_is_set, &error, 120, "the fixture sync");
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);

  return cache;
}

static gboolean
window_left_loading (gpointer data)
{
  return g_strcmp0 (sr_window_get_visible_page (data), "loading") != 0;
}

static gboolean
window_shows_reports (gpointer data)
{
  return g_strcmp0 (sr_window_get_visible_page (data), "reports") == 0;
}

static gboolean
session_idle (gpointer data)
{
  SrSession *session = sr_window_get_session (data);

  return session != NULL && !sr_session_get_syncing (session);
}

static gboolean
list_ready (gpointer data)
{
  return !sr_message_list_get_loading (data);
}

static gboolean
campaign_list_ready (gpointer data)
{
  return !sr_campaign_list_get_loading (data);
}

static gboolean
dashboard_ready (gpointer data)
{
  return !sr_dashboard_page_get_loading (data) && sr_dashboard_page_get_insights (data) != NULL;
}

static SrWindow *
open_shared_window (void)
{
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  SrWindow *window;

  window = sr_window_new_for_test (url, url, shared_dir, sr_test_sandbox_get_api_key (shared_sandbox));
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));

  wait_until (window_shows_reports, window, 60, "the reports page");
  wait_until (session_idle, window, 120, "the first sync");
  wait_until (list_ready, sr_messages_page_get_list (sr_window_get_messages_page (window)), 60,
              "the Messages Log");
  wait_until (dashboard_ready, sr_window_get_dashboard_page (window), 60, "the Dashboard");
  spin (100);

  return window;
}

static void
close_window (gpointer window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  spin (50);
}

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* --- the names walk --- */

typedef struct
{
  guint    n_interactive;
  guint    n_unnamed;
  guint    n_mnemonic;
  GString *problems;
} Totals;

static void
walk_and_count (Totals        *totals,
                const char    *what,
                GtkAccessible *root)
{
  A11yWalk walk;

  a11y_walk_init (&walk);
  a11y_walk (&walk, root);
  /* A dialog maps its content once its opening transition has started:
   * walk again until it is there (a busy machine may take a while). */
  for (guint tries = 0; walk.n_interactive == 0 && tries < 50; tries++)
    {
      a11y_walk_clear (&walk);
      spin (200);
      a11y_walk_init (&walk);
      a11y_walk (&walk, root);
    }

  g_test_message ("%s: %u nodes, %u interactive, %u unnamed, %u with a mnemonic underscore",
                  what, walk.n_nodes, walk.n_interactive, walk.n_unnamed, walk.n_mnemonic);
  if (g_getenv ("SR_A11Y_VERBOSE") != NULL)
    for (guint i = 0; i < walk.names->len; i++)
      g_test_message ("  %s", (char *) g_ptr_array_index (walk.names, i));

  g_assert_cmpuint (walk.n_interactive, >, 0);
  totals->n_interactive += walk.n_interactive;
  totals->n_unnamed += walk.n_unnamed;
  totals->n_mnemonic += walk.n_mnemonic;
  if (walk.problems->len > 0)
    g_string_append_printf (totals->problems, "%s:\n%s", what, walk.problems->str);

  a11y_walk_clear (&walk);
}

static void
check_totals (Totals *totals)
{
  g_test_message ("A11Y TOTAL: %u interactive, %u unnamed, %u with a mnemonic underscore",
                  totals->n_interactive, totals->n_unnamed, totals->n_mnemonic);
  if (totals->problems->len > 0)
    g_test_message ("%s", totals->problems->str);
  g_assert_cmpuint (totals->n_unnamed, ==, 0);
  g_assert_cmpuint (totals->n_mnemonic, ==, 0);
}

static void
test_names_sign_in (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-a11y-nokey");
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  Totals totals = { 0, 0, 0, g_string_new (NULL) };
  SrWindow *window;

  window = sr_window_new_for_test (url, url, dir, NULL);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (window_left_loading, window, 10, "the first page");
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  spin (50);

  walk_and_count (&totals, "sign-in page", GTK_ACCESSIBLE (window));
  check_totals (&totals);
  g_string_free (totals.problems, TRUE);

  close_window (window);
  sr_test_remove_tree (dir);
}

static void
test_names_every_page_and_window (void)
{
  static const char * const pages[] = { "dashboard", "messages", "campaigns" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  Totals totals = { 0, 0, 0, g_string_new (NULL) };
  SrWindow *window = open_shared_window ();
  GtkWidget *dialog;
  GtkWidget *legend;
  SrCampaignWindow *campaign_window;

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *what = g_strdup_printf ("%s page", pages[i]);

      sr_window_show_content_page (window, pages[i]);
      if (i == 2)
        wait_until (campaign_list_ready, sr_campaigns_page_get_list (sr_window_get_campaigns_page (window)),
                    30, "the Campaign Log");
      spin (200);
      walk_and_count (&totals, what, GTK_ACCESSIBLE (window));
    }

  /* Message Details, on the newest message. */
  sr_window_show_content_page (window, "messages");
  messages = sr_cache_query_messages (shared_cache, NULL, SR_MESSAGE_SORT_CREATED, TRUE, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 1);
  dialog = sr_message_dialog_new (g_ptr_array_index (messages, 0), "EUR", FALSE);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  wait_until (widget_mapped, dialog, 10, "the dialog");
  spin (300);
  walk_and_count (&totals, "Message Details", GTK_ACCESSIBLE (dialog));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  spin (300);

  /* A campaign window. */
  campaigns = sr_cache_query_campaigns (shared_cache, NULL, SR_CAMPAIGN_SORT_CREATED, TRUE, 1, 0, &error);
  g_assert_no_error (error);
  campaign_window = sr_window_open_campaign (window, sr_campaign_get_id (g_ptr_array_index (campaigns, 0)));
  wait_until (list_ready, sr_campaign_window_get_list (campaign_window), 30, "the campaign's messages");
  spin (300);
  walk_and_count (&totals, "campaign window", GTK_ACCESSIBLE (campaign_window));
  gtk_window_destroy (GTK_WINDOW (campaign_window));

  /* The status legend, Preferences, Keyboard Shortcuts. */
  legend = sr_legend_window_new ();
  gtk_window_present (GTK_WINDOW (legend));
  wait_until (widget_mapped, legend, 10, "the status legend");
  spin (200);
  walk_and_count (&totals, "status legend", GTK_ACCESSIBLE (legend));
  gtk_window_destroy (GTK_WINDOW (legend));

  dialog = sr_preferences_dialog_new ();
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  wait_until (widget_mapped, dialog, 10, "the dialog");
  spin (300);
  walk_and_count (&totals, "Preferences", GTK_ACCESSIBLE (dialog));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  spin (300);

  dialog = sr_shortcuts_dialog_new ();
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  wait_until (widget_mapped, dialog, 10, "the dialog");
  spin (300);
  walk_and_count (&totals, "Keyboard Shortcuts", GTK_ACCESSIBLE (dialog));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  spin (300);

  check_totals (&totals);
  g_string_free (totals.problems, TRUE);
  close_window (window);
}

/* --- the keyboard --- */

/* What Tab does: GtkWindow binds it to ::move-focus. */
static void
press_tab (GtkWidget        *window,
           GtkDirectionType  direction)
{
  g_signal_emit_by_name (window, "move-focus", direction);
  g_main_context_iteration (NULL, FALSE);
}

static GtkWidget *
focus_of (GtkWidget *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

static char *
describe_focus (GtkWidget *widget)
{
  g_autofree char *name = NULL;

  if (widget == NULL)
    return g_strdup ("(none)");
  name = a11y_dup_name (GTK_ACCESSIBLE (widget));
  return g_strdup_printf ("%s \"%s\"", G_OBJECT_TYPE_NAME (widget), name);
}

/* Tabs through the window from its current focus until the focus comes
 * back to where it started (or max stops); returns the stops in order. */
static GPtrArray *
tab_chain (GtkWidget        *window,
           GtkDirectionType  direction,
           guint             max)
{
  GPtrArray *stops = g_ptr_array_new ();
  GtkWidget *first = NULL;

  for (guint i = 0; i < max; i++)
    {
      GtkWidget *focus;

      press_tab (window, direction);
      focus = focus_of (window);
      /* Back to a stop already seen: the chain is a loop. */
      if (focus == NULL || focus == first || g_ptr_array_find (stops, focus, NULL))
        break;
      /* Tab that does not move is a focus trap. */
      g_assert_true (stops->len == 0 || focus != g_ptr_array_index (stops, stops->len - 1));
      if (first == NULL)
        first = focus;
      g_ptr_array_add (stops, focus);
      if (g_getenv ("SR_A11Y_VERBOSE") != NULL)
        {
          g_autofree char *what = describe_focus (focus);
          g_test_message ("  tab %u: %s", i, what);
        }
    }
  return stops;
}

static gboolean
is_ancestor_or_self (GtkWidget *widget,
                     GtkWidget *ancestor)
{
  return widget != NULL && (widget == ancestor || gtk_widget_is_ancestor (widget, ancestor));
}

static void
test_tab_chain_leaves_lists (void)
{
  SrWindow *window = open_shared_window ();
  static const char * const pages[] = { "dashboard", "messages", "campaigns" };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GPtrArray) stops = NULL;

      g_test_message ("Tab through the %s page", pages[i]);
      /* Alt+1/2/3 */
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", pages[i]));
      spin (200);
      stops = tab_chain (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD, 200);
      g_assert_cmpuint (stops->len, >, 3);
      g_assert_cmpuint (stops->len, <, 200);

      /* A log's list is one stop: Tab goes on past it. */
      if (i > 0)
        {
          GtkWidget *list = i == 1
            ? GTK_WIDGET (sr_message_view_get_column_view (sr_messages_page_get_view (sr_window_get_messages_page (window))))
            : GTK_WIDGET (sr_campaigns_page_get_column_view (sr_window_get_campaigns_page (window)));
          guint in_list = 0;

          for (guint j = 0; j < stops->len; j++)
            if (is_ancestor_or_self (g_ptr_array_index (stops, j), list))
              in_list++;
          g_assert_cmpuint (in_list, ==, 1);
        }
    }

  close_window (window);
}

/* Tabs forward until predicate(focus) holds; fails after max presses. */
static GtkWidget *
tab_to (GtkWidget  *window,
        gboolean  (*predicate) (GtkWidget *focus, gpointer data),
        gpointer    data,
        const char *what)
{
  for (guint i = 0; i < 60; i++)
    {
      GtkWidget *focus = focus_of (window);

      if (focus != NULL && predicate (focus, data))
        return focus;
      press_tab (window, GTK_DIR_TAB_FORWARD);
    }
  g_error ("Tab never reached %s", what);
  return NULL;
}

static gboolean
focus_in (GtkWidget *focus,
          gpointer   data)
{
  return is_ancestor_or_self (focus, data);
}

typedef struct
{
  SrMessageList *list;
  SrMessageSort  sort;
  gboolean       descending;
} SortWait;

static gboolean
list_sorted (gpointer data)
{
  SortWait *wait = data;

  return sr_message_list_get_sort (wait->list) == wait->sort &&
         sr_message_list_get_descending (wait->list) == wait->descending &&
         !sr_message_list_get_loading (wait->list);
}

static GtkWidget *
find_sort_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (widget), "Sort") == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_sort_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static AdwDialog *
dialog_of (GtkWidget *widget)
{
  return widget != NULL ? ADW_DIALOG (gtk_widget_get_ancestor (widget, ADW_TYPE_DIALOG)) : NULL;
}

static gboolean
focus_in_message_dialog (gpointer data)
{
  GtkWidget *focus = focus_of (data);

  return focus != NULL && gtk_widget_get_ancestor (focus, SR_TYPE_MESSAGE_DIALOG) != NULL;
}

typedef struct
{
  char    *text;
  gboolean done;
} ClipboardRead;

static void
on_clipboard_read_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ClipboardRead *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  read->done = TRUE;
}

static gboolean
clipboard_read (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

static gboolean
window_is_visible (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
test_keyboard_main_flows (void)
{
  SrWindow *window = open_shared_window ();
  GtkWidget *win = GTK_WIDGET (window);
  SrMessagesPage *messages = sr_window_get_messages_page (window);
  SrMessageView *view = sr_messages_page_get_view (messages);
  SrMessageList *list = sr_message_view_get_list (view);
  GtkWidget *column_view = GTK_WIDGET (sr_message_view_get_column_view (view));
  SortWait wait = { list, SR_MESSAGE_SORT_COST, TRUE };
  GtkWidget *sort_button;
  GtkWidget *focus;
  AdwDialog *dialog;
  ClipboardRead read = { NULL, FALSE };
  g_autoptr(SrMessage) first = NULL;
  SrCampaignsPage *campaigns = sr_window_get_campaigns_page (window);
  GtkWidget *campaign_list;
  GtkWindow *campaign_window = NULL;
  GListModel *toplevels;

  /* Alt+2: the Messages Log, with the focus in it. */
  g_assert_true (gtk_widget_activate_action (win, "win.show-page", "s", "messages"));
  g_assert_cmpstr (sr_window_get_content_page (window), ==, "messages");
  g_assert_true (is_ancestor_or_self (focus_of (win), GTK_WIDGET (messages)));

  /* Sort by cost from the Sort menu: Tab to it, pick the items. */
  sort_button = find_sort_button (GTK_WIDGET (messages));
  g_assert_nonnull (sort_button);
  tab_to (win, focus_in, sort_button, "the Sort menu");
  g_assert_true (gtk_widget_activate_action (sort_button, "sort.by", "i", SR_MESSAGE_SORT_COST));
  wait_until (list_sorted, &wait, 30, "the list sorted by cost, descending");
  g_assert_true (gtk_widget_activate_action (sort_button, "sort.order", "s", "ascending"));
  wait.descending = FALSE;
  wait_until (list_sorted, &wait, 30, "the list sorted by cost, ascending");
  g_assert_true (gtk_widget_activate_action (sort_button, "sort.by", "i", SR_MESSAGE_SORT_CREATED));
  wait.sort = SR_MESSAGE_SORT_CREATED;
  wait_until (list_sorted, &wait, 30, "the list sorted by date, ascending");

  /* Ctrl+F: the search takes the focus; typing filters. */
  g_assert_true (gtk_widget_activate_action (win, "win.search", NULL));
  focus = focus_of (win);
  g_assert_true (GTK_IS_TEXT (focus));
  g_assert_nonnull (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY));

  /* Tab into the list, Enter on the row: Message Details, focused. */
  focus = tab_to (win, focus_in, column_view, "the Messages Log's list");
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_true (gtk_widget_activate_action (focus, "list.activate-item", "u", 0));
  wait_until (focus_in_message_dialog, win, 10, "the focus in Message Details");
  focus = focus_of (win);
  dialog = dialog_of (focus);
  g_assert_true (SR_IS_MESSAGE_DIALOG (dialog));
  g_assert_true (GTK_IS_LABEL (focus));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (focus)));

  /* Ctrl+C copies the focused value: here the message text. */
  g_assert_true (gtk_widget_activate_action (focus, "clipboard.copy", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (focus), NULL, on_clipboard_read_cb, &read);
  wait_until (clipboard_read, &read, 10, "the clipboard");
  g_assert_cmpstr (read.text, ==, sr_message_get_message (first));
  g_free (read.text);

  /* Tab moves on through the values. */
  press_tab (win, GTK_DIR_TAB_FORWARD);
  g_assert_true (focus_of (win) != focus);
  g_assert_true (dialog_of (focus_of (win)) == dialog);
  adw_dialog_close (dialog);
  spin (400);

  /* Alt+3, Tab into the Campaign Log, Enter: the campaign's window. */
  g_assert_true (gtk_widget_activate_action (win, "win.show-page", "s", "campaigns"));
  g_assert_true (is_ancestor_or_self (focus_of (win), GTK_WIDGET (campaigns)));
  wait_until (campaign_list_ready, sr_campaigns_page_get_list (campaigns), 30, "the Campaign Log");
  campaign_list = GTK_WIDGET (sr_campaigns_page_get_column_view (campaigns));
  focus = tab_to (win, focus_in, campaign_list, "the Campaign Log's list");
  g_assert_true (gtk_widget_activate_action (focus, "list.activate-item", "u", 0));
  spin (300);

  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (SR_IS_CAMPAIGN_WINDOW (toplevel))
        campaign_window = toplevel;
    }
  g_assert_nonnull (campaign_window);
  wait_until (window_is_visible, campaign_window, 10, "the campaign window");
  wait_until (list_ready, sr_campaign_window_get_list (SR_CAMPAIGN_WINDOW (campaign_window)), 30,
              "the campaign's messages");
  spin (200);

  /* Forward Tab reaches the status toggles and the list. */
  {
    g_autoptr(GPtrArray) stops = tab_chain (GTK_WIDGET (campaign_window), GTK_DIR_TAB_FORWARD, 100);
    gboolean toggle = FALSE, row = FALSE;

    for (guint i = 0; i < stops->len; i++)
      {
        GtkWidget *stop = g_ptr_array_index (stops, i);

        toggle |= GTK_IS_TOGGLE_BUTTON (stop) && !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (stop));
        row |= gtk_widget_get_ancestor (stop, GTK_TYPE_COLUMN_VIEW) != NULL;
      }
    g_assert_true (toggle);
    g_assert_true (row);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (campaign_window), "window.close", NULL));
  spin (100);

  close_window (window);
}

static gboolean
press_key (GtkWidget *widget,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
          if (handled)
            break;
        }
    }
  return handled;
}

static gboolean
focus_in_list (gpointer data)
{
  SrWindow *window = data;
  GtkWidget *list = GTK_WIDGET (sr_message_view_get_column_view (sr_messages_page_get_view (sr_window_get_messages_page (window))));
  GtkWidget *focus = focus_of (GTK_WIDGET (window));

  return focus != NULL && focus != list && gtk_widget_is_ancestor (focus, list);
}

static void
test_chart_bars_and_click_through (void)
{
  SrWindow *window = open_shared_window ();
  SrDashboardPage *dashboard = sr_window_get_dashboard_page (window);
  SrChart *chart = sr_dashboard_page_get_chart (dashboard);
  g_autofree char *summary = NULL;
  g_autofree char *description = NULL;
  g_autofree char *first_bar = NULL;
  g_autofree char *second_bar = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "dashboard"));
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_30_DAYS);
  wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");
  spin (200);
  g_assert_cmpuint (sr_chart_get_n_bars (chart), >, 2);

  /* The chart's name says what it is, its description what it shows. */
  summary = a11y_dup_description (GTK_ACCESSIBLE (chart));
  g_assert_cmpstr (summary, ==, sr_chart_get_summary (chart));
  {
    g_autofree char *name = a11y_dup_name (GTK_ACCESSIBLE (chart));

    g_assert_cmpstr (name, ==, "Messages per day");
  }

  /* Arrow keys pick a bar: its figures become the description (and are
   * announced). */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (chart)));
  g_assert_true (press_key (GTK_WIDGET (chart), GDK_KEY_Home));
  first_bar = sr_chart_dup_bar_text (chart, 0);
  description = a11y_dup_description (GTK_ACCESSIBLE (chart));
  g_assert_true (g_str_has_prefix (description, first_bar));
  g_clear_pointer (&description, g_free);

  g_assert_true (press_key (GTK_WIDGET (chart), GDK_KEY_Right));
  second_bar = sr_chart_dup_bar_text (chart, 1);
  description = a11y_dup_description (GTK_ACCESSIBLE (chart));
  g_assert_true (g_str_has_prefix (description, second_bar));

  /* A status click-through: the Messages Log opens with its first row
   * focused. */
  g_assert_true (sr_dashboard_page_activate_status (dashboard, SR_STATUS_DELIVERED));
  g_assert_cmpstr (sr_window_get_content_page (window), ==, "messages");
  wait_until (focus_in_list, window, 30, "the focus on the first row of the result");

  close_window (window);
}

/* Not a check: with SR_A11Y_SCREENSHOT_DIR set, saves the Dashboard and
 * the Messages Log at the normal text size and at 1.75 times (GTK's
 * gtk-xft-dpi, what the desktop's text scaling sets), to look at. Run it
 * again with ADW_DEBUG_HIGH_CONTRAST=1 for the high-contrast style. */
static void
save_window (GtkWidget  *window,
             const char *path)
{
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

static void
test_screenshots (void)
{
  const char *dir = g_getenv ("SR_A11Y_SCREENSHOT_DIR");
  const char *style = g_getenv ("ADW_DEBUG_HIGH_CONTRAST") != NULL ? "high-contrast" : "normal";
  static const double scales[] = { 1.0, 1.75 };
  GtkSettings *settings = gtk_settings_get_default ();
  int dpi;
  SrWindow *window;

  if (dir == NULL)
    {
      g_test_skip ("SR_A11Y_SCREENSHOT_DIR is not set");
      return;
    }

  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  if (dpi <= 0)
    dpi = 96 * 1024;
  window = open_shared_window ();
  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      g_object_set (settings, "gtk-xft-dpi", (int) (dpi * scales[i]), NULL);
      for (guint page = 0; page < 2; page++)
        {
          const char *name = page == 0 ? "dashboard" : "messages";
          g_autofree char *file = g_strdup_printf ("%s-%s-text%.2f.png", name, style, scales[i]);
          g_autofree char *path = g_build_filename (dir, file, NULL);

          sr_window_show_content_page (window, name);
          /* The page switch and the new text size settle (a stack
           * transition, a relayout). */
          spin (2000);
          save_window (GTK_WIDGET (window), path);
        }
    }
  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* GTK's test backend keeps every accessible attribute for the walk
   * without a screen reader on the bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  sr_register_resource ();

  shared_sandbox = sr_test_sandbox_start ("--messages", N_MESSAGES, "--campaigns", N_CAMPAIGNS, NULL);
  shared_dir = sr_test_make_tmpdir ("test-a11y");
  shared_cache = sync_account (sr_test_sandbox_get_url (shared_sandbox),
                               sr_test_sandbox_get_api_key (shared_sandbox),
                               shared_dir);

  g_test_add_func ("/a11y/names/sign-in", test_names_sign_in);
  g_test_add_func ("/a11y/names/every-page-and-window", test_names_every_page_and_window);

  g_test_add_func ("/a11y/keyboard/tab-chain-leaves-lists", test_tab_chain_leaves_lists);

  g_test_add_func ("/a11y/keyboard/main-flows", test_keyboard_main_flows);
  g_test_add_func ("/a11y/keyboard/chart-bars-and-click-through", test_chart_bars_and_click_through);
  g_test_add_func ("/a11y/screenshots", test_screenshots);

  ret = g_test_run ();

  sr_cache_close (shared_cache);
  g_clear_object (&shared_cache);
  sr_test_remove_tree (shared_dir);
  g_clear_pointer (&shared_dir, g_free);
  g_clear_pointer (&shared_sandbox, sr_test_sandbox_free);

  return ret;
}
