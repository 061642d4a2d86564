/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-core.h: everything the app, the CLI and the tests use from the core.
 */
#pragma once

#include "sr-types.h"
#include "sr-enums.h"
#include "sr-status.h"
#include "sr-message.h"
#include "sr-campaign.h"
#include "sr-message-filter.h"
#include "sr-api-parse.h"
#include "sr-api-client.h"
#include "sr-cache.h"
#include "sr-cache-async.h"
#include "sr-sync.h"
#include "sr-credentials.h"
#include "sr-accounts.h"
#include "sr-message-list.h"
#include "sr-campaign-list.h"
#include "sr-csv.h"
#include "sr-countries.h"
#include "sr-insights.h"
#include "sr-export.h"
#include "sr-export-selection.h"
#include "sr-error-text.h"
#include "sr-campaign-index.h"
#include "sr-delivery-time.h"
#include "sr-message-search.h"
#include "sr-campaign-watch.h"
