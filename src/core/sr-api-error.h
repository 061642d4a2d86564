/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-api-error.h: the SR_API_ERROR domain, shared by the parser (which
 * reports bodies it cannot read) and the client (HTTP and network errors).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_API_ERROR (sr_api_error_quark ())
GQuark sr_api_error_quark (void);

typedef enum {
  SR_API_ERROR_UNAUTHORIZED,      /* 401/403, or a balance body without balance */
  SR_API_ERROR_RATE_LIMITED,      /* 429 after all retries */
  SR_API_ERROR_SERVER,            /* 5xx after all retries */
  SR_API_ERROR_NETWORK,           /* cannot connect, connection dropped, DNS, TLS */
  SR_API_ERROR_TIMEOUT,
  SR_API_ERROR_BAD_RESPONSE,      /* body not what the contract says */
  SR_API_ERROR_REQUEST,           /* other 4xx (400, 402, 404, 415, …) */
  SR_API_ERROR_INVALID_URL,       /* bad base URL, or plain http to a non-loopback host */
} SrApiError;

G_END_DECLS
