/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-api-error.c: the SR_API_ERROR domain.
 */

#include "config.h"

#include "sr-api-error.h"

G_DEFINE_QUARK (sr-api-error-quark, sr_api_error)
