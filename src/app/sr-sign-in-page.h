/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-sign-in-page.h: the first-run page: asks for the API key (or a client
 * ID and secret), checks it against the account API and emits "signed-in"
 * with the credential when SMS.to accepts it.
 */
#pragma once

#include <adwaita.h>

#include "sr-core.h"

G_BEGIN_DECLS

#define SR_TYPE_SIGN_IN_PAGE (sr_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (SrSignInPage, sr_sign_in_page, SR, SIGN_IN_PAGE, AdwBin)

GtkWidget  *sr_sign_in_page_new             (void);
/* Prefills the advanced address rows. */
void        sr_sign_in_page_set_urls        (SrSignInPage *self,
                                             const char   *api_url,
                                             const char   *auth_url);
/* Clears the key, the error and any check in flight. */
void        sr_sign_in_page_reset           (SrSignInPage *self);
void        sr_sign_in_page_focus_key       (SrSignInPage *self);
/* Shows a message above the form, e.g. why the user has to sign in again. */
void        sr_sign_in_page_set_notice      (SrSignInPage *self,
                                             const char   *notice);

/* "Add Account": asks for a name as well (checked against accounts before
 * the key is) and offers Cancel ("cancelled"). NULL: the first sign-in, or
 * signing in again. */
void        sr_sign_in_page_set_adding      (SrSignInPage *self,
                                             SrAccounts   *accounts);
gboolean    sr_sign_in_page_get_adding      (SrSignInPage *self);
/* Offers Cancel ("cancelled") without adding an account, e.g. when
 * signing in again can wait. Reset by sr_sign_in_page_set_adding(). */
void        sr_sign_in_page_set_can_cancel  (SrSignInPage *self,
                                             gboolean      can_cancel);
/* The name typed, without surrounding spaces. */
char       *sr_sign_in_page_dup_label       (SrSignInPage *self);
/* Shows an error below the form (e.g. the account is already added). */
void        sr_sign_in_page_show_error      (SrSignInPage *self,
                                             const GError *error);

/* For tests. */
void        sr_sign_in_page_set_label       (SrSignInPage *self,
                                             const char   *label);
void        sr_sign_in_page_set_key         (SrSignInPage *self,
                                             const char   *key);
/* Switches to "client ID and secret" and fills them in. */
void        sr_sign_in_page_set_client      (SrSignInPage *self,
                                             const char   *client_id,
                                             const char   *secret);
gboolean    sr_sign_in_page_get_use_client  (SrSignInPage *self);
void        sr_sign_in_page_submit          (SrSignInPage *self);
gboolean    sr_sign_in_page_get_busy        (SrSignInPage *self);
/* The inline error shown, or NULL; and the error it came from. */
const char *sr_sign_in_page_get_error_text  (SrSignInPage *self);
const GError *sr_sign_in_page_get_error     (SrSignInPage *self);

G_END_DECLS
