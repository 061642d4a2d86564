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
#include "sr-test-loop.h"
#include "sr-test-sandbox.h"
#include "sr-test-window.h"
#include "sr-window-private.h"

#define N_MESSAGES  "1500"
#define N_CAMPAIGNS "12"

static SrTestSandbox *shared_sandbox;
static char          *shared_dir;
static SrCache       *shared_cache;

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

  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page");
  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the first sync");
  sr_test_wait_until (list_ready, sr_messages_page_get_list (sr_window_get_messages_page (window)), 60,
                      "the Messages Log");
  sr_test_wait_until (dashboard_ready, sr_window_get_dashboard_page (window), 60, "the Dashboard");
  sr_test_spin (100);

  return window;
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
      sr_test_spin (200);
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
  sr_test_wait_until (sr_test_window_left_loading, window, 10, "the first page");
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  sr_test_spin (50);

  walk_and_count (&totals, "sign-in page", GTK_ACCESSIBLE (window));
  check_totals (&totals);
  g_string_free (totals.problems, TRUE);

  sr_test_window_close (window);
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
        sr_test_wait_until (campaign_list_ready, sr_campaigns_page_get_list (sr_window_get_campaigns_page (window)),
                            30, "the Campaign Log");
      sr_test_spin (200);
      walk_and_count (&totals, what, GTK_ACCESSIBLE (window));
    }

  /* Message Details, on the newest message. */
  sr_window_show_content_page (window, "messages");
  messages = sr_cache_query_messages (shared_cache, NULL, SR_MESSAGE_SORT_CREATED, TRUE, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 1);
  dialog = sr_message_dialog_new (g_ptr_array_index (messages, 0), "EUR", FALSE);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  sr_test_wait_until (widget_mapped, dialog, 10, "the dialog");
  sr_test_spin (300);
  walk_and_count (&totals, "Message Details", GTK_ACCESSIBLE (dialog));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  sr_test_spin (300);

  /* A campaign window. */
  campaigns = sr_cache_query_campaigns (shared_cache, NULL, SR_CAMPAIGN_SORT_CREATED, TRUE, 1, 0, &error);
  g_assert_no_error (error);
  campaign_window = sr_window_open_campaign (window, sr_campaign_get_id (g_ptr_array_index (campaigns, 0)));
  sr_test_wait_until (list_ready, sr_campaign_window_get_list (campaign_window), 30, "the campaign's messages");
  sr_test_spin (300);
  walk_and_count (&totals, "campaign window", GTK_ACCESSIBLE (campaign_window));
  gtk_window_destroy (GTK_WINDOW (campaign_window));

  /* The status legend, Preferences, Keyboard Shortcuts. */
  legend = sr_legend_window_new ();
  gtk_window_present (GTK_WINDOW (legend));
  sr_test_wait_until (widget_mapped, legend, 10, "the status legend");
  sr_test_spin (200);
  walk_and_count (&totals, "status legend", GTK_ACCESSIBLE (legend));
  gtk_window_destroy (GTK_WINDOW (legend));

  dialog = sr_preferences_dialog_new ();
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  sr_test_wait_until (widget_mapped, dialog, 10, "the dialog");
  sr_test_spin (300);
  walk_and_count (&totals, "Preferences", GTK_ACCESSIBLE (dialog));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  sr_test_spin (300);

  dialog = sr_shortcuts_dialog_new ();
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  sr_test_wait_until (widget_mapped, dialog, 10, "the dialog");
  sr_test_spin (300);
  walk_and_count (&totals, "Keyboard Shortcuts", GTK_ACCESSIBLE (dialog));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  sr_test_spin (300);

  check_totals (&totals);
  g_string_free (totals.problems, TRUE);
  sr_test_window_close (window);
}

/* --- keys as GTK dispatches them --- */

/* GTK has no public way to inject a key event, so press() does what GTK
 * does with one: from the window down to the focus widget, the controllers
 * of the capture phase; then from the focus widget up to the window, the
 * key controllers and the shortcut controllers (which hold each widget's
 * class key bindings: Tab, Return, F6, Alt+1…) of the bubble phase, until
 * one handles it. Text is typed with type_text(), what an input method
 * commits. */

static gboolean
trigger_matches (GtkShortcutTrigger *trigger,
                 guint               keyval,
                 GdkModifierType     mods)
{
  if (GTK_IS_KEYVAL_TRIGGER (trigger))
    return gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == gdk_keyval_to_lower (keyval) &&
           gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == mods;
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_matches (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, mods) ||
           trigger_matches (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, mods);
  return FALSE;
}

static gboolean
controllers_handle (GtkWidget           *widget,
                    GtkPropagationPhase  phase,
                    guint                keyval,
                    GdkModifierType      mods)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      GtkPropagationPhase its_phase = gtk_event_controller_get_propagation_phase (controller);
      gboolean handled = FALSE;

      if (its_phase == GTK_PHASE_TARGET ? phase != GTK_PHASE_BUBBLE : its_phase != phase)
        continue;

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, mods, &handled);
          if (handled)
            return TRUE;
        }
      else if (GTK_IS_SHORTCUT_CONTROLLER (controller))
        {
          GListModel *shortcuts = G_LIST_MODEL (controller);

          for (guint j = 0; j < g_list_model_get_n_items (shortcuts); j++)
            {
              g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (shortcuts, j);

              if (trigger_matches (gtk_shortcut_get_trigger (shortcut), keyval, mods) &&
                  gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                                gtk_shortcut_get_arguments (shortcut)))
                return TRUE;
            }
        }
    }
  return FALSE;
}

static gboolean
press (GtkWidget       *window,
       guint            keyval,
       GdkModifierType  mods)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  gboolean handled = FALSE;

  for (GtkWidget *widget = focus != NULL ? focus : window; widget != NULL; widget = gtk_widget_get_parent (widget))
    g_ptr_array_add (chain, widget);

  for (guint i = chain->len; i > 0 && !handled; i--)
    handled = controllers_handle (g_ptr_array_index (chain, i - 1), GTK_PHASE_CAPTURE, keyval, mods);
  for (guint i = 0; i < chain->len && !handled; i++)
    handled = controllers_handle (g_ptr_array_index (chain, i), GTK_PHASE_BUBBLE, keyval, mods);

  g_main_context_iteration (NULL, FALSE);
  return handled;
}

/* Types text into the focused entry, replacing its selection. */
static void
type_text (GtkWidget  *window,
           const char *text)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  int position;

  g_assert_true (GTK_IS_EDITABLE (focus));
  gtk_editable_delete_selection (GTK_EDITABLE (focus));
  position = gtk_editable_get_position (GTK_EDITABLE (focus));
  gtk_editable_insert_text (GTK_EDITABLE (focus), text, -1, &position);
  gtk_editable_set_position (GTK_EDITABLE (focus), position);
}

/* --- the keyboard --- */

/* Tab or Shift+Tab (GtkWindow binds them to ::move-focus). */
static void
press_tab (GtkWidget        *window,
           GtkDirectionType  direction)
{
  g_assert_true (press (window, GDK_KEY_Tab, direction == GTK_DIR_TAB_BACKWARD ? GDK_SHIFT_MASK : 0));
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
      sr_test_spin (200);
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

  sr_test_window_close (window);
}

/* Presses Tab until predicate(focus) holds. */
static GtkWidget *
press_tab_to (GtkWidget  *window,
              gboolean  (*predicate) (GtkWidget *focus, gpointer data),
              gpointer    data,
              const char *what)
{
  for (guint i = 0; i < 80; i++)
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
  press_tab_to (win, focus_in, sort_button, "the Sort menu");
  g_assert_true (gtk_widget_activate_action (sort_button, "sort.by", "i", SR_MESSAGE_SORT_COST));
  sr_test_wait_until (list_sorted, &wait, 30, "the list sorted by cost, descending");
  g_assert_true (gtk_widget_activate_action (sort_button, "sort.order", "s", "ascending"));
  wait.descending = FALSE;
  sr_test_wait_until (list_sorted, &wait, 30, "the list sorted by cost, ascending");
  g_assert_true (gtk_widget_activate_action (sort_button, "sort.by", "i", SR_MESSAGE_SORT_CREATED));
  wait.sort = SR_MESSAGE_SORT_CREATED;
  sr_test_wait_until (list_sorted, &wait, 30, "the list sorted by date, ascending");

  /* Ctrl+F: the search takes the focus; typing filters. */
  g_assert_true (gtk_widget_activate_action (win, "win.search", NULL));
  focus = focus_of (win);
  g_assert_true (GTK_IS_TEXT (focus));
  g_assert_nonnull (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY));

  /* Tab into the list, Enter on the row: Message Details, focused. */
  focus = press_tab_to (win, focus_in, column_view, "the Messages Log's list");
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_true (gtk_widget_activate_action (focus, "list.activate-item", "u", 0));
  sr_test_wait_until (focus_in_message_dialog, win, 10, "the focus in Message Details");
  focus = focus_of (win);
  dialog = dialog_of (focus);
  g_assert_true (SR_IS_MESSAGE_DIALOG (dialog));
  g_assert_true (GTK_IS_LABEL (focus));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (focus)));

  /* Ctrl+C copies the focused value: here the message text. */
  g_assert_true (gtk_widget_activate_action (focus, "clipboard.copy", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (focus), NULL, on_clipboard_read_cb, &read);
  sr_test_wait_until (clipboard_read, &read, 10, "the clipboard");
  g_assert_cmpstr (read.text, ==, sr_message_get_message (first));
  g_free (read.text);

  /* Tab moves on through the values. */
  press_tab (win, GTK_DIR_TAB_FORWARD);
  g_assert_true (focus_of (win) != focus);
  g_assert_true (dialog_of (focus_of (win)) == dialog);
  adw_dialog_close (dialog);
  sr_test_spin (400);

  /* Alt+3, Tab into the Campaign Log, Enter: the campaign's window. */
  g_assert_true (gtk_widget_activate_action (win, "win.show-page", "s", "campaigns"));
  g_assert_true (is_ancestor_or_self (focus_of (win), GTK_WIDGET (campaigns)));
  sr_test_wait_until (campaign_list_ready, sr_campaigns_page_get_list (campaigns), 30, "the Campaign Log");
  campaign_list = GTK_WIDGET (sr_campaigns_page_get_column_view (campaigns));
  focus = press_tab_to (win, focus_in, campaign_list, "the Campaign Log's list");
  g_assert_true (gtk_widget_activate_action (focus, "list.activate-item", "u", 0));
  sr_test_spin (300);

  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (SR_IS_CAMPAIGN_WINDOW (toplevel))
        campaign_window = toplevel;
    }
  g_assert_nonnull (campaign_window);
  sr_test_wait_until (window_is_visible, campaign_window, 10, "the campaign window");
  sr_test_wait_until (list_ready, sr_campaign_window_get_list (SR_CAMPAIGN_WINDOW (campaign_window)), 30,
                      "the campaign's messages");
  sr_test_spin (200);

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
  sr_test_spin (100);

  sr_test_window_close (window);
}

static gboolean
focus_in_list (gpointer data)
{
  SrWindow *window = data;
  GtkWidget *list = GTK_WIDGET (sr_message_view_get_column_view (sr_messages_page_get_view (sr_window_get_messages_page (window))));
  GtkWidget *focus = focus_of (GTK_WIDGET (window));

  return focus != NULL && focus != list && gtk_widget_is_ancestor (focus, list);
}

/* --- the Dashboard's cards --- */

static gboolean
is_card (GtkWidget *focus,
         gpointer   data)
{
  return GTK_IS_FLOW_BOX_CHILD (focus) && gtk_widget_is_ancestor (focus, data);
}

static gboolean
card_named (GtkWidget *focus,
            gpointer   data)
{
  g_autofree char *name = NULL;

  if (!GTK_IS_FLOW_BOX_CHILD (focus))
    return FALSE;
  name = a11y_dup_name (GTK_ACCESSIBLE (focus));
  return g_str_has_prefix (name, data);
}

static guint
group_mask (SrStatusGroup group)
{
  guint mask = 0;

  for (guint i = 0; i < SR_N_STATUSES; i++)
    if (sr_status_get_group (i) == group)
      mask |= 1u << i;
  return mask;
}

static gboolean
session_syncing (gpointer data)
{
  return sr_session_get_syncing (sr_window_get_session (data));
}

static void
test_dashboard_cards (void)
{
  SrWindow *window = open_shared_window ();
  GtkWidget *win = GTK_WIDGET (window);
  SrDashboardPage *dashboard = sr_window_get_dashboard_page (window);
  SrMessageList *list = sr_messages_page_get_list (sr_window_get_messages_page (window));
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  g_autofree char *delivered = NULL;
  GtkWidget *first_card;
  GtkWidget *focus;

  /* Alt+1, then Tab through the page: every card is one stop, named by
   * its title, its value and what it does. */
  g_assert_true (press (win, GDK_KEY_1, GDK_ALT_MASK));
  g_assert_cmpstr (sr_window_get_content_page (window), ==, "dashboard");
  sr_test_wait_until (dashboard_ready, dashboard, 60, "the Dashboard");
  first_card = press_tab_to (win, is_card, dashboard, "a card");
  for (focus = first_card; is_card (focus, dashboard); focus = focus_of (win))
    {
      g_autofree char *name = a11y_dup_name (GTK_ACCESSIBLE (focus));

      g_test_message ("card: %s", name);
      g_assert_false (g_ptr_array_find (cards, focus, NULL));
      g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (focus)), ==, GTK_ACCESSIBLE_ROLE_BUTTON);
      g_assert_true (g_str_has_suffix (name, ", open in the Messages Log") || g_str_has_suffix (name, ", sync now"));
      g_ptr_array_add (cards, focus);
      g_assert_true (press (win, GDK_KEY_Tab, 0));
    }
  /* Messages, five statuses, Cost, Balance, Time to Delivery; Tab went on
   * past them. */
  g_assert_cmpuint (cards->len, ==, 9);
  g_assert_nonnull (focus_of (win));

  /* Delivered: its value is in its name; Enter opens the delivered
   * messages of the period, focused. */
  delivered = g_strdup_printf ("Delivered: %s, open in the Messages Log",
                               sr_dashboard_page_get_card_value (dashboard, SR_STATUS_GROUP_DELIVERED));
  g_assert_true (press (win, GDK_KEY_1, GDK_ALT_MASK));
  focus = press_tab_to (win, card_named, (gpointer) "Delivered: ", "the Delivered card");
  {
    g_autofree char *name = a11y_dup_name (GTK_ACCESSIBLE (focus));

    g_assert_cmpstr (name, ==, delivered);
  }
  g_assert_true (press (win, GDK_KEY_Return, 0));
  g_assert_cmpstr (sr_window_get_content_page (window), ==, "messages");
  g_assert_cmpuint (sr_message_list_get_filter (list)->status_mask, ==, group_mask (SR_STATUS_GROUP_DELIVERED));
  sr_test_wait_until (focus_in_list, window, 30, "the focus on the first delivered message");

  /* Balance: Space syncs. */
  g_assert_true (press (win, GDK_KEY_1, GDK_ALT_MASK));
  focus = press_tab_to (win, card_named, (gpointer) "Balance: ", "the Balance card");
  g_assert_false (sr_session_get_syncing (sr_window_get_session (window)));
  g_assert_true (press (win, GDK_KEY_space, 0));
  sr_test_wait_until (session_syncing, window, 10, "the sync the Balance card starts");
  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the end of that sync");
  g_assert_cmpstr (sr_window_get_content_page (window), ==, "dashboard");

  sr_test_window_close (window);
}

/* --- F6 --- */

typedef enum { IN_SIDEBAR, IN_BAR, IN_CONTENT, ELSEWHERE } Where;

static const char * const where_names[] = { "sidebar", "bar", "content", "elsewhere" };

static GtkWidget *
page_content (SrWindow   *window,
              const char *page)
{
  if (g_str_equal (page, "messages"))
    return GTK_WIDGET (sr_message_view_get_column_view (sr_messages_page_get_view (sr_window_get_messages_page (window))));
  if (g_str_equal (page, "campaigns"))
    return GTK_WIDGET (sr_campaigns_page_get_column_view (sr_window_get_campaigns_page (window)));
  return GTK_WIDGET (sr_dashboard_page_get_cards (sr_window_get_dashboard_page (window)));
}

static GtkWidget *
page_widget (SrWindow   *window,
             const char *page)
{
  if (g_str_equal (page, "messages"))
    return GTK_WIDGET (sr_window_get_messages_page (window));
  if (g_str_equal (page, "campaigns"))
    return GTK_WIDGET (sr_window_get_campaigns_page (window));
  return GTK_WIDGET (sr_window_get_dashboard_page (window));
}

static Where
where_is_focus (SrWindow   *window,
                const char *page)
{
  GtkWidget *focus = focus_of (GTK_WIDGET (window));

  if (focus == NULL)
    return ELSEWHERE;
  if (gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX) != NULL &&
      gtk_widget_has_css_class (gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX), "navigation-sidebar"))
    return IN_SIDEBAR;
  if (is_ancestor_or_self (focus, page_content (window, page)))
    return IN_CONTENT;
  if (is_ancestor_or_self (focus, page_widget (window, page)))
    return IN_BAR;
  return ELSEWHERE;
}

static void
expect_where (SrWindow   *window,
              const char *page,
              Where       expected)
{
  Where where = where_is_focus (window, page);

  if (where != expected)
    {
      g_autofree char *what = describe_focus (focus_of (GTK_WIDGET (window)));

      g_error ("%s page: the focus is in the %s (%s), not in the %s",
               page, where_names[where], what, where_names[expected]);
    }
}

static gboolean
shortcuts_row_titled (GtkWidget  *widget,
                      const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shortcuts_row_titled (child, title))
      return TRUE;
  return FALSE;
}

static void
test_f6_regions (void)
{
  static const char * const pages[] = { "dashboard", "messages", "campaigns" };
  static const guint alt_keys[] = { GDK_KEY_1, GDK_KEY_2, GDK_KEY_3 };
  SrWindow *window = open_shared_window ();
  GtkWidget *win = GTK_WIDGET (window);
  GtkWidget *dialog;

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      const char *page = pages[i];

      /* Alt+1/2/3 put the focus on the page's first control. */
      g_assert_true (press (win, alt_keys[i], GDK_ALT_MASK));
      g_assert_cmpstr (sr_window_get_content_page (window), ==, page);
      if (i == 2)
        sr_test_wait_until (sr_test_window_campaigns_ready, window, 30, "the Campaign Log");
      sr_test_spin (100);
      expect_where (window, page, IN_BAR);

      /* F6: content, sidebar, bar, content. */
      g_assert_true (press (win, GDK_KEY_F6, 0));
      expect_where (window, page, IN_CONTENT);
      g_assert_true (press (win, GDK_KEY_F6, 0));
      expect_where (window, page, IN_SIDEBAR);
      /* On the row of this page. */
      {
        g_autofree char *name = a11y_dup_name (GTK_ACCESSIBLE (focus_of (win)));
        const char *titles[] = { "Dashboard", "Messages Log", "Campaign Log" };

        g_assert_cmpstr (name, ==, titles[i]);
      }
      g_assert_true (press (win, GDK_KEY_F6, 0));
      expect_where (window, page, IN_BAR);
      g_assert_true (press (win, GDK_KEY_F6, 0));
      expect_where (window, page, IN_CONTENT);

      /* Shift+F6 goes back: bar, sidebar, content. */
      g_assert_true (press (win, GDK_KEY_F6, GDK_SHIFT_MASK));
      expect_where (window, page, IN_BAR);
      g_assert_true (press (win, GDK_KEY_F6, GDK_SHIFT_MASK));
      expect_where (window, page, IN_SIDEBAR);
      g_assert_true (press (win, GDK_KEY_F6, GDK_SHIFT_MASK));
      expect_where (window, page, IN_CONTENT);
    }

  /* Ctrl+? lists it. */
  g_assert_true (press (win, GDK_KEY_question, GDK_CONTROL_MASK));
  sr_test_spin (300);
  dialog = GTK_WIDGET (dialog_of (focus_of (win)));
  g_assert_true (SR_IS_SHORTCUTS_DIALOG (dialog));
  g_assert_true (shortcuts_row_titled (dialog, "Move to the sidebar, the filters or the list"));
  g_assert_true (shortcuts_row_titled (dialog, "Move back among the sidebar, the filters and the list"));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  sr_test_spin (300);

  sr_test_window_close (window);
}

/* --- signing in and exporting by keys --- */

static void
test_sign_in_by_keys (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-a11y-sign-in");
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  SrWindow *window;
  GtkWidget *win;
  GtkWidget *focus;
  SrSignInPage *page;

  window = sr_window_new_for_test (url, url, dir, NULL);
  win = GTK_WIDGET (window);
  sr_sign_in_page_set_urls (sr_window_get_sign_in_page (window), url, url);
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (sr_test_window_left_loading, window, 10, "the first page");
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  page = sr_window_get_sign_in_page (window);
  sr_test_spin (100);

  /* The focus is in the key field, which says what it is for. */
  focus = focus_of (win);
  g_assert_true (GTK_IS_TEXT (focus));
  g_assert_nonnull (gtk_widget_get_ancestor (focus, ADW_TYPE_PASSWORD_ENTRY_ROW));
  {
    g_autofree char *name = a11y_dup_name (GTK_ACCESSIBLE (gtk_widget_get_ancestor (focus, ADW_TYPE_PASSWORD_ENTRY_ROW)));

    g_assert_cmpstr (name, !=, "");
  }

  /* Type the key, Enter: checked, then signed in, with the focus in the
   * page. */
  type_text (win, sr_test_sandbox_get_api_key (shared_sandbox));
  g_assert_true (press (win, GDK_KEY_Return, 0));
  g_assert_true (sr_sign_in_page_get_busy (page));
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports after signing in");
  g_assert_null (sr_sign_in_page_get_error (page));
  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the first sync");
  sr_test_spin (200);
  focus = focus_of (win);
  g_assert_true (is_ancestor_or_self (focus, gtk_widget_get_ancestor (GTK_WIDGET (sr_window_get_dashboard_page (window)),
                                                                       GTK_TYPE_STACK)));

  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

/* GtkFileDialog: the portal's chooser where there is one (Flatpak), GTK's
 * own GtkFileChooserDialog otherwise, as in this test session. */
static GtkWindow *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (toplevel), "GtkFileChooserDialog") &&
          gtk_widget_get_mapped (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

static gboolean
file_chooser_shown (gpointer data)
{
  return find_file_chooser () != NULL;
}

static gboolean
focus_in_editable (gpointer data)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (data));

  return focus != NULL && GTK_IS_EDITABLE (focus);
}

static gboolean
export_done (gpointer data)
{
  return !sr_export_bar_get_running (data) &&
         (sr_export_bar_get_last_rows (data) >= 0 || sr_export_bar_get_last_error (data) != NULL);
}

static void
test_export_by_keys (void)
{
  SrWindow *window = open_shared_window ();
  GtkWidget *win = GTK_WIDGET (window);
  SrMessagesPage *messages = sr_window_get_messages_page (window);
  SrExportBar *bar = sr_messages_page_get_export_bar (messages);
  g_autofree char *dir = sr_test_make_tmpdir ("test-a11y-export");
  g_autofree char *path = g_build_filename (dir, "by-keys.csv", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *default_name = sr_export_bar_dup_default_name ("messages");
  GtkWindow *chooser;
  GtkWidget *focus;
  guint n_records = 0;

  /* Alt+2, Ctrl+E: the file chooser, focused on the file name. */
  g_assert_true (press (win, GDK_KEY_2, GDK_ALT_MASK));
  g_assert_true (press (win, GDK_KEY_e, GDK_CONTROL_MASK));
  sr_test_wait_until (file_chooser_shown, NULL, 20, "the file chooser");
  chooser = find_file_chooser ();
  g_assert_cmpstr (gtk_window_get_title (chooser), !=, NULL);
  sr_test_wait_until (focus_in_editable, chooser, 10, "the focus on the file name");
  focus = gtk_root_get_focus (GTK_ROOT (chooser));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (focus)), ==, default_name);
  {
    GtkWidget *entry = gtk_widget_get_ancestor (focus, GTK_TYPE_ENTRY);
    g_autofree char *name = a11y_dup_name (GTK_ACCESSIBLE (entry != NULL ? entry : focus));

    g_test_message ("file chooser \"%s\", name field \"%s\"", gtk_window_get_title (chooser), name);
  }

  /* Ctrl+A, type a path, Enter: exported. */
  g_assert_true (press (GTK_WIDGET (chooser), GDK_KEY_a, GDK_CONTROL_MASK));
  type_text (GTK_WIDGET (chooser), path);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (focus)), ==, path);
  g_assert_true (press (GTK_WIDGET (chooser), GDK_KEY_Return, 0));
  sr_test_wait_until (export_done, bar, 60, "the export");
  g_assert_null (sr_export_bar_get_last_error (bar));

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  /* Records: line breaks outside quotes (RFC 4180; a doubled quote
   * inside a field toggles twice). */
  {
    gboolean quoted = FALSE;

    for (const char *p = contents; *p != '\0'; p++)
      {
        if (*p == '"')
          quoted = !quoted;
        else if (*p == '\n' && !quoted)
          n_records++;
      }
  }
  g_assert_cmpint (sr_export_bar_get_last_rows (bar), ==,
                   g_list_model_get_n_items (G_LIST_MODEL (sr_messages_page_get_list (messages))));
  /* A header record and one per row. */
  g_assert_cmpuint (n_records, ==, sr_export_bar_get_last_rows (bar) + 1);

  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

/* --- the campaign window's Sort menu --- */

static gboolean
is_sort_button (GtkWidget *focus,
                gpointer   data)
{
  return is_ancestor_or_self (focus, data);
}

/* A menu item (GtkModelButton, labelled by its label) shows its "text". */
static gboolean
menu_item_named (GtkWidget *focus,
                 gpointer   data)
{
  g_autofree char *text = NULL;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (focus), "text") == NULL)
    return FALSE;
  g_object_get (focus, "text", &text, NULL);
  return g_strcmp0 (text, data) == 0;
}

static gboolean
focus_in_popover (gpointer data)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (data));

  return gtk_widget_get_visible (data) && focus != NULL && focus != data && gtk_widget_is_ancestor (focus, data);
}

static void
test_campaign_sort_by_keys (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  SrWindow *window = open_shared_window ();
  SrCampaignWindow *campaign_window;
  GtkWidget *win;
  GtkWidget *sort_button;
  GtkWidget *popover;
  SortWait wait = { NULL, SR_MESSAGE_SORT_COST, FALSE };

  campaigns = sr_cache_query_campaigns (shared_cache, NULL, SR_CAMPAIGN_SORT_CREATED, TRUE, 1, 0, &error);
  g_assert_no_error (error);
  campaign_window = sr_window_open_campaign (window, sr_campaign_get_id (g_ptr_array_index (campaigns, 0)));
  win = GTK_WIDGET (campaign_window);
  wait.list = sr_campaign_window_get_list (campaign_window);
  sr_test_wait_until (window_is_visible, campaign_window, 10, "the campaign window");
  sr_test_wait_until (list_ready, wait.list, 30, "the campaign's messages");
  sr_test_spin (200);

  /* Tab to Sort, Enter: its menu opens with the focus on its first item,
   * the first column. */
  sort_button = find_sort_button (win);
  g_assert_nonnull (sort_button);
  press_tab_to (win, is_sort_button, sort_button, "the Sort menu");
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (sort_button)));
  g_assert_true (press (win, GDK_KEY_Return, 0));
  sr_test_wait_until (focus_in_popover, popover, 10, "the focus in the Sort menu");
  g_assert_true (menu_item_named (focus_of (win), (gpointer) "Date"));
  gtk_popover_popdown (GTK_POPOVER (popover));
  sr_test_spin (100);

  /* The items, as in the Messages Log (main-flows): by cost, then
   * ascending. Arrow keys inside the open menu are not pressed here: under
   * Xvfb the focus now and then left the menu between two presses (seen
   * after 3 to 5 presses, window active, pointer outside the menu; cause
   * not found). */
  g_assert_true (gtk_widget_activate_action (sort_button, "sort.by", "i", SR_MESSAGE_SORT_COST));
  wait.descending = TRUE;
  sr_test_wait_until (list_sorted, &wait, 30, "the campaign's messages sorted by cost, descending");
  g_assert_true (gtk_widget_activate_action (sort_button, "sort.order", "s", "ascending"));
  wait.descending = FALSE;
  sr_test_wait_until (list_sorted, &wait, 30, "the campaign's messages sorted by cost, ascending");

  gtk_window_destroy (GTK_WINDOW (campaign_window));
  sr_test_window_close (window);
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
  sr_test_wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");
  sr_test_spin (200);
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
  g_assert_true (press (GTK_WIDGET (window), GDK_KEY_Home, 0));
  first_bar = sr_chart_dup_bar_text (chart, 0);
  description = a11y_dup_description (GTK_ACCESSIBLE (chart));
  g_assert_true (g_str_has_prefix (description, first_bar));
  g_clear_pointer (&description, g_free);

  g_assert_true (press (GTK_WIDGET (window), GDK_KEY_Right, 0));
  second_bar = sr_chart_dup_bar_text (chart, 1);
  description = a11y_dup_description (GTK_ACCESSIBLE (chart));
  g_assert_true (g_str_has_prefix (description, second_bar));

  /* A status click-through: the Messages Log opens with its first row
   * focused. */
  g_assert_true (sr_dashboard_page_activate_status (dashboard, SR_STATUS_DELIVERED));
  g_assert_cmpstr (sr_window_get_content_page (window), ==, "messages");
  sr_test_wait_until (focus_in_list, window, 30, "the focus on the first row of the result");

  sr_test_window_close (window);
}

/* --- large text --- */

/* The column titles of a column view that do not fit in their column
 * (GTK clips a title without an ellipsis); appends them to cut. */
static void
collect_cut_titles (GtkWidget *widget,
                    GtkWidget *title,
                    GString   *cut,
                    guint     *n_titles)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkColumnViewTitle"))
    title = widget;
  if (title != NULL && GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      graphene_rect_t bounds;
      int natural = 0;

      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      g_assert_true (gtk_widget_compute_bounds (widget, title, &bounds));
      (*n_titles)++;
      /* The whole text inside the column's title. */
      if (gtk_widget_get_width (widget) < natural ||
          bounds.origin.x + bounds.size.width > gtk_widget_get_width (title) + 0.5)
        g_string_append_printf (cut, " \"%s\" (%.0f px in a title of %d)", gtk_label_get_text (GTK_LABEL (widget)),
                                bounds.origin.x + bounds.size.width, gtk_widget_get_width (title));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cut_titles (child, title, cut, n_titles);
}

static void
test_large_text_column_titles (void)
{
  static const double scales[] = { 1.0, 1.5, 1.75, 2.0 };
  GtkSettings *settings = gtk_settings_get_default ();
  SrWindow *window = open_shared_window ();
  int dpi;

  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  if (dpi <= 0)
    dpi = 96 * 1024;

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      g_object_set (settings, "gtk-xft-dpi", (int) (dpi * scales[i]), NULL);
      /* Wide enough for the columns at this size (see test_screenshots). */
      gtk_widget_set_size_request (GTK_WIDGET (window), (int) (1200 * scales[i]), (int) (800 * scales[i]));

      for (guint page = 0; page < 2; page++)
        {
          const char *name = page == 0 ? "messages" : "campaigns";
          g_autoptr(GString) cut = g_string_new (NULL);
          GtkWidget *view = page == 0
            ? GTK_WIDGET (sr_message_view_get_column_view (sr_messages_page_get_view (sr_window_get_messages_page (window))))
            : GTK_WIDGET (sr_campaigns_page_get_column_view (sr_window_get_campaigns_page (window)));
          guint n_titles = 0;

          sr_window_show_content_page (window, name);
          if (page == 1)
            sr_test_wait_until (sr_test_window_campaigns_ready, window, 30, "the Campaign Log");
          /* The relayout at the new size. */
          sr_test_spin (500);
          g_assert_true (gtk_widget_get_mapped (view));
          collect_cut_titles (view, NULL, cut, &n_titles);
          g_test_message ("%s at %.2f times the text: %u titles, cut:%s", name, scales[i], n_titles,
                          cut->len > 0 ? cut->str : " none");
          g_assert_cmpuint (n_titles, >=, 7);
          g_assert_cmpuint (cut->len, ==, 0);
        }
    }

  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
  gtk_widget_set_size_request (GTK_WIDGET (window), -1, -1);
  sr_test_window_close (window);
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

static gboolean
stack_settled (gpointer data)
{
  return !gtk_stack_get_transition_running (data);
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
      static const char * const pages[] = { "dashboard", "messages", "campaigns" };

      g_object_set (settings, "gtk-xft-dpi", (int) (dpi * scales[i]), NULL);
      /* The same layout in sp: wider with the text, so the logs keep their
       * columns (below 820 sp they show rows). GTK keeps a default size
       * within the screen (Xvfb's is 1280 × 1024); a size request is not. */
      gtk_widget_set_size_request (GTK_WIDGET (window), (int) (1200 * scales[i]), (int) (800 * scales[i]));
      for (guint page = 0; page < G_N_ELEMENTS (pages); page++)
        {
          const char *name = pages[page];
          g_autofree char *file = g_strdup_printf ("%s-%s-text%.2f.png", name, style, scales[i]);
          g_autofree char *path = g_build_filename (dir, file, NULL);

          sr_window_show_content_page (window, name);
          /* The page switch and the new text size settle (a stack
           * transition, a relayout). */
          sr_test_spin (1000);
          sr_test_wait_until (stack_settled, gtk_widget_get_parent (page_widget (window, name)), 20,
                              "the end of the page's transition");
          sr_test_spin (500);
          save_window (GTK_WIDGET (window), path);
        }
    }
  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
  sr_test_window_close (window);
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
  sr_test_load_app_style ();

  shared_sandbox = sr_test_sandbox_start ("--messages", N_MESSAGES, "--campaigns", N_CAMPAIGNS, NULL);
  shared_dir = sr_test_make_tmpdir ("test-a11y");
  shared_cache = sr_test_sync_account (sr_test_sandbox_get_url (shared_sandbox),
                               sr_test_sandbox_get_api_key (shared_sandbox),
                               shared_dir);

  g_test_add_func ("/a11y/names/sign-in", test_names_sign_in);
  g_test_add_func ("/a11y/names/every-page-and-window", test_names_every_page_and_window);

  g_test_add_func ("/a11y/keyboard/tab-chain-leaves-lists", test_tab_chain_leaves_lists);

  g_test_add_func ("/a11y/keyboard/main-flows", test_keyboard_main_flows);
  g_test_add_func ("/a11y/keyboard/chart-bars-and-click-through", test_chart_bars_and_click_through);
  g_test_add_func ("/a11y/keyboard/dashboard-cards", test_dashboard_cards);
  g_test_add_func ("/a11y/keyboard/f6-regions", test_f6_regions);
  g_test_add_func ("/a11y/keyboard/sign-in", test_sign_in_by_keys);
  g_test_add_func ("/a11y/keyboard/export", test_export_by_keys);
  g_test_add_func ("/a11y/keyboard/campaign-sort", test_campaign_sort_by_keys);
  g_test_add_func ("/a11y/large-text/column-titles", test_large_text_column_titles);
  g_test_add_func ("/a11y/screenshots", test_screenshots);

  ret = g_test_run ();

  sr_cache_close (shared_cache);
  g_clear_object (&shared_cache);
  sr_test_remove_tree (shared_dir);
  g_clear_pointer (&shared_dir, g_free);
  g_clear_pointer (&shared_sandbox, sr_test_sandbox_free);

  return ret;
}
