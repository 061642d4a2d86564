/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-sandbox.c: a fake SMS.to server for tests, the demo and benchmarks.
 *
 * It owns a generated account (deterministic from --seed) and serves it the
 * way docs/SMSTO-API.md describes, on one loopback port for both hosts. The
 * account is kept in one array of messages sorted by created_at; everything
 * that changes with time (status, updated_at, sent_at) is computed lazily
 * from a message's fixed timeline and the sandbox clock, so no request ever
 * rewrites the account. Orders other than created_at use permutations that
 * are built on first use and merged with new messages in live mode.
 *
 * See tests/sandbox/README.md for the options and the /_sandbox endpoints.
 */
#define G_LOG_DOMAIN "sr-sandbox"

#include "config.h"

#include <glib.h>
#include <glib-unix.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEVER               G_MAXUINT32
#define LEGACY_ID_BASE      G_GUINT64_CONSTANT (48000000)
#define ID_LEN              37
#define DEFAULT_LIMIT       15
#define DEFAULT_CAMP_LIMIT  100
#define LOCAL_OFFSET        (2 * 3600)   /* the account's customers live around UTC+2 */
/* The account is generated as if the history ended on a Friday at 18:00
 * local time, then shifted to end at the start time: so the same options
 * give the same account (ids, texts, statuses) whenever the sandbox starts. */
#define REFERENCE_START     G_GINT64_CONSTANT (1741968000)   /* 2025-03-14T16:00:00Z */
#define CALLBACK_URL        "https://hooks.example.com/smsto/status"

/* Status values in strcmp order, so that ordering by status is ordering by
 * the enum value. UNDELIVERED is not one of the nine documented statuses:
 * it is there so that clients meet a status they do not know. */
typedef enum
{
  ST_DELIVERED,
  ST_EXPIRED,
  ST_FAILED,
  ST_QUEUED,
  ST_REJECTED,
  ST_SCHEDULED,
  ST_SENDING,
  ST_SENT,
  ST_UNDELIVERED,
  ST_UNSUBSCRIBED,
  N_STATUSES
} Status;

static const char * const status_names[N_STATUSES] = {
  "DELIVERED", "EXPIRED", "FAILED", "QUEUED", "REJECTED",
  "SCHEDULED", "SENDING", "SENT", "UNDELIVERED", "UNSUBSCRIBED",
};

typedef enum
{
  ORDER_CREATED,
  ORDER_ID,
  ORDER_SENT,
  ORDER_SENDER,
  ORDER_IS_API,
  ORDER_STATUS,
  ORDER_COST,
  N_ORDERS
} OrderBy;

static const char * const order_names[N_ORDERS] = {
  "created_at", "id", "sent_at", "sender_id", "is_api", "status", "cost",
};

enum {
  MSG_IS_API   = 1 << 0,
  MSG_CALLBACK = 1 << 1,
};

enum {
  CAMP_IS_API   = 1 << 0,
  CAMP_CALLBACK = 1 << 1,
  CAMP_BYPASS   = 1 << 2,
};

/* One message's fixed facts; its status at any time follows from them. */
typedef struct
{
  gint64  created;        /* UTC seconds; the array is sorted on it */
  guint32 contact;
  gint32  campaign;       /* -1: a single send */
  guint32 sched_delay;    /* created → scheduled_for; 0: not scheduled */
  guint32 report_delay;   /* sent → final status; NEVER: stays SENT */
  guint16 queue_delay;    /* (scheduled_for or created) → SENDING */
  guint16 sending_delay;  /* SENDING → SENT */
  guint8  text;
  guint8  sender;
  guint8  parts;
  guint8  fate;           /* the final Status */
  guint8  reason;         /* index into failure_reasons, 0: none */
  guint8  flags;
} Message;

typedef struct
{
  gint64   created;
  gint64   scheduled_for;   /* 0: not scheduled */
  guint32  first;           /* into campaign_msgs */
  guint32  n_messages;
  gint64   total_cost;      /* 1e-4 currency units */
  gint64   estimated_cost;
  guint32  template_id;     /* 0: null */
  guint32  list_id;         /* 0: null */
  guint8   text;
  guint8   sender;
  guint8   flags;
  char    *search_key;      /* owned; casefolded id, sender and message */

  /* counters at counters_at, recomputed when the clock moved */
  gint64   counters_at;
  guint32  delivered;
  guint32  failed;
  guint32  pending;
  guint32  sent;
  gint64   updated;
} Campaign;

typedef struct
{
  char    number[20];      /* digits without '+' */
  guint8  country;
} Contact;

typedef struct
{
  const char *iso;
  const char *cc;
  const char *prefixes[5];
  guint       n_prefixes;
  guint       rest_digits;
  guint       price;          /* per part, 1e-4 currency units */
  guint       weight;
  guint       fate_class;
} Country;

enum { FATE_EU, FATE_US, FATE_EMERGING, N_FATE_CLASSES };

static const Country countries[] = {
  { "CY", "357", { "99", "96", "97" }, 3, 6, 350, 260, FATE_EU },
  { "GR", "30", { "69" }, 1, 8, 420, 220, FATE_EU },
  { "GB", "44", { "7" }, 1, 9, 380, 110, FATE_EU },
  { "DE", "49", { "151", "160", "176" }, 3, 8, 790, 80, FATE_EU },
  { "FR", "33", { "6", "7" }, 2, 8, 690, 70, FATE_EU },
  { "US", "1", { "2", "3", "4", "6", "9" }, 5, 9, 95, 80, FATE_US },
  { "IN", "91", { "6", "7", "8", "9" }, 4, 9, 45, 50, FATE_EMERGING },
  { "NG", "234", { "803", "806", "813", "703", "903" }, 5, 7, 2650, 40, FATE_EMERGING },
  { "AE", "971", { "50", "52", "55", "56" }, 4, 7, 310, 20, FATE_EU },
  { "AU", "61", { "4" }, 1, 8, 520, 20, FATE_EU },
};

/* Per mille, in the order DELIVERED, SENT (never confirmed), EXPIRED,
 * FAILED, REJECTED, UNSUBSCRIBED, UNDELIVERED. */
static const Status fate_statuses[] = {
  ST_DELIVERED, ST_SENT, ST_EXPIRED, ST_FAILED, ST_REJECTED, ST_UNSUBSCRIBED, ST_UNDELIVERED,
};
static const guint fate_weights[N_FATE_CLASSES][G_N_ELEMENTS (fate_statuses)] = {
  [FATE_EU]       = { 822, 40, 25, 60, 35, 15, 3 },
  [FATE_US]       = { 703, 170, 15, 50, 40, 20, 2 },
  [FATE_EMERGING] = { 717, 60, 70, 100, 35, 10, 8 },
};

/* Sender ids in strcmp order, so that ordering by sender_id is ordering by
 * index (checked at startup). */
static const char * const senders[] = {
  "+35799000111", "Bank", "CoffeeLab", "EventsCY", "GymFit", "Kafeneio", "MyShop", "SMSto", "Verify",
};
static const guint8 single_senders[] = { 1, 6, 7, 8 };
static const guint8 campaign_senders[] = { 0, 2, 3, 4, 5, 6 };

/* "{code}" is replaced by a per-message six-digit number. Single sends use
 * the first N_SINGLE_TEXTS, campaigns the rest. The texts carry what an
 * export must survive: Greek, emoji, commas, quotes, newlines, long texts. */
#define N_SINGLE_TEXTS 8
static const char * const texts[] = {
  "Your verification code is {code}. It expires in 10 minutes.",
  "Ο κωδικός επαλήθευσης σας είναι {code}",
  "Your order #{code} has shipped. Track it at https://shop.example/track",
  "Reminder: your appointment is tomorrow at 10:30, reply \"C\" to confirm or \"R\" to reschedule.",
  "Bank alert: a payment of EUR 1,249.00 was made, reference {code}.\nNot you? Call +357 22 000000.",
  "Γεια σας! Η παραγγελία σας #{code} είναι έτοιμη για παραλαβή 📦",
  "Login code: {code}\nDon't share it with anyone, not even with us.",
  "Pickup code {code} — ευχαριστούμε!",
  "Summer sale! 30% off everything this weekend only, use code SUN30. Reply STOP to opt out.",
  "Καλοκαιρινές εκπτώσεις έως 50%! Σας περιμένουμε στο κατάστημα 🛍️ Για διαγραφή απαντήστε STOP",
  "Happy Friday ☕ Your next coffee is on us: show this SMS at any CoffeeLab, valid until Sunday.",
  "Don't miss \"Jazz Night\" at the Old Port, Saturday 21:00.\nTickets: https://events.example/jazz\nSee you there!",
  "Dear customer, we are changing our opening hours from next Monday: weekdays 08:00-20:00, Saturdays 09:00-14:00, "
  "Sundays closed. Our online shop stays open around the clock, with free delivery on orders over 30 EUR. Thank you "
  "for shopping with us, and see you soon!",
  "New classes, new you! Join GymFit in January and get 2 months free, no contract, no \"hidden\" fees.",
  "Χρόνια πολλά! 🎂 Δώρο από το Καφενείο: ένας δωρεάν καφές, μέχρι το τέλος του μήνα.",
  "Your account statement is ready.\nLog in to view it, or call us on +357 22 123456 (Mon–Fri, 9:00–17:00).",
  "Flash sale: 2 for 1 on all pizzas tonight, order at https://pizza.example, min. order €10",
  "Reminder, your subscription renews on the 1st; questions? Reply HELP, or write to \"support@example.com\".",
};

/* index 0 means "none" */
static const char * const failure_reasons[] = {
  NULL,
  "Unknown Subscriber",
  "Absent Subscriber",
  "Memory Capacity Exceeded",
  "Call Barred",
  "System Failure",
  "Network error",
  "Unknown Base Station",
  "Equipment protocol Error",
  "Equipment not equipped for SM",
  "Unidentified Subscriber",
  "Illegal Subscriber",
  "Teleservice Not Provisioned",
  "Illegal Equipment",
  "1 - Unknown Subscriber",
  "Destination network rejected the message (0x0b)",
  "Invalid Number",
  "Insufficient balance",
  "Internal server error",
};
static const guint failed_reason_weights[] = {
  0, 30, 22, 6, 8, 8, 4, 3, 2, 2, 4, 2, 3, 1, 3, 3, 0, 0, 0,
};
static const guint rejected_reason_weights[] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 80, 12, 8,
};

/* Local hours (UTC+2) at which things happen. */
static const double api_hour_weights[24] = {
  0.15, 0.10, 0.07, 0.05, 0.05, 0.08, 0.20, 0.45, 0.75, 0.95, 1.00, 1.00,
  0.95, 0.90, 0.90, 0.92, 0.95, 0.90, 0.85, 0.75, 0.60, 0.45, 0.30, 0.20,
};
static const double campaign_hour_weights[24] = {
  0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.05, 0.40, 0.90, 1.00, 1.00,
  0.80, 0.60, 0.70, 0.80, 0.90, 1.00, 0.90, 0.70, 0.40, 0.10, 0.02, 0.00,
};

typedef struct
{
  /* options */
  int       port;
  char     *api_key;
  char     *client_id;        /* POST /oauth/token */
  char     *client_secret;
  gint64    seed;
  int       n_messages;
  int       n_campaigns;
  int       days;
  int       max_per_page;
  gboolean  live;
  gboolean  manual_clock;
  int       live_rate;
  int       latency_ms;
  double    fail_rate;
  double    drop_rate;
  int       rate_limit;
  gboolean  retry_after;
  int       malformed_page;
  int       malformed_times;
  char     *variant;
  double    balance;
  double    live_fail;        /* POST /_sandbox/delivery: share of new live messages that fail */
  char     *currency;
  char     *now_str;
  /* the unknowns of the real API (README, "Unknowns") */
  gboolean  ignore_page;
  char     *filter_timezone;
  int       filter_offset_s;  /* parsed --filter-timezone, seconds east of UTC */
  int       burst;
  char     *hostile;
} Options;

static Options opts = {
  .api_key = NULL,
  .seed = 42,
  .n_messages = 50000,
  .n_campaigns = 300,
  .days = 90,
  .max_per_page = 1000,
  .live_rate = 60,
  .retry_after = TRUE,
  .malformed_times = 1,
  .balance = 1250.75,
};

typedef struct
{
  gboolean       legacy;
  char          *base_url;
  guint32        user_id;

  GArray        *messages;         /* Message, sorted by created */
  Contact       *contacts;
  guint          n_contacts;
  Campaign      *campaigns;        /* sorted by created */
  guint          n_campaigns;
  guint32       *campaign_msgs;    /* message indices per campaign, in created order */

  /* per-text facts, computed at startup */
  char          *text_json_prefix[G_N_ELEMENTS (texts)];
  char          *text_json_suffix[G_N_ELEMENTS (texts)];
  gboolean       text_has_code[G_N_ELEMENTS (texts)];
  guint8         text_parts[G_N_ELEMENTS (texts)];

  guint64        id_salt;
  guint64        campaign_salt;
  guint64        code_salt;
  guint64        fault_salt;
  guint16        id_node;

  /* clock */
  gint64         start;            /* history ends here */
  gint64         shift;            /* start - REFERENCE_START */
  gint64         offset;           /* moved by /_sandbox/advance */
  gint64         mono_start;
  gint64         now;
  guint64        n_live;           /* live messages appended so far */

  guint32       *perm[N_ORDERS];   /* owned; ascending orders, built lazily */
  guint          perm_len[N_ORDERS];

  /* faults and counters */
  guint64        n_requests;
  guint64        n_faults;
  guint64        n_dropped;
  guint64        n_failed;
  guint64        n_rate_limited;
  guint64        n_malformed;
  int            malformed_served;
  double         tokens;
  gint64         tokens_at;

  /* OAuth: JWT → expiry on the sandbox clock (seconds; 0 = never) */
  GHashTable    *jwts;
  guint64        n_jwts_issued;
  guint64        n_jwts_refused;
  guint64        n_jwts_expired;   /* requests refused for an expired JWT */

  SoupServer    *server;
  GMainLoop     *loop;
} Sandbox;

#define MSG(sb, i) (&g_array_index ((sb)->messages, Message, (i)))

/* ---- randomness --------------------------------------------------------- */

typedef struct { guint64 s; } Rng;

static inline guint64
rng_next (Rng *r)
{
  guint64 z = (r->s += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint32
rng_below (Rng    *r,
           guint32 n)
{
  return (guint32) (((rng_next (r) >> 32) * (guint64) n) >> 32);
}

static inline double
rng_double (Rng *r)
{
  return (double) (rng_next (r) >> 11) * (1.0 / 9007199254740992.0);
}

static guint
rng_weighted (Rng         *r,
              const guint *weights,
              guint        n)
{
  guint total = 0;
  guint pick;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  pick = rng_below (r, total);
  for (guint i = 0; i < n; i++)
    {
      if (pick < weights[i])
        return i;
      pick -= weights[i];
    }
  return n - 1;
}

static double
rng_log_uniform (Rng    *r,
                 double  lo,
                 double  hi)
{
  return exp (log (lo) + rng_double (r) * (log (hi) - log (lo)));
}

#define FMIX_C1 G_GUINT64_CONSTANT (0xff51afd7ed558ccd)
#define FMIX_C2 G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53)

/* A bijection on 64-bit values: ids are fmix64 (index ^ salt), so they are
 * unique, look random, and can be turned back into an index. */
static inline guint64
fmix64 (guint64 x)
{
  x ^= x >> 33;
  x *= FMIX_C1;
  x ^= x >> 33;
  x *= FMIX_C2;
  x ^= x >> 33;
  return x;
}

static guint64
mul_inverse (guint64 a)
{
  guint64 x = a;

  for (int i = 0; i < 6; i++)
    x *= 2 - a * x;
  return x;
}

static guint64
fmix64_inverse (guint64 x)
{
  static guint64 inv1, inv2;

  if (inv1 == 0)
    {
      inv1 = mul_inverse (FMIX_C1);
      inv2 = mul_inverse (FMIX_C2);
    }
  x ^= x >> 33;
  x *= inv2;
  x ^= x >> 33;
  x *= inv1;
  x ^= x >> 33;
  return x;
}

/* ---- time --------------------------------------------------------------- */

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

/* Howard Hinnant's civil calendar algorithms (proleptic Gregorian). */
static gint64
days_from_civil (gint64 y,
                 int    m,
                 int    d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = floor_div (y, 400);
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64  z,
                 gint64 *out_y,
                 int    *out_m,
                 int    *out_d)
{
  gint64 era, doe, yoe, y, doy, mp;
  int d, m;

  z += 719468;
  era = floor_div (z, 146097);
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = (int) (doy - (153 * mp + 2) / 5 + 1);
  m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *out_y = y + (m <= 2);
  *out_m = m;
  *out_d = d;
}

static inline void
put2 (char *p,
      int   v)
{
  p[0] = (char) ('0' + v / 10);
  p[1] = (char) ('0' + v % 10);
}

/* "2022-02-01T07:29:59.000000Z" (iso) or "2022-02-01 07:29:59"; returns
 * the length written, buf must hold 32 bytes. */
static gsize
format_time (char     *buf,
             gint64    t,
             gboolean  iso)
{
  gint64 days = floor_div (t, 86400);
  gint64 secs = t - days * 86400;
  gint64 y;
  int m, d;

  civil_from_days (days, &y, &m, &d);
  if (y < 0 || y > 9999)
    y = CLAMP (y, 0, 9999);
  put2 (buf, (int) (y / 100));
  put2 (buf + 2, (int) (y % 100));
  buf[4] = '-';
  put2 (buf + 5, m);
  buf[7] = '-';
  put2 (buf + 8, d);
  buf[10] = iso ? 'T' : ' ';
  put2 (buf + 11, (int) (secs / 3600));
  buf[13] = ':';
  put2 (buf + 14, (int) (secs / 60 % 60));
  buf[16] = ':';
  put2 (buf + 17, (int) (secs % 60));
  if (!iso)
    {
      buf[19] = '\0';
      return 19;
    }
  memcpy (buf + 19, ".000000Z", 9);
  return 27;
}

static gint64
year_of (gint64 t)
{
  gint64 y;
  int m, d;

  civil_from_days (floor_div (t, 86400), &y, &m, &d);
  return y;
}

static gboolean
parse_digits (const char **p,
              int          n,
              int         *out)
{
  int v = 0;

  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *out = v;
  return TRUE;
}

/* Accepts "Y-m-d H:i:s" (the contract), "Y-m-d", and ISO 8601 with "T",
 * optional seconds, fraction and zone. Times without zone are UTC. Created
 * times are whole seconds, so a lower bound with a fraction rounds up. */
static gboolean
parse_time_param (const char *str,
                  gboolean    lower_bound,
                  gint64     *out)
{
  const char *p = str;
  int y, mo, d, h = 0, mi = 0, s = 0;
  gboolean frac = FALSE;
  gint64 t;

  while (*p == ' ')
    p++;
  if (!parse_digits (&p, 4, &y) || *p++ != '-' ||
      !parse_digits (&p, 2, &mo) || *p++ != '-' ||
      !parse_digits (&p, 2, &d))
    return FALSE;
  if (mo < 1 || mo > 12 || d < 1 || d > 31)
    return FALSE;
  if (*p == ' ' || *p == 'T' || *p == 't')
    {
      p++;
      if (!parse_digits (&p, 2, &h) || *p++ != ':' || !parse_digits (&p, 2, &mi))
        return FALSE;
      if (*p == ':')
        {
          p++;
          if (!parse_digits (&p, 2, &s))
            return FALSE;
          if (*p == '.' || *p == ',')
            {
              p++;
              if (!g_ascii_isdigit (*p))
                return FALSE;
              while (g_ascii_isdigit (*p))
                {
                  if (*p != '0')
                    frac = TRUE;
                  p++;
                }
            }
        }
      if (h > 23 || mi > 59 || s > 60)
        return FALSE;
    }
  t = days_from_civil (y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  if (*p == 'Z' || *p == 'z')
    p++;
  else if (*p != '+' && *p != '-')
    t -= opts.filter_offset_s;   /* no zone: read in the server's zone */
  else if (*p == '+' || *p == '-')
    {
      int sign = *p == '-' ? -1 : 1;
      int oh, om = 0;

      p++;
      if (!parse_digits (&p, 2, &oh))
        return FALSE;
      if (*p == ':')
        p++;
      if (g_ascii_isdigit (*p) && !parse_digits (&p, 2, &om))
        return FALSE;
      t -= sign * (oh * 3600 + om * 60);
    }
  while (*p == ' ')
    p++;
  if (*p != '\0')
    return FALSE;
  if (frac && lower_bound)
    t++;
  *out = t;
  return TRUE;
}

/* ---- JSON writing ------------------------------------------------------- */

static void
append_json_escaped (GString    *s,
                     const char *str)
{
  const char *run = str;
  const char *p;

  for (p = str; *p; p++)
    {
      guchar c = (guchar) *p;
      const char *esc = NULL;
      char ubuf[8];

      if (c == '"')
        esc = "\\\"";
      else if (c == '\\')
        esc = "\\\\";
      else if (c == '\n')
        esc = "\\n";
      else if (c == '\r')
        esc = "\\r";
      else if (c == '\t')
        esc = "\\t";
      else if (c < 0x20)
        {
          g_snprintf (ubuf, sizeof ubuf, "\\u%04x", c);
          esc = ubuf;
        }
      if (esc != NULL)
        {
          g_string_append_len (s, run, p - run);
          g_string_append (s, esc);
          run = p + 1;
        }
    }
  g_string_append_len (s, run, p - run);
}

/* Strings that come from requests may not be UTF-8. */
static void
append_json_string (GString    *s,
                    const char *str)
{
  if (str == NULL)
    {
      g_string_append (s, "null");
      return;
    }
  g_string_append_c (s, '"');
  if (g_utf8_validate (str, -1, NULL))
    append_json_escaped (s, str);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (str, -1);

      append_json_escaped (s, valid);
    }
  g_string_append_c (s, '"');
}

static void
append_money (GString  *s,
              gint64    units,
              gboolean  quoted)
{
  if (quoted)
    g_string_append_c (s, '"');
  g_string_append_printf (s, "%" G_GINT64_FORMAT ".%04d", units / 10000, (int) (units % 10000));
  if (quoted)
    g_string_append_c (s, '"');
}

static void
append_time (GString  *s,
             gint64    t,
             gboolean  iso)
{
  char buf[32];
  gsize len = format_time (buf, t, iso);

  g_string_append_c (s, '"');
  g_string_append_len (s, buf, len);
  g_string_append_c (s, '"');
}

static void
append_bool (GString  *s,
             gboolean  value,
             gboolean  legacy)
{
  if (legacy)
    g_string_append_c (s, value ? '1' : '0');
  else
    g_string_append (s, value ? "true" : "false");
}

/* ---- texts -------------------------------------------------------------- */

/* GSM 03.38 basic set; the extension set counts twice. */
static const char gsm_basic[] =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
static const char gsm_extension[] = "^{}\\[~]|€\f";

static guint
count_parts (const char *text)
{
  gboolean gsm = TRUE;
  guint gsm_len = 0, ucs2_len = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      char buf[8] = { 0 };

      g_unichar_to_utf8 (c, buf);
      ucs2_len += c > 0xffff ? 2 : 1;
      if (strstr (gsm_basic, buf) != NULL)
        gsm_len += 1;
      else if (strstr (gsm_extension, buf) != NULL)
        gsm_len += 2;
      else
        gsm = FALSE;
    }
  if (gsm)
    return gsm_len <= 160 ? 1 : (gsm_len + 152) / 153;
  return ucs2_len <= 70 ? 1 : (ucs2_len + 66) / 67;
}

static void
sandbox_init_texts (Sandbox *sb)
{
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      const char *code = strstr (texts[i], "{code}");
      g_autoptr(GString) prefix = g_string_new (NULL);
      g_autoptr(GString) suffix = g_string_new (NULL);
      g_autofree char *sample = NULL;

      if (code != NULL)
        {
          g_autofree char *head = g_strndup (texts[i], code - texts[i]);

          append_json_escaped (prefix, head);
          append_json_escaped (suffix, code + strlen ("{code}"));
          sample = g_strdup_printf ("%s123456%s", head, code + strlen ("{code}"));
        }
      else
        {
          append_json_escaped (prefix, texts[i]);
          sample = g_strdup (texts[i]);
        }
      sb->text_has_code[i] = code != NULL;
      sb->text_json_prefix[i] = g_string_free (g_steal_pointer (&prefix), FALSE);
      sb->text_json_suffix[i] = g_string_free (g_steal_pointer (&suffix), FALSE);
      sb->text_parts[i] = (guint8) count_parts (sample);
    }
}

/* ---- ids ---------------------------------------------------------------- */

static const char hex_digits[] = "0123456789abcdef";

static void
put_hex4 (char    *p,
          guint    v)
{
  p[0] = hex_digits[(v >> 12) & 0xf];
  p[1] = hex_digits[(v >> 8) & 0xf];
  p[2] = hex_digits[(v >> 4) & 0xf];
  p[3] = hex_digits[v & 0xf];
}

/* Shaped like SMS.to's ids ("11ec-8330-c5a4-4d2e-a3e8-0242ac120002"): the
 * first group follows the creation year like a UUIDv1 time field, the next
 * four are a bijection of the index, the last is a node id. Lower-case
 * fixed-width hex, so strcmp order is (group1, hash) order. */
static guint
id_group1 (gint64 created)
{
  gint64 y = CLAMP (year_of (created), 2010, 2100);

  return (guint) (0x11e0 + (y - 2010));
}

static void
format_id (char    *buf,
           guint    group1,
           guint64  h,
           guint    node_hi,
           guint    node_lo)
{
  put_hex4 (buf, group1);
  buf[4] = '-';
  put_hex4 (buf + 5, (guint) (h >> 48) & 0xffff);
  buf[9] = '-';
  put_hex4 (buf + 10, (guint) (h >> 32) & 0xffff);
  buf[14] = '-';
  put_hex4 (buf + 15, (guint) (h >> 16) & 0xffff);
  buf[19] = '-';
  put_hex4 (buf + 20, (guint) h & 0xffff);
  buf[24] = '-';
  memcpy (buf + 25, "0242", 4);
  put_hex4 (buf + 29, node_hi);
  put_hex4 (buf + 33, node_lo);
  buf[ID_LEN] = '\0';
}

static inline guint64
message_hash (const Sandbox *sb,
              guint32        idx)
{
  return fmix64 ((guint64) idx ^ sb->id_salt);
}

static void
format_message_id (const Sandbox *sb,
                   guint32        idx,
                   char          *buf)
{
  format_id (buf, id_group1 (MSG (sb, idx)->created - sb->shift), message_hash (sb, idx), 0xac12, sb->id_node);
}

static void
format_campaign_id (const Sandbox *sb,
                    guint32        idx,
                    char          *buf)
{
  format_id (buf, id_group1 (sb->campaigns[idx].created - sb->shift),
             fmix64 ((guint64) idx ^ sb->campaign_salt), 0xac13, sb->id_node);
}

/* Parses the hash groups of an id; the caller checks the result by
 * formatting the candidate again. */
static gboolean
parse_id_hash (const char *id,
               guint64    *out_h)
{
  guint64 h = 0;

  if (strlen (id) != ID_LEN || id[4] != '-' || id[9] != '-' || id[14] != '-' ||
      id[19] != '-' || id[24] != '-')
    return FALSE;
  for (int g = 1; g <= 4; g++)
    for (int i = 0; i < 4; i++)
      {
        int v = g_ascii_xdigit_value (id[g * 5 + i]);

        if (v < 0)
          return FALSE;
        h = (h << 4) | (guint64) v;
      }
  *out_h = h;
  return TRUE;
}

/* Returns the message index for an id (the v2 string, or in the legacy
 * variant also the numeric id), or -1. */
static gint64
sandbox_find_message (const Sandbox *sb,
                      const char    *id)
{
  guint64 h, idx;
  char buf[ID_LEN + 1];

  if (sb->legacy && id[0] != '\0' && strspn (id, "0123456789") == strlen (id))
    {
      guint64 num;

      if (!g_ascii_string_to_unsigned (id, 10, 0, G_MAXUINT64, &num, NULL) ||
          num < LEGACY_ID_BASE || num - LEGACY_ID_BASE >= sb->messages->len)
        return -1;
      return (gint64) (num - LEGACY_ID_BASE);
    }
  if (!parse_id_hash (id, &h))
    return -1;
  idx = fmix64_inverse (h) ^ sb->id_salt;
  if (idx >= sb->messages->len)
    return -1;
  format_message_id (sb, (guint32) idx, buf);
  if (g_ascii_strcasecmp (buf, id) != 0)
    return -1;
  return (gint64) idx;
}

static gint64
sandbox_find_campaign (const Sandbox *sb,
                       const char    *id)
{
  guint64 h, idx;
  char buf[ID_LEN + 1];

  if (!parse_id_hash (id, &h))
    return -1;
  idx = fmix64_inverse (h) ^ sb->campaign_salt;
  if (idx >= sb->n_campaigns)
    return -1;
  format_campaign_id (sb, (guint32) idx, buf);
  if (g_ascii_strcasecmp (buf, id) != 0)
    return -1;
  return (gint64) idx;
}

/* ---- message timeline --------------------------------------------------- */

static inline gboolean
fate_is_unsent (guint8 fate)
{
  return fate == ST_REJECTED || fate == ST_UNSUBSCRIBED;
}

/* When the message is (or will be) handed to the network; G_MAXINT64 for
 * messages that are never sent. */
static inline gint64
message_sent_time (const Message *m)
{
  if (fate_is_unsent (m->fate))
    return G_MAXINT64;
  return m->created + m->sched_delay + m->queue_delay + m->sending_delay;
}

/* The status at time now, with when it last changed and when the message was
 * sent (-1: not yet, sent_at is null). */
static inline Status
message_state (const Message *m,
               gint64         now,
               gint64        *out_updated,
               gint64        *out_sent)
{
  gint64 t = m->created;
  gint64 queued_at = m->created;
  gint64 sending_at, sent;
  gint64 updated;
  Status st;

  if (out_sent != NULL)
    *out_sent = -1;
  if (fate_is_unsent (m->fate))
    {
      st = m->fate;
      updated = m->created;
      goto out;
    }
  if (m->sched_delay > 0)
    {
      t += m->sched_delay;
      queued_at = t;
      if (now < t)
        {
          st = ST_SCHEDULED;
          updated = m->created;
          goto out;
        }
    }
  sending_at = t + m->queue_delay;
  if (now < sending_at)
    {
      st = ST_QUEUED;
      updated = queued_at;
      goto out;
    }
  sent = sending_at + m->sending_delay;
  if (now < sent)
    {
      st = ST_SENDING;
      updated = sending_at;
      goto out;
    }
  if (out_sent != NULL)
    *out_sent = sent;
  if (m->report_delay == NEVER || now < sent + m->report_delay)
    {
      st = ST_SENT;
      updated = sent;
      goto out;
    }
  st = m->fate;
  updated = sent + m->report_delay;

out:
  if (out_updated != NULL)
    *out_updated = updated;
  return st;
}

static inline Status
message_status (const Message *m,
                gint64         now)
{
  return message_state (m, now, NULL, NULL);
}

static inline gint64
message_cost (const Sandbox *sb,
              const Message *m)
{
  if (fate_is_unsent (m->fate))
    return 0;
  return (gint64) countries[sb->contacts[m->contact].country].price * m->parts;
}

/* ---- generation --------------------------------------------------------- */

static gint64
sample_time (Rng          *rng,
             gint64        from,
             gint64        to,
             const double *hour_weights,
             double        weekend_weight)
{
  guint64 span;

  if (to <= from)
    return from;
  span = (guint64) (to - from);
  for (int tries = 0; ; tries++)
    {
      gint64 t = from + (gint64) (rng_next (rng) % span);
      gint64 local = t + LOCAL_OFFSET;
      gint64 day = floor_div (local, 86400);
      int hour = (int) ((local - day * 86400) / 3600);
      int dow = (int) ((day % 7 + 7 + 4) % 7);   /* 0: Sunday */
      double w = hour_weights[hour];

      if (dow == 0 || dow == 6)
        w *= weekend_weight;
      w *= 0.7 + 0.6 * (double) (t - from) / (double) span;  /* the account grows */
      if (tries > 64 || rng_double (rng) * 1.3 < w)
        return t;
    }
}

static guint8
draw_fate (Rng    *rng,
           guint   fate_class)
{
  return (guint8) fate_statuses[rng_weighted (rng, fate_weights[fate_class], G_N_ELEMENTS (fate_statuses))];
}

static void
draw_outcome (Rng     *rng,
              Message *m,
              guint    fate_class)
{
  m->fate = draw_fate (rng, fate_class);
  m->sending_delay = (guint16) (1 + rng_below (rng, 8));
  switch (m->fate)
    {
    case ST_DELIVERED:
      {
        guint32 r = rng_below (rng, 100);

        if (r < 85)
          m->report_delay = (guint32) rng_log_uniform (rng, 3, 600);
        else if (r < 98)
          m->report_delay = (guint32) rng_log_uniform (rng, 600, 3 * 3600);
        else
          m->report_delay = (guint32) rng_log_uniform (rng, 3 * 3600, 30 * 3600);
      }
      break;
    case ST_FAILED:
      m->report_delay = (guint32) rng_log_uniform (rng, 2, 2 * 3600);
      m->reason = (guint8) rng_weighted (rng, failed_reason_weights, G_N_ELEMENTS (failed_reason_weights));
      break;
    case ST_UNDELIVERED:
      m->report_delay = (guint32) rng_log_uniform (rng, 600, 12 * 3600);
      m->reason = rng_below (rng, 2) ? 2 : 0;
      break;
    case ST_EXPIRED:
      m->report_delay = 24 * 3600 + rng_below (rng, 48 * 3600);
      break;
    case ST_SENT:
      m->report_delay = NEVER;
      break;
    case ST_REJECTED:
      m->report_delay = 0;
      m->reason = (guint8) rng_weighted (rng, rejected_reason_weights, G_N_ELEMENTS (rejected_reason_weights));
      break;
    case ST_UNSUBSCRIBED:
    default:
      m->report_delay = 0;
      break;
    }
}

static void
sandbox_init_contacts (Sandbox *sb,
                       Rng     *rng)
{
  guint weights[G_N_ELEMENTS (countries)];

  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    weights[i] = countries[i].weight;
  sb->n_contacts = CLAMP ((guint) opts.n_messages / 6, 100, 300000);
  sb->contacts = g_new0 (Contact, sb->n_contacts);
  for (guint i = 0; i < sb->n_contacts; i++)
    {
      Contact *c = &sb->contacts[i];
      guint ci = rng_weighted (rng, weights, G_N_ELEMENTS (countries));
      const Country *co = &countries[ci];
      const char *prefix = co->prefixes[rng_below (rng, co->n_prefixes)];
      gsize len;

      c->country = (guint8) ci;
      len = g_strlcpy (c->number, co->cc, sizeof c->number);
      len += g_strlcpy (c->number + len, prefix, sizeof c->number - len);
      for (guint d = 0; d < co->rest_digits && len + 1 < sizeof c->number; d++)
        c->number[len++] = (char) ('0' + rng_below (rng, 10));
      c->number[len] = '\0';
    }
}

/* A single send (API, or now and then a quick send from the web). Used for
 * the history and for live arrivals. */
static void
init_single_message (Sandbox *sb,
                     Rng     *rng,
                     Message *m,
                     gint64   created)
{
  double u = rng_double (rng);
  guint text = rng_below (rng, N_SINGLE_TEXTS);

  memset (m, 0, sizeof *m);
  m->created = created;
  m->campaign = -1;
  /* a few contacts get most of the one-time codes */
  m->contact = (guint32) ((double) sb->n_contacts * u * u * u);
  m->contact = MIN (m->contact, sb->n_contacts - 1);
  m->text = (guint8) text;
  m->parts = sb->text_parts[text];
  m->sender = single_senders[rng_below (rng, G_N_ELEMENTS (single_senders))];
  if (text == 0 || text == 1 || text == 6)
    m->sender = 8;    /* Verify */
  m->flags = rng_below (rng, 100) < 95 ? MSG_IS_API : 0;
  if (rng_below (rng, 100) < 30)
    m->flags |= MSG_CALLBACK;
  if (rng_below (rng, 100) < 2)
    m->sched_delay = 600 + rng_below (rng, 24 * 3600);
  m->queue_delay = (guint16) rng_below (rng, 5);
  draw_outcome (rng, m, countries[sb->contacts[m->contact].country].fate_class);
}

typedef struct
{
  gint64  t0;
  guint32 size;
  guint32 rate;         /* messages created per second */
  guint32 throughput;   /* messages handed to SENDING per second */
  gint64  scheduled_for;
  guint32 list_start;
  guint   order;        /* generation slot, for stable sorting */
} CampaignPlan;

static int
campaign_plan_compare (const void *a,
                       const void *b)
{
  const CampaignPlan *pa = a, *pb = b;

  if (pa->t0 != pb->t0)
    return pa->t0 < pb->t0 ? -1 : 1;
  return pa->order < pb->order ? -1 : (pa->order > pb->order);
}

static double
rng_normal (Rng *rng)
{
  double u1 = MAX (rng_double (rng), 1e-12);
  double u2 = rng_double (rng);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

/* Stable LSD radix sort of 32-bit keys, returning the permutation. */
static guint32 *
radix_order (const guint32 *keys,
             guint          n)
{
  guint32 *order = g_new (guint32, n);
  guint32 *tmp = g_new (guint32, n);
  guint *count = g_new (guint, 65537);

  for (guint i = 0; i < n; i++)
    order[i] = i;
  for (int shift = 0; shift < 32; shift += 16)
    {
      memset (count, 0, 65537 * sizeof (guint));
      for (guint i = 0; i < n; i++)
        count[((keys[order[i]] >> shift) & 0xffff) + 1]++;
      for (guint i = 1; i <= 65536; i++)
        count[i] += count[i - 1];
      for (guint i = 0; i < n; i++)
        tmp[count[(keys[order[i]] >> shift) & 0xffff]++] = order[i];
      memcpy (order, tmp, n * sizeof (guint32));
    }
  g_free (tmp);
  g_free (count);
  return order;
}

static void
sandbox_generate (Sandbox *sb)
{
  Rng rng = { (guint64) opts.seed * G_GUINT64_CONSTANT (0x2545f4914f6cdd1d) + 1 };
  guint n = (guint) opts.n_messages;
  guint nc = (guint) opts.n_campaigns;
  guint n_camp_msgs = nc > 0 ? (guint) llround (n * 0.7) : 0;
  gint64 start = REFERENCE_START;    /* shifted later, see sandbox_shift() */
  gint64 span_start = start - (gint64) opts.days * 86400;
  g_autofree CampaignPlan *plans = g_new0 (CampaignPlan, MAX (nc, 1));
  g_autofree double *weights = g_new0 (double, MAX (nc, 1));
  g_autofree Message *gen = g_new (Message, MAX (n, 1));
  g_autofree guint32 *keys = g_new (guint32, MAX (n, 1));
  g_autofree guint32 *order = NULL;
  g_autofree guint32 *fill = NULL;
  double wsum = 0;
  guint g = 0;

  sb->id_salt = rng_next (&rng);
  sb->campaign_salt = rng_next (&rng);
  sb->code_salt = rng_next (&rng);
  sb->fault_salt = rng_next (&rng);
  sb->id_node = (guint16) (2 + rng_below (&rng, 250));
  sb->user_id = 4000 + rng_below (&rng, 90000);

  sandbox_init_contacts (sb, &rng);

  /* Campaign sizes: heavy-tailed, every campaign gets at least one message
   * when there are enough. */
  for (guint i = 0; i < nc; i++)
    {
      weights[i] = exp (1.2 * rng_normal (&rng));
      wsum += weights[i];
    }
  if (nc > 0 && n_camp_msgs >= nc)
    {
      guint assigned = 0;

      for (guint i = 0; i < nc; i++)
        {
          plans[i].size = 1 + (guint32) floor ((double) (n_camp_msgs - nc) * weights[i] / wsum);
          assigned += plans[i].size;
        }
      for (guint i = 0; assigned < n_camp_msgs; i = (i + 1) % nc)
        {
          plans[i].size++;
          assigned++;
        }
    }
  else
    {
      for (guint i = 0; i < n_camp_msgs; i++)
        plans[rng_below (&rng, nc)].size++;
    }

  for (guint i = 0; i < nc; i++)
    {
      CampaignPlan *p = &plans[i];
      gint64 duration;

      p->order = i;
      p->rate = 20 + rng_below (&rng, 180);
      p->throughput = 40 + rng_below (&rng, 160);
      p->list_start = rng_below (&rng, sb->n_contacts);
      duration = (p->size + p->rate - 1) / p->rate;
      if (duration >= start - span_start - 2)
        {
          /* a huge campaign in a short history: create it faster */
          p->rate = (guint32) (p->size / MAX (start - span_start - 2, 1) + 1);
          duration = (p->size + p->rate - 1) / p->rate;
        }
      if (nc >= 2 && i == nc - 1)
        {
          /* the newest campaign was created a minute or two ago and is
           * still being handed to the network for a few more minutes */
          gint64 settle = 240 + rng_below (&rng, 360);

          p->t0 = start - duration - 30 - rng_below (&rng, 90);
          p->throughput = MAX (1, (guint32) (p->size / (duration + settle)));
        }
      else if (nc >= 3 && i == nc - 2)
        {
          /* one campaign is scheduled for two hours from now */
          p->t0 = start - 3600 - duration;
          p->scheduled_for = start + 2 * 3600;
        }
      else
        {
          p->t0 = sample_time (&rng, span_start, start - duration - 1, campaign_hour_weights, 0.35);
          if (rng_below (&rng, 100) < 10)
            p->scheduled_for = p->t0 + duration + 3600 + rng_below (&rng, 47 * 3600);
        }
      p->t0 = MAX (p->t0, span_start);
    }
  qsort (plans, nc, sizeof (CampaignPlan), campaign_plan_compare);

  sb->n_campaigns = nc;
  sb->campaigns = g_new0 (Campaign, MAX (nc, 1));
  for (guint c = 0; c < nc; c++)
    {
      CampaignPlan *p = &plans[c];
      Campaign *camp = &sb->campaigns[c];

      camp->created = p->t0;
      camp->scheduled_for = p->scheduled_for;
      camp->n_messages = p->size;
      camp->sender = campaign_senders[rng_below (&rng, G_N_ELEMENTS (campaign_senders))];
      camp->text = (guint8) (N_SINGLE_TEXTS + rng_below (&rng, G_N_ELEMENTS (texts) - N_SINGLE_TEXTS));
      camp->template_id = rng_below (&rng, 100) < 60 ? 1000 + rng_below (&rng, 400) : 0;
      camp->list_id = rng_below (&rng, 100) < 70 ? 500 + rng_below (&rng, 80) : 0;
      camp->flags = 0;
      if (rng_below (&rng, 100) < 25)
        camp->flags |= CAMP_IS_API;
      if (rng_below (&rng, 100) < 20)
        camp->flags |= CAMP_CALLBACK;
      if (rng_below (&rng, 100) < 5)
        camp->flags |= CAMP_BYPASS;
      camp->counters_at = G_MININT64;

      for (guint k = 0; k < p->size; k++)
        {
          Message *m = &gen[g];
          guint32 contact = (p->list_start + k) % sb->n_contacts;

          memset (m, 0, sizeof *m);
          m->created = p->t0 + k / p->rate;
          m->campaign = (gint32) c;
          m->contact = contact;
          m->text = camp->text;
          m->parts = sb->text_parts[camp->text];
          m->sender = camp->sender;
          m->flags = (camp->flags & CAMP_IS_API) ? MSG_IS_API : 0;
          if (camp->flags & CAMP_CALLBACK)
            m->flags |= MSG_CALLBACK;
          if (p->scheduled_for > 0)
            m->sched_delay = (guint32) (p->scheduled_for - m->created);
          m->queue_delay = (guint16) MIN (1 + k / p->throughput, G_MAXUINT16);
          draw_outcome (&rng, m, countries[sb->contacts[contact].country].fate_class);
          keys[g] = (guint32) (m->created - span_start);
          g++;
        }
    }
  for (; g < n; g++)
    {
      Message *m = &gen[g];

      init_single_message (sb, &rng, m,
                           sample_time (&rng, span_start, start, api_hour_weights, 0.55));
      keys[g] = (guint32) (m->created - span_start);
    }

  /* Sort by created; ties keep the generation order. */
  order = radix_order (keys, n);
  sb->messages = g_array_sized_new (FALSE, FALSE, sizeof (Message), n + 1024);
  g_array_set_size (sb->messages, n);
  for (guint i = 0; i < n; i++)
    *MSG (sb, i) = gen[order[i]];

  /* Each campaign's messages, and its static totals. */
  sb->campaign_msgs = g_new (guint32, MAX (n_camp_msgs, 1));
  fill = g_new0 (guint32, MAX (nc, 1));
  for (guint c = 0, off = 0; c < nc; c++)
    {
      sb->campaigns[c].first = off;
      off += sb->campaigns[c].n_messages;
    }
  for (guint i = 0; i < n; i++)
    {
      const Message *m = MSG (sb, i);
      Campaign *camp;

      if (m->campaign < 0)
        continue;
      camp = &sb->campaigns[m->campaign];
      sb->campaign_msgs[camp->first + fill[m->campaign]++] = i;
      camp->total_cost += message_cost (sb, m);
      camp->estimated_cost += (gint64) countries[sb->contacts[m->contact].country].price * m->parts;
    }

  for (guint c = 0; c < nc; c++)
    {
      Campaign *camp = &sb->campaigns[c];
      char id[ID_LEN + 1];
      g_autofree char *key = NULL;

      format_campaign_id (sb, c, id);
      key = g_strdup_printf ("%s\n%s\n%s", id, senders[camp->sender], texts[camp->text]);
      camp->search_key = g_utf8_casefold (key, -1);
    }
}

/* ---- clock and live arrivals -------------------------------------------- */

static void
sandbox_shift (Sandbox *sb)
{
  for (guint i = 0; i < sb->messages->len; i++)
    MSG (sb, i)->created += sb->shift;
  for (guint c = 0; c < sb->n_campaigns; c++)
    {
      sb->campaigns[c].created += sb->shift;
      if (sb->campaigns[c].scheduled_for > 0)
        sb->campaigns[c].scheduled_for += sb->shift;
    }
}

static void
sandbox_catch_up (Sandbox *sb)
{
  guint64 rate = (guint64) opts.live_rate;
  guint64 target;

  if (!opts.live || rate == 0 || sb->now <= sb->start)
    return;
  /* after t seconds exactly floor (t * rate / 60) live messages exist */
  target = (guint64) (sb->now - sb->start) * rate / 60;
  while (sb->n_live < target)
    {
      guint64 k = sb->n_live;
      gint64 created = sb->start + (gint64) (((k + 1) * 60 + rate - 1) / rate);
      guint32 idx = sb->messages->len;
      Rng rng = { fmix64 ((guint64) idx ^ sb->code_salt ^ (guint64) opts.seed) };
      Message m;

      init_single_message (sb, &rng, &m, created);
      if (opts.live_fail > 0)
        {
          /* Its own stream, so the rest of the message does not change. */
          Rng fail_rng = { fmix64 ((guint64) idx ^ G_GUINT64_CONSTANT (0x5a5af00d) ^ (guint64) opts.seed) };

          if (rng_double (&fail_rng) < opts.live_fail)
            {
              m.fate = ST_FAILED;
              m.report_delay = 2 + rng_below (&fail_rng, 300);
              m.reason = (guint8) rng_weighted (&fail_rng, failed_reason_weights, G_N_ELEMENTS (failed_reason_weights));
            }
        }
      g_array_append_val (sb->messages, m);
      sb->n_live++;
    }
}

static void
sandbox_update_clock (Sandbox *sb)
{
  gint64 now = sb->start + sb->offset;

  if (opts.live && !opts.manual_clock)
    now += (g_get_monotonic_time () - sb->mono_start) / G_USEC_PER_SEC;
  sb->now = MAX (now, sb->now);
  sandbox_catch_up (sb);
}

static guint
lower_bound_created (const Sandbox *sb,
                     gint64         t)
{
  guint lo = 0, hi = sb->messages->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (MSG (sb, mid)->created < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* ---- orders ------------------------------------------------------------- */

typedef struct
{
  guint64 hi;
  guint64 lo;
  guint32 idx;
} PermKey;

static inline void
perm_key (const Sandbox *sb,
          OrderBy        order,
          guint32        idx,
          PermKey       *k)
{
  const Message *m = MSG (sb, idx);

  k->idx = idx;
  k->lo = idx;
  switch (order)
    {
    case ORDER_ID:
      k->hi = id_group1 (m->created - sb->shift);
      k->lo = message_hash (sb, idx);
      break;
    case ORDER_SENDER:
      k->hi = m->sender;
      break;
    case ORDER_IS_API:
      k->hi = (m->flags & MSG_IS_API) ? 1 : 0;
      break;
    case ORDER_COST:
      k->hi = (guint64) message_cost (sb, m);
      break;
    case ORDER_SENT:
      k->hi = (guint64) message_sent_time (m);
      break;
    case ORDER_CREATED:
    case ORDER_STATUS:
    case N_ORDERS:
    default:
      g_assert_not_reached ();
    }
}

static inline int
perm_key_cmp (const PermKey *a,
              const PermKey *b)
{
  if (a->hi != b->hi)
    return a->hi < b->hi ? -1 : 1;
  if (a->lo != b->lo)
    return a->lo < b->lo ? -1 : 1;
  return 0;
}

typedef struct
{
  guint64 key;
  guint32 idx;
} RadixPair;

/* Stable LSD radix sort on 64-bit keys, 16 bits a pass; passes in which all
 * keys share the digit are skipped, so small keys cost one or two passes. */
static void
radix_sort_pairs (RadixPair *pairs,
                  guint      n)
{
  g_autofree RadixPair *tmp = NULL;
  g_autofree guint *count = NULL;
  RadixPair *src = pairs, *dst;

  if (n < 2)
    return;
  tmp = g_new (RadixPair, n);
  count = g_new (guint, 65536);
  dst = tmp;
  for (int shift = 0; shift < 64; shift += 16)
    {
      guint sum = 0;

      memset (count, 0, 65536 * sizeof (guint));
      for (guint i = 0; i < n; i++)
        count[(src[i].key >> shift) & 0xffff]++;
      if (count[(src[0].key >> shift) & 0xffff] == n)
        continue;
      for (guint d = 0; d < 65536; d++)
        {
          guint c = count[d];

          count[d] = sum;
          sum += c;
        }
      for (guint i = 0; i < n; i++)
        dst[count[(src[i].key >> shift) & 0xffff]++] = src[i];
      {
        RadixPair *swap = src;

        src = dst;
        dst = swap;
      }
    }
  if (src != pairs)
    memcpy (pairs, src, n * sizeof (RadixPair));
}

/* Indices from..to-1 in ascending perm_key() order. */
static guint32 *
sort_indices (Sandbox *sb,
              OrderBy  order,
              guint    from,
              guint    to)
{
  guint n = to - from;
  g_autofree RadixPair *pairs = g_new (RadixPair, MAX (n, 1));
  guint32 *sorted = g_new (guint32, MAX (n, 1));

  if (order == ORDER_ID)
    {
      /* The first id group follows the creation year, which only grows
       * along the array: sort each year's block by the hash. */
      guint block = from;

      while (block < to)
        {
          gint64 year = year_of (MSG (sb, block)->created - sb->shift);
          gint64 next_year = days_from_civil (year + 1, 1, 1) * 86400 + sb->shift;
          guint block_end = CLAMP (lower_bound_created (sb, next_year), block + 1, to);

          for (guint i = block; i < block_end; i++)
            {
              pairs[i - from].key = message_hash (sb, i);
              pairs[i - from].idx = i;
            }
          radix_sort_pairs (pairs + (block - from), block_end - block);
          block = block_end;
        }
    }
  else
    {
      for (guint i = from; i < to; i++)
        {
          PermKey k;

          perm_key (sb, order, i, &k);
          pairs[i - from].key = k.hi;
          pairs[i - from].idx = i;
        }
      radix_sort_pairs (pairs, n);
    }
  for (guint i = 0; i < n; i++)
    sorted[i] = pairs[i].idx;
  return sorted;
}

/* The ascending permutation for a static key, extended by merging when live
 * messages arrived since it was built. */
static const guint32 *
sandbox_get_perm (Sandbox *sb,
                  OrderBy  order)
{
  guint n = sb->messages->len;
  guint old = sb->perm_len[order];
  guint n_new = n - old;
  g_autofree guint32 *added = NULL;
  guint32 *merged;
  guint a = 0, b = 0, o = 0;

  if (old == n && sb->perm[order] != NULL)
    return sb->perm[order];

  added = sort_indices (sb, order, old, n);
  if (old == 0)
    {
      g_free (sb->perm[order]);
      sb->perm[order] = g_steal_pointer (&added);
      sb->perm_len[order] = n;
      return sb->perm[order];
    }

  merged = g_new (guint32, MAX (n, 1));
  if (n_new > 0)
    {
      PermKey ka, kb;

      perm_key (sb, order, sb->perm[order][0], &ka);
      perm_key (sb, order, added[0], &kb);
      while (a < old && b < n_new)
        {
          if (perm_key_cmp (&ka, &kb) <= 0)
            {
              merged[o++] = ka.idx;
              if (++a < old)
                perm_key (sb, order, sb->perm[order][a], &ka);
            }
          else
            {
              merged[o++] = kb.idx;
              if (++b < n_new)
                perm_key (sb, order, added[b], &kb);
            }
        }
    }
  while (a < old)
    merged[o++] = sb->perm[order][a++];
  while (b < n_new)
    merged[o++] = added[b++];
  g_assert (o == n);

  g_free (sb->perm[order]);
  sb->perm[order] = merged;
  sb->perm_len[order] = n;
  return merged;
}

/* ---- message queries ---------------------------------------------------- */

typedef struct
{
  guint64   page;
  guint     limit;
  OrderBy   order;
  gboolean  desc;
  gint64    from;            /* inclusive */
  gint64    to;              /* inclusive */
  gboolean  status_filter;
  guint32   status_mask;     /* bit per Status; may be 0 (nothing matches) */
  guint8   *contacts;        /* owned; NULL: no filter */
  gboolean  no_contact;      /* "to" matched nobody */
} MessageQuery;

static void
message_query_clear (MessageQuery *q)
{
  g_clear_pointer (&q->contacts, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MessageQuery, message_query_clear)

static gboolean
parse_positive (const char *str,
                guint64     max,
                guint64    *out)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (str));

  return g_ascii_string_to_unsigned (trimmed, 10, 1, max, out, NULL);
}

static gboolean
message_query_parse (Sandbox       *sb,
                     GHashTable    *query,
                     MessageQuery  *q,
                     char         **out_error)
{
  const char *v;
  guint64 num;

  q->page = 1;
  q->limit = DEFAULT_LIMIT;
  q->order = ORDER_CREATED;
  q->desc = TRUE;
  q->from = G_MININT64;
  q->to = G_MAXINT64;

  if (query == NULL)
    goto done;

  if ((v = g_hash_table_lookup (query, "limit")) != NULL && *v != '\0')
    {
      if (!parse_positive (v, G_MAXINT32, &num))
        {
          *out_error = g_strdup ("The limit must be a positive integer.");
          return FALSE;
        }
      q->limit = (guint) num;
    }
  if ((v = g_hash_table_lookup (query, "page")) != NULL && *v != '\0')
    {
      if (!parse_positive (v, G_MAXINT32, &num))
        {
          *out_error = g_strdup ("The page must be a positive integer.");
          return FALSE;
        }
      q->page = num;
    }
  if ((v = g_hash_table_lookup (query, "order_by")) != NULL && *v != '\0')
    {
      guint i;

      for (i = 0; i < N_ORDERS; i++)
        if (g_ascii_strcasecmp (v, order_names[i]) == 0)
          break;
      if (i == N_ORDERS)
        {
          *out_error = g_strdup ("The selected order by is invalid.");
          return FALSE;
        }
      q->order = (OrderBy) i;
    }
  if ((v = g_hash_table_lookup (query, "order_direction")) != NULL && *v != '\0')
    {
      if (g_ascii_strcasecmp (v, "asc") == 0)
        q->desc = FALSE;
      else if (g_ascii_strcasecmp (v, "desc") == 0)
        q->desc = TRUE;
      else
        {
          *out_error = g_strdup ("The selected order direction is invalid.");
          return FALSE;
        }
    }
  if ((v = g_hash_table_lookup (query, "created_at_from")) != NULL && *v != '\0')
    {
      if (!parse_time_param (v, TRUE, &q->from))
        {
          *out_error = g_strdup ("The created at from does not match the format Y-m-d H:i:s.");
          return FALSE;
        }
    }
  if ((v = g_hash_table_lookup (query, "created_at_to")) != NULL && *v != '\0')
    {
      if (!parse_time_param (v, FALSE, &q->to))
        {
          *out_error = g_strdup ("The created at to does not match the format Y-m-d H:i:s.");
          return FALSE;
        }
    }
  if ((v = g_hash_table_lookup (query, "status")) != NULL && *v != '\0')
    {
      g_auto(GStrv) names = g_strsplit (v, ",", -1);

      q->status_filter = TRUE;
      for (guint i = 0; names[i] != NULL; i++)
        {
          g_strstrip (names[i]);
          for (guint s = 0; s < N_STATUSES; s++)
            if (g_ascii_strcasecmp (names[i], status_names[s]) == 0)
              q->status_mask |= 1u << s;
        }
    }
  if ((v = g_hash_table_lookup (query, "to")) != NULL)
    {
      /* An unencoded '+' arrives as a space. */
      const char *digits = v;
      gboolean any = FALSE;

      while (*digits == ' ' || *digits == '+')
        digits++;
      if (*digits != '\0')
        {
          g_autofree char *want = g_strstrip (g_strdup (digits));

          q->contacts = g_new0 (guint8, sb->n_contacts);
          for (guint i = 0; i < sb->n_contacts; i++)
            if (strcmp (sb->contacts[i].number, want) == 0)
              {
                q->contacts[i] = 1;
                any = TRUE;
              }
          q->no_contact = !any;
        }
    }

done:
  q->limit = MIN (q->limit, (guint) opts.max_per_page);
  if (opts.ignore_page)
    q->page = 1;
  /* in the legacy shape, id is the numeric auto-increment id */
  if (q->order == ORDER_ID && sb->legacy)
    q->order = ORDER_CREATED;
  return TRUE;
}

static inline gboolean
message_query_matches (const Sandbox      *sb,
                       const MessageQuery *q,
                       const Message      *m)
{
  if (q->contacts != NULL && !q->contacts[m->contact])
    return FALSE;
  if (q->status_filter && !(q->status_mask & (1u << message_status (m, sb->now))))
    return FALSE;
  return TRUE;
}

/* All matching messages in ascending order (ties by index). */
static GArray *
message_query_collect (Sandbox            *sb,
                       const MessageQuery *q,
                       guint               lo,
                       guint               hi)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint32));

  if (q->no_contact || lo >= hi)
    return out;

  switch (q->order)
    {
    case ORDER_CREATED:
      for (guint32 i = lo; i < hi; i++)
        if (message_query_matches (sb, q, MSG (sb, i)))
          g_array_append_val (out, i);
      break;

    case ORDER_ID:
    case ORDER_SENDER:
    case ORDER_IS_API:
    case ORDER_COST:
      {
        const guint32 *perm = sandbox_get_perm (sb, q->order);
        guint n = sb->messages->len;

        for (guint j = 0; j < n; j++)
          {
            guint32 i = perm[j];

            if (i >= lo && i < hi && message_query_matches (sb, q, MSG (sb, i)))
              g_array_append_val (out, i);
          }
      }
      break;

    case ORDER_SENT:
      {
        /* NULL sent_at sorts first (ascending), like SQL does. */
        const guint32 *perm = sandbox_get_perm (sb, ORDER_SENT);
        guint n = sb->messages->len;

        for (guint32 i = lo; i < hi; i++)
          {
            const Message *m = MSG (sb, i);

            if (message_sent_time (m) > sb->now && message_query_matches (sb, q, m))
              g_array_append_val (out, i);
          }
        for (guint j = 0; j < n; j++)
          {
            guint32 i = perm[j];
            const Message *m = MSG (sb, i);

            if (message_sent_time (m) > sb->now)
              break;
            if (i >= lo && i < hi && message_query_matches (sb, q, m))
              g_array_append_val (out, i);
          }
      }
      break;

    case ORDER_STATUS:
      {
        g_autofree guint8 *st = g_new (guint8, hi - lo);
        guint count[N_STATUSES + 1] = { 0 };
        guint offset[N_STATUSES];
        guint total = 0;

        for (guint32 i = lo; i < hi; i++)
          {
            const Message *m = MSG (sb, i);
            Status s;

            st[i - lo] = N_STATUSES;
            if (q->contacts != NULL && !q->contacts[m->contact])
              continue;
            s = message_status (m, sb->now);
            if (q->status_filter && !(q->status_mask & (1u << s)))
              continue;
            st[i - lo] = (guint8) s;
            count[s]++;
          }
        for (guint s = 0; s < N_STATUSES; s++)
          {
            offset[s] = total;
            total += count[s];
          }
        g_array_set_size (out, total);
        for (guint32 i = lo; i < hi; i++)
          if (st[i - lo] < N_STATUSES)
            g_array_index (out, guint32, offset[st[i - lo]]++) = i;
      }
      break;

    case N_ORDERS:
    default:
      g_assert_not_reached ();
    }
  return out;
}

/* ---- responses ---------------------------------------------------------- */

static gboolean
unpause_cb (gpointer data)
{
  SoupServerMessage *msg = data;

  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

static void
respond (Sandbox           *sb,
         SoupServerMessage *msg,
         guint              status,
         GString           *body,
         gboolean           api)
{
  gsize len = body->len;

  soup_server_message_set_status (msg, status, status == 429 ? "Too Many Requests" : NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_string_free (body, FALSE), len);
  if (api && opts.latency_ms > 0)
    {
      soup_server_message_pause (msg);
      g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) opts.latency_ms, unpause_cb,
                          g_object_ref (msg), g_object_unref);
    }
}

static void
respond_error (Sandbox           *sb,
               SoupServerMessage *msg,
               guint              status,
               const char        *message,
               gboolean           api)
{
  GString *s = g_string_new ("{\"success\":false,\"message\":");

  append_json_string (s, message);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    g_string_append (s, ",\"data\":[]");
  g_string_append_c (s, '}');
  respond (sb, msg, status, s, api);
}

/* The request's query without "page", sorted, URI-escaped, ending with '&'
 * or empty: page URLs keep the other parameters. */
static char *
build_query_prefix (GHashTable *query)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GList) keys = NULL;

  if (query == NULL)
    return g_strdup ("");
  keys = g_list_sort (g_hash_table_get_keys (query), (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      const char *key = l->data;
      g_autofree char *ek = NULL;
      g_autofree char *ev = NULL;

      if (strcmp (key, "page") == 0)
        continue;
      ek = g_uri_escape_string (key, NULL, FALSE);
      ev = g_uri_escape_string (g_hash_table_lookup (query, key), NULL, FALSE);
      g_string_append_printf (s, "%s=%s&", ek, ev);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
append_page_url (GString    *s,
                 const char *path_url,
                 const char *query_prefix,
                 guint64     page)
{
  g_string_append_printf (s, "\"%s?%spage=%" G_GUINT64_FORMAT "\"", path_url, query_prefix, page);
}

static void
append_link (GString    *s,
             const char *path_url,
             const char *query_prefix,
             guint64     page,
             const char *label,
             gboolean    active)
{
  g_string_append (s, "{\"url\":");
  if (page > 0)
    append_page_url (s, path_url, query_prefix, page);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"label\":");
  if (label != NULL)
    append_json_string (s, label);
  else
    g_string_append_printf (s, "\"%" G_GUINT64_FORMAT "\"", page);
  g_string_append_printf (s, ",\"active\":%s},", active ? "true" : "false");
}

static void
append_link_range (GString    *s,
                   const char *path_url,
                   const char *query_prefix,
                   guint64     first,
                   guint64     last,
                   guint64     current)
{
  for (guint64 p = first; p <= last; p++)
    append_link (s, path_url, query_prefix, p, NULL, p == current);
}

/* Laravel's UrlWindow with onEachSide = 3. */
static void
append_links (GString    *s,
              const char *path_url,
              const char *query_prefix,
              guint64     current,
              guint64     last)
{
  const guint64 each = 3, window = each + 4;

  g_string_append (s, ",\"links\":[");
  append_link (s, path_url, query_prefix, current > 1 ? current - 1 : 0, "&laquo; Previous", FALSE);
  if (last < each * 2 + 8)
    append_link_range (s, path_url, query_prefix, 1, last, current);
  else if (current <= window)
    {
      append_link_range (s, path_url, query_prefix, 1, window + each, current);
      append_link (s, path_url, query_prefix, 0, "...", FALSE);
      append_link_range (s, path_url, query_prefix, last - 1, last, current);
    }
  else if (current > last - window)
    {
      append_link_range (s, path_url, query_prefix, 1, 2, current);
      append_link (s, path_url, query_prefix, 0, "...", FALSE);
      append_link_range (s, path_url, query_prefix, last - (window + (each - 1)), last, current);
    }
  else
    {
      append_link_range (s, path_url, query_prefix, 1, 2, current);
      append_link (s, path_url, query_prefix, 0, "...", FALSE);
      append_link_range (s, path_url, query_prefix, current - each, current + each, current);
      append_link (s, path_url, query_prefix, 0, "...", FALSE);
      append_link_range (s, path_url, query_prefix, last - 1, last, current);
    }
  append_link (s, path_url, query_prefix, current < last ? current + 1 : 0, "Next &raquo;", FALSE);
  g_string_truncate (s, s->len - 1);
  g_string_append_c (s, ']');
}

/* Everything after "data": the Laravel paginator fields. */
static void
append_pagination (Sandbox    *sb,
                   GString    *s,
                   const char *path,
                   GHashTable *query,
                   guint64     page,
                   guint       per_page,
                   guint64     total,
                   guint       count)
{
  guint64 last = MAX ((total + per_page - 1) / per_page, 1);
  guint64 offset = (page - 1) * per_page;
  g_autofree char *path_url = g_strconcat (sb->base_url, path, NULL);
  g_autofree char *qp = build_query_prefix (query);

  g_string_append_printf (s, ",\"current_page\":%" G_GUINT64_FORMAT
                          ",\"last_page\":%" G_GUINT64_FORMAT
                          ",\"per_page\":%u,\"total\":%" G_GUINT64_FORMAT,
                          page, last, per_page, total);
  if (count > 0)
    g_string_append_printf (s, ",\"from\":%" G_GUINT64_FORMAT ",\"to\":%" G_GUINT64_FORMAT,
                            offset + 1, offset + count);
  else
    g_string_append (s, ",\"from\":null,\"to\":null");
  g_string_append (s, ",\"path\":");
  append_json_string (s, path_url);
  append_links (s, path_url, qp, page, last);
  g_string_append (s, ",\"first_page_url\":");
  append_page_url (s, path_url, qp, 1);
  g_string_append (s, ",\"last_page_url\":");
  append_page_url (s, path_url, qp, last);
  g_string_append (s, ",\"next_page_url\":");
  if (page < last)
    append_page_url (s, path_url, qp, page + 1);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"prev_page_url\":");
  if (page > 1)
    append_page_url (s, path_url, qp, page - 1);
  else
    g_string_append (s, "null");
}

static void
append_message (Sandbox *sb,
                GString *s,
                guint32  idx)
{
  const Message *m = MSG (sb, idx);
  const Contact *c = &sb->contacts[m->contact];
  gboolean legacy = sb->legacy;
  gint64 updated, sent;
  Status st = message_state (m, sb->now, &updated, &sent);
  char id[ID_LEN + 1];

  format_message_id (sb, idx, id);
  g_string_append (s, legacy ? "{\"_id\":\"" : "{\"id\":\"");
  g_string_append_len (s, id, ID_LEN);
  g_string_append_c (s, '"');
  if (legacy)
    g_string_append_printf (s, ",\"id\":%" G_GUINT64_FORMAT, LEGACY_ID_BASE + idx);
  g_string_append (s, ",\"campaign_id\":");
  if (m->campaign >= 0)
    {
      char cid[ID_LEN + 1];

      format_campaign_id (sb, (guint32) m->campaign, cid);
      g_string_append_c (s, '"');
      g_string_append_len (s, cid, ID_LEN);
      g_string_append_c (s, '"');
    }
  else
    g_string_append (s, "null");
  g_string_append_printf (s, ",\"user_id\":%u,\"sender_id\":", sb->user_id);
  append_json_string (s, senders[m->sender]);
  g_string_append (s, ",\"to\":\"+");
  g_string_append (s, c->number);
  g_string_append (s, "\",\"message\":\"");
  g_string_append (s, sb->text_json_prefix[m->text]);
  if (sb->text_has_code[m->text])
    {
      g_string_append_printf (s, "%06u", (guint) (fmix64 (idx ^ sb->code_salt) % 1000000));
      g_string_append (s, sb->text_json_suffix[m->text]);
    }
  g_string_append (s, "\",\"status\":\"");
  g_string_append (s, status_names[st]);
  if (legacy)
    {
      g_string_append_printf (s, "\",\"sms_count\":\"%u\",\"client_cost\":", m->parts);
      append_money (s, message_cost (sb, m), TRUE);
    }
  else
    {
      g_string_append_printf (s, "\",\"sms_count\":%u,\"cost\":", m->parts);
      append_money (s, message_cost (sb, m), FALSE);
    }
  g_string_append (s, ",\"failed_reason\":");
  if ((st == ST_FAILED || st == ST_REJECTED || st == ST_UNDELIVERED) && m->reason > 0)
    append_json_string (s, failure_reasons[m->reason]);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"is_api\":");
  append_bool (s, m->flags & MSG_IS_API, legacy);
  g_string_append (s, ",\"type\":\"SMS\",\"callback_url\":");
  g_string_append (s, (m->flags & MSG_CALLBACK) ? "\"" CALLBACK_URL "\"" : "null");
  if (!legacy)
    {
      gboolean final = st != ST_SCHEDULED && st != ST_QUEUED && st != ST_SENDING && st != ST_SENT;

      g_string_append (s, ",\"final_callback_sent\":");
      append_bool (s, (m->flags & MSG_CALLBACK) && final, FALSE);
    }
  g_string_append (s, ",\"scheduled_for\":");
  if (m->sched_delay > 0)
    append_time (s, m->created + m->sched_delay, FALSE);
  else
    g_string_append (s, "null");
  g_string_append (s, m->sched_delay > 0 ? ",\"timezone\":\"UTC\"" : ",\"timezone\":null");
  g_string_append (s, ",\"sent_at\":");
  if (sent >= 0)
    append_time (s, sent, FALSE);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"created_at\":");
  append_time (s, m->created, TRUE);
  g_string_append (s, ",\"updated_at\":");
  append_time (s, updated, TRUE);
  g_string_append_c (s, '}');
}

/* delivered = DELIVERED; sent = SENT or EXPIRED (handed to the network, no
 * final report); pending = SCHEDULED, QUEUED, SENDING; failed = everything
 * else (FAILED, REJECTED, UNSUBSCRIBED, unknown). They add up to the number
 * of the campaign's messages. */
static void
campaign_refresh (Sandbox  *sb,
                  Campaign *camp)
{
  if (camp->counters_at == sb->now)
    return;
  camp->delivered = camp->failed = camp->pending = camp->sent = 0;
  camp->updated = camp->created;
  for (guint32 k = 0; k < camp->n_messages; k++)
    {
      const Message *m = MSG (sb, sb->campaign_msgs[camp->first + k]);
      gint64 updated;

      switch (message_state (m, sb->now, &updated, NULL))
        {
        case ST_DELIVERED:
          camp->delivered++;
          break;
        case ST_SENT:
        case ST_EXPIRED:
          camp->sent++;
          break;
        case ST_SCHEDULED:
        case ST_QUEUED:
        case ST_SENDING:
          camp->pending++;
          break;
        case ST_FAILED:
        case ST_REJECTED:
        case ST_UNSUBSCRIBED:
        case ST_UNDELIVERED:
        case N_STATUSES:
        default:
          camp->failed++;
          break;
        }
      camp->updated = MAX (camp->updated, updated);
    }
  camp->counters_at = sb->now;
}

static void
append_campaign (Sandbox *sb,
                 GString *s,
                 guint32  idx)
{
  Campaign *camp = &sb->campaigns[idx];
  gboolean legacy = sb->legacy;
  const char *status;
  char id[ID_LEN + 1];

  campaign_refresh (sb, camp);
  if (camp->n_messages == 0)
    status = "CANCELED";
  else if (camp->scheduled_for > 0 && sb->now < camp->scheduled_for)
    status = "SCHEDULED";
  else if (camp->pending > 0)
    status = "SENDING";
  else
    status = "COMPLETED";

  format_campaign_id (sb, idx, id);
  g_string_append (s, "{\"id\":\"");
  g_string_append_len (s, id, ID_LEN);
  g_string_append_printf (s, "\",\"type\":\"SMS\",\"user_id\":%u,\"sender_id\":", sb->user_id);
  append_json_string (s, senders[camp->sender]);
  g_string_append (s, ",\"template_id\":");
  if (camp->template_id > 0)
    g_string_append_printf (s, "%u", camp->template_id);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"message\":");
  append_json_string (s, texts[camp->text]);
  g_string_append (s, ",\"list_id\":");
  if (camp->list_id > 0)
    g_string_append_printf (s, "%u", camp->list_id);
  else
    g_string_append (s, "null");
  g_string_append_printf (s, ",\"status\":\"%s\",\"client_total_cost\":", status);
  append_money (s, camp->total_cost, legacy);
  g_string_append (s, ",\"estimated_cost\":");
  append_money (s, camp->estimated_cost, legacy);
  g_string_append_printf (s, ",\"delivered_messages\":%u,\"failed_messages\":%u"
                          ",\"pending_messages\":%u,\"sent_messages\":%u",
                          camp->delivered, camp->failed, camp->pending, camp->sent);
  if (legacy)
    g_string_append_printf (s, ",\"sms_count\":\"%u\"", sb->text_parts[camp->text]);
  else
    g_string_append_printf (s, ",\"sms_count\":%u", sb->text_parts[camp->text]);
  g_string_append (s, ",\"bypass_optout\":");
  append_bool (s, camp->flags & CAMP_BYPASS, legacy);
  g_string_append (s, ",\"callback_url\":");
  g_string_append (s, (camp->flags & CAMP_CALLBACK) ? "\"" CALLBACK_URL "\"" : "null");
  g_string_append (s, ",\"scheduled_for\":");
  if (camp->scheduled_for > 0)
    append_time (s, camp->scheduled_for, FALSE);
  else
    g_string_append (s, "null");
  g_string_append (s, camp->scheduled_for > 0 ? ",\"timezone\":\"UTC\"" : ",\"timezone\":null");
  g_string_append (s, ",\"created_at\":");
  append_time (s, camp->created, TRUE);
  g_string_append (s, ",\"updated_at\":");
  append_time (s, camp->n_messages == 0 ? camp->created + 60 : camp->updated, TRUE);
  g_string_append (s, ",\"is_api\":");
  append_bool (s, camp->flags & CAMP_IS_API, legacy);
  g_string_append (s, ",\"canceled_at\":");
  if (camp->n_messages == 0)
    append_time (s, camp->created + 60, TRUE);
  else
    g_string_append (s, "null");
  g_string_append_c (s, '}');
}

/* ---- API handlers ------------------------------------------------------- */

/* --hostile=bad-records: the first three records of a first page are
 * damaged in place: one with invalid UTF-8 and a NUL in its text, one
 * without any id, one with values far out of range. */
static void
append_hostile_message (Sandbox *sb,
                        GString *s,
                        guint32  idx,
                        guint    which)
{
  const Message *m = MSG (sb, idx);
  char id[ID_LEN + 1];

  format_message_id (sb, idx, id);
  id[ID_LEN] = '\0';
  if (which == 0)
    {
      gsize start = s->len;
      char *text;

      append_message (sb, s, idx);
      text = strstr (s->str + start, "\"message\":\"");
      if (text != NULL)
        g_string_insert (s, text - s->str + 11, "bad \xff byte, nul \\u0000 kept, ");
    }
  else if (which == 1)
    {
      g_string_append (s, "{\"status\":\"SENT\",\"message\":\"a record without any id\"}");
    }
  else
    {
      g_string_append_printf (s, "{\"id\":\"%s\",\"to\":\"+35799000000\",\"message\":\"values out of range\","
                              "\"cost\":1e308,\"sms_count\":-5,\"status\":\"", id);
      for (guint i = 0; i < 1024 * 1024; i++)
        g_string_append_c (s, 'X');
      g_string_append (s, "\",\"created_at\":");
      append_time (s, m->created, TRUE);
      g_string_append (s, ",\"updated_at\":");
      append_time (s, m->created, TRUE);
      g_string_append_c (s, '}');
    }
}

static gboolean
drip_cb (gpointer data)
{
  SoupServerMessage *msg = data;

  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC, " ", 1);
  soup_server_message_unpause (msg);
  soup_server_message_pause (msg);
  return G_SOURCE_CONTINUE;
}

static void
drip_finished_cb (SoupServerMessage *msg,
                  gpointer           source_id)
{
  g_source_remove (GPOINTER_TO_UINT (source_id));
}

/* Answers a hostile mode that replaces the whole response; FALSE when the
 * mode (if any) does not apply to this request. */
static gboolean
handle_hostile_response (Sandbox           *sb,
                         SoupServerMessage *msg,
                         const char        *path,
                         GHashTable        *query)
{
  const char *mode = opts.hostile;

  if (mode == NULL || strcmp (path, "/v2/messages") != 0)
    return FALSE;

  if (strcmp (mode, "garbage") == 0)
    {
      GString *s = g_string_new ("<!DOCTYPE html><html><head><title>Down for maintenance</title></head>"
                                 "<body><h1>We will be back soon</h1></body></html>");
      gsize len = s->len;

      sb->n_faults++;
      sb->n_malformed++;
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_TAKE,
                                        g_string_free (s, FALSE), len);
      return TRUE;
    }
  if (strcmp (mode, "slow") == 0)
    {
      /* headers at once, then one byte every half second, for ever */
      guint id;

      sb->n_faults++;
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Content-Type", "application/json");
      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC, "{", 1);
      soup_server_message_pause (msg);
      id = g_timeout_add_full (G_PRIORITY_DEFAULT, 500, drip_cb, g_object_ref (msg), g_object_unref);
      g_signal_connect (msg, "finished", G_CALLBACK (drip_finished_cb), GUINT_TO_POINTER (id));
      return TRUE;
    }
  if (strcmp (mode, "long-wait") == 0)
    {
      sb->n_faults++;
      sb->n_rate_limited++;
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "100000");
      respond_error (sb, msg, 429, "Error 429 - Too many requests...", TRUE);
      return TRUE;
    }
  if (strcmp (mode, "big-error") == 0)
    {
      GString *text = g_string_new ("Bad request: ");

      for (guint i = 0; i < 1024 * 1024; i++)
        g_string_append_c (text, 'E');
      sb->n_faults++;
      respond_error (sb, msg, SOUP_STATUS_BAD_REQUEST, text->str, TRUE);
      g_string_free (text, TRUE);
      return TRUE;
    }
  if (strcmp (mode, "redirect") == 0 || strcmp (mode, "redirect-same") == 0)
    {
      g_autofree char *qp = build_query_prefix (query);
      const char *page = query ? g_hash_table_lookup (query, "page") : NULL;
      g_autofree char *target = NULL;

      if (query != NULL && g_hash_table_contains (query, "redirected"))
        return FALSE;
      /* another origin: the same server under an IPv4-mapped IPv6 address */
      if (strcmp (mode, "redirect") == 0)
        target = g_strdup_printf ("http://[::ffff:127.0.0.1]%s/v2/messages?%sredirected=1&page=%s",
                                  strrchr (sb->base_url, ':'), qp, page ? page : "1");
      else
        target = g_strdup_printf ("%s/v2/messages?%sredirected=1&page=%s",
                                  sb->base_url, qp, page ? page : "1");
      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, target);
      return TRUE;
    }
  return FALSE;
}

static void
handle_balance (Sandbox           *sb,
                SoupServerMessage *msg)
{
  GString *s = g_string_new ("{\"balance\":");
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (s, g_ascii_dtostr (buf, sizeof buf, opts.balance));
  g_string_append (s, ",\"currency\":");
  append_json_string (s, opts.currency);
  g_string_append_c (s, '}');
  respond (sb, msg, SOUP_STATUS_OK, s, TRUE);
}

static void
handle_messages (Sandbox           *sb,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query)
{
  g_auto(MessageQuery) q = { 0 };
  g_autofree char *error = NULL;
  g_autoptr(GArray) matches = NULL;
  const guint32 *perm = NULL;
  guint lo, hi;
  guint64 total, offset;
  guint count = 0, max_count;
  gboolean hostile_records;
  GString *s;

  if (handle_hostile_response (sb, msg, path, query))
    return;
  if (!message_query_parse (sb, query, &q, &error))
    {
      respond_error (sb, msg, SOUP_STATUS_BAD_REQUEST, error, TRUE);
      return;
    }

  lo = q.from == G_MININT64 ? 0 : lower_bound_created (sb, q.from);
  hi = q.to == G_MAXINT64 ? sb->messages->len : lower_bound_created (sb, q.to + 1);
  hi = MAX (lo, hi);
  if (q.order == ORDER_CREATED && !q.status_filter && q.contacts == NULL)
    total = hi - lo;      /* the sync's query: no scan at all */
  else if ((q.order == ORDER_ID || q.order == ORDER_SENDER || q.order == ORDER_IS_API ||
            q.order == ORDER_COST) &&
           !q.status_filter && q.contacts == NULL && lo == 0 && hi == sb->messages->len)
    {
      perm = sandbox_get_perm (sb, q.order);
      total = hi;
    }
  else
    {
      matches = message_query_collect (sb, &q, lo, hi);
      total = matches->len;
    }

  s = g_string_sized_new (1024 + (gsize) q.limit * 620);
  g_string_append (s, "{\"success\":true,\"data\":[");
  offset = (q.page - 1) * q.limit;
  /* --hostile=too-many: a page far longer than asked */
  max_count = g_strcmp0 (opts.hostile, "too-many") == 0 ? q.limit * 5 : q.limit;
  hostile_records = g_strcmp0 (opts.hostile, "bad-records") == 0 && q.page == 1 &&
                    q.from == G_MININT64 && q.limit >= 3;
  for (guint64 pos = offset; pos < total && count < max_count; pos++, count++)
    {
      guint64 rank = q.desc ? total - 1 - pos : pos;
      guint32 idx;

      if (matches != NULL)
        idx = g_array_index (matches, guint32, rank);
      else if (perm != NULL)
        idx = perm[rank];
      else
        idx = (guint32) (lo + rank);

      if (count > 0)
        g_string_append_c (s, ',');
      if (hostile_records && count < 3)
        append_hostile_message (sb, s, idx, count);
      else
        append_message (sb, s, idx);
    }
  g_string_append_c (s, ']');
  append_pagination (sb, s, path, query, q.page, q.limit, total, count);
  if (g_strcmp0 (opts.hostile, "huge-body") == 0)
    {
      /* a member nobody reads, 3 MB long */
      g_string_append (s, ",\"padding\":\"");
      for (guint i = 0; i < 3 * 1024 * 1024; i++)
        g_string_append_c (s, 'p');
      g_string_append_c (s, '"');
    }
  g_string_append_c (s, '}');

  if (opts.malformed_page > 0 && q.page == (guint64) opts.malformed_page &&
      sb->malformed_served < opts.malformed_times)
    {
      /* cut in the middle of an object: the body is not JSON */
      sb->malformed_served++;
      sb->n_malformed++;
      sb->n_faults++;
      g_string_truncate (s, s->len / 2);
    }
  respond (sb, msg, SOUP_STATUS_OK, s, TRUE);
}

static void
handle_campaigns (Sandbox           *sb,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query)
{
  guint64 page = 1, num;
  guint limit = DEFAULT_CAMP_LIMIT;
  const char *v;
  g_autofree char *needle = NULL;
  g_autoptr(GArray) matches = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint64 offset;
  guint count = 0;
  GString *s;

  if (query != NULL && (v = g_hash_table_lookup (query, "limit")) != NULL && *v != '\0')
    {
      if (!parse_positive (v, G_MAXINT32, &num))
        {
          respond_error (sb, msg, SOUP_STATUS_BAD_REQUEST, "The limit must be a positive integer.", TRUE);
          return;
        }
      limit = (guint) num;
    }
  if (query != NULL && (v = g_hash_table_lookup (query, "page")) != NULL && *v != '\0')
    {
      if (!parse_positive (v, G_MAXINT32, &num))
        {
          respond_error (sb, msg, SOUP_STATUS_BAD_REQUEST, "The page must be a positive integer.", TRUE);
          return;
        }
      page = num;
    }
  limit = MIN (limit, (guint) opts.max_per_page);
  if (query != NULL && (v = g_hash_table_lookup (query, "search")) != NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_utf8_make_valid (v, -1));

      if (*trimmed != '\0')
        needle = g_utf8_casefold (trimmed, -1);
    }

  /* newest first */
  for (guint i = sb->n_campaigns; i-- > 0; )
    if (needle == NULL || strstr (sb->campaigns[i].search_key, needle) != NULL)
      g_array_append_val (matches, i);

  s = g_string_new ("{\"success\":true,\"data\":[");
  offset = (page - 1) * limit;
  for (guint64 pos = offset; pos < matches->len && count < limit; pos++, count++)
    {
      if (count > 0)
        g_string_append_c (s, ',');
      append_campaign (sb, s, g_array_index (matches, guint32, pos));
    }
  g_string_append_c (s, ']');
  append_pagination (sb, s, path, query, page, limit, matches->len, count);
  g_string_append_c (s, '}');
  respond (sb, msg, SOUP_STATUS_OK, s, TRUE);
}

static void
handle_one_message (Sandbox           *sb,
                    SoupServerMessage *msg,
                    gint64             idx)
{
  GString *s;

  if (idx < 0)
    {
      respond_error (sb, msg, SOUP_STATUS_NOT_FOUND, "Message not found", TRUE);
      return;
    }
  s = g_string_new (NULL);
  append_message (sb, s, (guint32) idx);
  respond (sb, msg, SOUP_STATUS_OK, s, TRUE);
}

static void
handle_one_campaign (Sandbox           *sb,
                     SoupServerMessage *msg,
                     gint64             idx)
{
  GString *s;

  if (idx < 0)
    {
      respond_error (sb, msg, SOUP_STATUS_NOT_FOUND, "Campaign not found", TRUE);
      return;
    }
  s = g_string_new (NULL);
  append_campaign (sb, s, (guint32) idx);
  respond (sb, msg, SOUP_STATUS_OK, s, TRUE);
}

/* ---- control endpoints -------------------------------------------------- */

static void
handle_summary (Sandbox           *sb,
                SoupServerMessage *msg)
{
  const guint32 *perm = sandbox_get_perm (sb, ORDER_ID);
  guint n = sb->messages->len;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 by_status[N_STATUSES] = { 0 };
  char buf[65536];
  gsize len = 0;
  gboolean first = TRUE;
  GString *s;

  for (guint j = 0; j < n; j++)
    {
      guint32 idx = perm[j];
      Status st = message_status (MSG (sb, idx), sb->now);
      gsize name_len = strlen (status_names[st]);

      if (len + ID_LEN + name_len + 2 > sizeof buf)
        {
          g_checksum_update (checksum, (const guchar *) buf, len);
          len = 0;
        }
      format_message_id (sb, idx, buf + len);
      len += ID_LEN;
      buf[len++] = ':';
      memcpy (buf + len, status_names[st], name_len);
      len += name_len;
      buf[len++] = '\n';
      by_status[st]++;
    }
  g_checksum_update (checksum, (const guchar *) buf, len);

  s = g_string_new (NULL);
  g_string_append_printf (s, "{\"total\":%u,\"checksum\":\"%s\",\"by_status\":{",
                          n, g_checksum_get_string (checksum));
  for (guint st = 0; st < N_STATUSES; st++)
    {
      if (by_status[st] == 0)
        continue;
      g_string_append_printf (s, "%s\"%s\":%" G_GUINT64_FORMAT, first ? "" : ",",
                              status_names[st], by_status[st]);
      first = FALSE;
    }
  g_string_append_printf (s, "},\"campaigns\":%u,\"now\":", sb->n_campaigns);
  append_time (s, sb->now, TRUE);
  g_string_append_c (s, '}');
  respond (sb, msg, SOUP_STATUS_OK, s, FALSE);
}

static void
handle_stats (Sandbox           *sb,
              SoupServerMessage *msg)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "{\"requests\":%" G_GUINT64_FORMAT ",\"faults\":%" G_GUINT64_FORMAT
                          ",\"dropped\":%" G_GUINT64_FORMAT ",\"failed\":%" G_GUINT64_FORMAT
                          ",\"rate_limited\":%" G_GUINT64_FORMAT ",\"malformed\":%" G_GUINT64_FORMAT
                          ",\"jwts_issued\":%" G_GUINT64_FORMAT ",\"jwts_refused\":%" G_GUINT64_FORMAT
                          ",\"jwts_expired\":%" G_GUINT64_FORMAT
                          ",\"now\":",
                          sb->n_requests, sb->n_faults, sb->n_dropped, sb->n_failed,
                          sb->n_rate_limited, sb->n_malformed,
                          sb->n_jwts_issued, sb->n_jwts_refused, sb->n_jwts_expired);
  append_time (s, sb->now, TRUE);
  g_string_append_c (s, '}');
  respond (sb, msg, SOUP_STATUS_OK, s, FALSE);
}

static void
handle_advance (Sandbox           *sb,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  const char *v = query != NULL ? g_hash_table_lookup (query, "seconds") : NULL;
  guint64 seconds;
  GString *s;

  if (v == NULL || !g_ascii_string_to_unsigned (v, 10, 0, G_GINT64_CONSTANT (100) * 365 * 86400, &seconds, NULL))
    {
      respond_error (sb, msg, SOUP_STATUS_BAD_REQUEST, "seconds must be a non-negative integer", FALSE);
      return;
    }
  sb->offset += (gint64) seconds;
  sandbox_update_clock (sb);

  s = g_string_new ("{\"now\":");
  append_time (s, sb->now, TRUE);
  g_string_append_printf (s, ",\"total\":%u}", sb->messages->len);
  respond (sb, msg, SOUP_STATUS_OK, s, FALSE);
}

/* The number query[name] in [lo, hi]; FALSE (and a 400) when it is not. */
static gboolean
query_number (Sandbox           *sb,
              SoupServerMessage *msg,
              GHashTable        *query,
              const char        *name,
              double             lo,
              double             hi,
              double            *out_value)
{
  const char *v = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  char *end = NULL;
  double value = v != NULL ? g_ascii_strtod (v, &end) : NAN;
  g_autofree char *text = NULL;

  if (v != NULL && end != v && *end == '\0' && value >= lo && value <= hi)
    {
      *out_value = value;
      return TRUE;
    }

  text = g_strdup_printf ("%s must be a number from %g to %g", name, lo, hi);
  respond_error (sb, msg, SOUP_STATUS_BAD_REQUEST, text, FALSE);
  return FALSE;
}

/* {"<name>": value} */
static void
respond_number (Sandbox           *sb,
                SoupServerMessage *msg,
                const char        *name,
                double             value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "{\"%s\":%s}", name, g_ascii_dtostr (buf, sizeof buf, value));
  respond (sb, msg, SOUP_STATUS_OK, s, FALSE);
}

/* POST /_sandbox/balance?value=X: what /api/balance answers from now on
 * (low-balance notifications). */
static void
handle_set_balance (Sandbox           *sb,
                    SoupServerMessage *msg,
                    GHashTable        *query)
{
  if (!query_number (sb, msg, query, "value", 0, 1e12, &opts.balance))
    return;
  respond_number (sb, msg, "balance", opts.balance);
}

/* POST /_sandbox/delivery?fail=F: from now on, this share (0..1) of the
 * new live messages fails within five minutes (a falling delivery rate). */
static void
handle_set_delivery (Sandbox           *sb,
                     SoupServerMessage *msg,
                     GHashTable        *query)
{
  double fail;

  if (!query_number (sb, msg, query, "fail", 0, 1, &fail))
    return;
  /* Messages up to now keep the fate they were made with. */
  sandbox_update_clock (sb);
  opts.live_fail = fail;
  respond_number (sb, msg, "fail", opts.live_fail);
}

static void
handle_control (Sandbox           *sb,
                SoupServerMessage *msg,
                const char        *method,
                const char        *path,
                GHashTable        *query)
{
  gboolean get = strcmp (method, "GET") == 0;
  gboolean post = strcmp (method, "POST") == 0;

  if (strcmp (path, "/_sandbox/summary") == 0 && get)
    handle_summary (sb, msg);
  else if (strcmp (path, "/_sandbox/stats") == 0 && get)
    handle_stats (sb, msg);
  else if (strcmp (path, "/_sandbox/advance") == 0 && post)
    handle_advance (sb, msg, query);
  else if (strcmp (path, "/_sandbox/balance") == 0 && post)
    handle_set_balance (sb, msg, query);
  else if (strcmp (path, "/_sandbox/delivery") == 0 && post)
    handle_set_delivery (sb, msg, query);
  else if (strcmp (path, "/_sandbox/summary") == 0 ||
           strcmp (path, "/_sandbox/balance") == 0 ||
           strcmp (path, "/_sandbox/delivery") == 0 ||
           strcmp (path, "/_sandbox/stats") == 0 ||
           strcmp (path, "/_sandbox/advance") == 0)
    respond_error (sb, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed", FALSE);
  else
    respond_error (sb, msg, SOUP_STATUS_NOT_FOUND, "Not Found", FALSE);
}

/* ---- faults and dispatch ------------------------------------------------ */

static gboolean
take_token (Sandbox *sb)
{
  gint64 t = g_get_monotonic_time ();

  sb->tokens = MIN ((double) opts.rate_limit,
                    sb->tokens + (double) (t - sb->tokens_at) * opts.rate_limit / G_USEC_PER_SEC);
  sb->tokens_at = t;
  if (sb->tokens < 1.0)
    return FALSE;
  sb->tokens -= 1.0;
  return TRUE;
}

/* One draw per API request, a function of the seed and the request number. */
static double
fault_draw (const Sandbox *sb)
{
  return (double) (fmix64 (sb->fault_salt + sb->n_requests) >> 11) * (1.0 / 9007199254740992.0);
}

/* The API key, or a JWT from POST /oauth/token that has not expired on the
 * sandbox clock. */
static gboolean
check_auth (Sandbox           *sb,
            SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  gpointer expiry;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    return FALSE;
  auth += 7;
  while (*auth == ' ')
    auth++;
  if (strcmp (auth, opts.api_key) == 0)
    return TRUE;
  if (!g_hash_table_lookup_extended (sb->jwts, auth, NULL, &expiry))
    return FALSE;
  if (GPOINTER_TO_SIZE (expiry) != 0 && sb->now >= (gint64) GPOINTER_TO_SIZE (expiry))
    {
      sb->n_jwts_expired++;
      return FALSE;
    }
  return TRUE;
}

/* POST /oauth/token {"client_id", "secret", "expires_in" (minutes, optional)}
 * → {"jwt", "expires", "token_type": "bearer"}, as SMS.to documents it. A
 * wrong id or secret gets the 401 a wrong key gets. */
static void
handle_oauth_token (Sandbox           *sb,
                    SoupServerMessage *msg)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (request_body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object = NULL;
  const char *client_id = NULL, *secret = NULL;
  gint64 expires_in = 0;
  g_autofree char *jwt = NULL;
  GString *s;

  if (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));
  if (object != NULL)
    {
      client_id = json_object_get_string_member_with_default (object, "client_id", NULL);
      secret = json_object_get_string_member_with_default (object, "secret", NULL);
      if (json_object_has_member (object, "expires_in"))
        expires_in = json_object_get_int_member (object, "expires_in");
    }
  if (client_id == NULL || secret == NULL || expires_in < 0)
    {
      respond_error (sb, msg, 422, "client_id and secret are required", TRUE);
      return;
    }
  if (g_strcmp0 (client_id, opts.client_id) != 0 || g_strcmp0 (secret, opts.client_secret) != 0)
    {
      sb->n_jwts_refused++;
      respond_error (sb, msg, SOUP_STATUS_UNAUTHORIZED, "Invalid client credentials", TRUE);
      return;
    }

  sb->n_jwts_issued++;
  jwt = g_strdup_printf ("eyJzYW5kYm94IjoxfQ.%" G_GUINT64_FORMAT ".%08x",
                         sb->n_jwts_issued, g_random_int ());
  g_hash_table_insert (sb->jwts, g_strdup (jwt),
                       GSIZE_TO_POINTER (expires_in > 0 ? (gsize) (sb->now + expires_in * 60) : 0));

  s = g_string_new ("{\"jwt\":");
  append_json_string (s, jwt);
  if (expires_in > 0)
    g_string_append_printf (s, ",\"expires\":%" G_GINT64_FORMAT, expires_in);
  else
    g_string_append (s, ",\"expires\":null");
  g_string_append (s, ",\"token_type\":\"bearer\"}");
  respond (sb, msg, SOUP_STATUS_OK, s, TRUE);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Sandbox *sb = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  double draw;

  g_assert (sb != NULL);

  sandbox_update_clock (sb);
  g_debug ("%s %s", method, path);

  if (g_str_has_prefix (path, "/_sandbox/"))
    {
      handle_control (sb, msg, method, path, query);
      return;
    }

  sb->n_requests++;
  if (opts.rate_limit > 0)
    {
      gboolean allowed = take_token (sb);
      char limit[16];

      g_snprintf (limit, sizeof limit, "%d", opts.rate_limit);
      soup_message_headers_replace (response_headers, "X-RateLimit-Limit", limit);
      if (!allowed)
        {
          sb->n_faults++;
          sb->n_rate_limited++;
          if (opts.retry_after)
            soup_message_headers_replace (response_headers, "Retry-After", "1");
          respond_error (sb, msg, 429 /* Too Many Requests */, "Error 429 - Too many requests...", TRUE);
          return;
        }
    }

  draw = fault_draw (sb);
  if (draw < opts.drop_rate)
    {
      g_autoptr(GIOStream) stream = NULL;

      sb->n_faults++;
      sb->n_dropped++;
      stream = soup_server_message_steal_connection (msg);
      if (stream != NULL)
        g_io_stream_close (stream, NULL, NULL);
      return;
    }
  if (draw < opts.drop_rate + opts.fail_rate)
    {
      sb->n_faults++;
      sb->n_failed++;
      respond_error (sb, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Server Error", TRUE);
      return;
    }

  if (strcmp (path, "/oauth/token") == 0 && strcmp (method, "POST") == 0)
    {
      handle_oauth_token (sb, msg);
      return;
    }
  if (strcmp (method, "GET") != 0)
    {
      respond_error (sb, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "The method is not supported for this route.", TRUE);
      return;
    }
  if (!check_auth (sb, msg))
    {
      respond_error (sb, msg, SOUP_STATUS_UNAUTHORIZED, "Invalid API Key or Token", TRUE);
      return;
    }

  if (strcmp (path, "/api/balance") == 0)
    handle_balance (sb, msg);
  else if (strcmp (path, "/v2/messages") == 0)
    handle_messages (sb, msg, path, query);
  else if (strcmp (path, "/v2/last/message") == 0)
    handle_one_message (sb, msg, (gint64) sb->messages->len - 1);
  else if (g_str_has_prefix (path, "/message/") && strchr (path + 9, '/') == NULL)
    handle_one_message (sb, msg, sandbox_find_message (sb, path + 9));
  else if (strcmp (path, "/v2/campaigns") == 0)
    handle_campaigns (sb, msg, path, query);
  else if (strcmp (path, "/v2/last/campaign") == 0)
    handle_one_campaign (sb, msg, (gint64) sb->n_campaigns - 1);
  else if (g_str_has_prefix (path, "/v2/campaigns/") && strchr (path + 14, '/') == NULL)
    handle_one_campaign (sb, msg, sandbox_find_campaign (sb, path + 14));
  else
    respond_error (sb, msg, SOUP_STATUS_NOT_FOUND, "Not Found", TRUE);
}

/* ---- main --------------------------------------------------------------- */

static gboolean
rate_limit_cb (const char  *option_name,
               const char  *value,
               gpointer     data,
               GError     **error)
{
  guint64 v = 20;

  if (value != NULL && !g_ascii_string_to_unsigned (value, 10, 1, 1000000, &v, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--rate-limit wants a positive number of requests per second, not '%s'", value);
      return FALSE;
    }
  opts.rate_limit = (int) v;
  return TRUE;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static void
sandbox_free (Sandbox *sb)
{
  for (guint i = 0; i < sb->n_campaigns; i++)
    g_free (sb->campaigns[i].search_key);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_free (sb->text_json_prefix[i]);
      g_free (sb->text_json_suffix[i]);
    }
  for (guint i = 0; i < N_ORDERS; i++)
    g_free (sb->perm[i]);
  g_clear_object (&sb->server);
  g_clear_pointer (&sb->loop, g_main_loop_unref);
  g_clear_pointer (&sb->jwts, g_hash_table_unref);
  g_clear_pointer (&sb->messages, g_array_unref);
  g_free (sb->contacts);
  g_free (sb->campaigns);
  g_free (sb->campaign_msgs);
  g_free (sb->base_url);
  g_free (sb);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sandbox, sandbox_free)

static gboolean
check_rate (const char *name,
            double      value,
            GError    **error)
{
  if (value < 0.0 || value > 1.0 || isnan (value))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s must be between 0 and 1", name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_options (GError **error)
{
  if (opts.port < 0 || opts.port > 65535)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--port must be 0…65535");
      return FALSE;
    }
  if (opts.n_messages < 0 || opts.n_campaigns < 0 || opts.days < 1 || opts.days > 10000 ||
      opts.max_per_page < 1 || opts.live_rate < 0 || opts.latency_ms < 0 ||
      opts.malformed_page < 0 || opts.malformed_times < 0 || opts.balance < 0 || isnan (opts.balance))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "counts must not be negative, --days must be 1…10000, --max-per-page at least 1");
      return FALSE;
    }
  if (!check_rate ("--fail-rate", opts.fail_rate, error) ||
      !check_rate ("--drop-rate", opts.drop_rate, error))
    return FALSE;
  if (opts.variant != NULL && strcmp (opts.variant, "v2") != 0 && strcmp (opts.variant, "legacy") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--variant must be v2 or legacy, not '%s'", opts.variant);
      return FALSE;
    }
  if (opts.filter_timezone != NULL)
    {
      int sign, h = 0, m = 0;
      const char *p = opts.filter_timezone;

      sign = *p == '-' ? -1 : 1;
      if ((*p != '+' && *p != '-') || sscanf (p + 1, "%2d:%2d", &h, &m) < 1 || h > 14 || m > 59)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--filter-timezone wants ±HH:MM, not '%s'", opts.filter_timezone);
          return FALSE;
        }
      opts.filter_offset_s = sign * (h * 3600 + m * 60);
    }
  if (opts.burst < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--burst must not be negative");
      return FALSE;
    }
  if (opts.hostile != NULL)
    {
      static const char * const modes[] = { "garbage", "bad-records", "huge-body", "too-many", "slow",
                                            "long-wait", "big-error", "redirect", "redirect-same", NULL };

      if (!g_strv_contains (modes, opts.hostile))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "unknown --hostile mode '%s'", opts.hostile);
          return FALSE;
        }
    }
  if (opts.api_key == NULL)
    opts.api_key = g_strdup ("test-key");
  if (opts.client_id == NULL)
    opts.client_id = g_strdup ("test-client");
  if (opts.client_secret == NULL)
    opts.client_secret = g_strdup ("test-secret");
  if (opts.currency == NULL)
    opts.currency = g_strdup ("EUR");
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &opts.port, "Port on 127.0.0.1 (0: any free port)", "N" },
    { "api-key", 0, 0, G_OPTION_ARG_STRING, &opts.api_key, "The accepted Bearer key (default test-key)", "KEY" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &opts.client_id, "The client id POST /oauth/token accepts (default test-client)", "ID" },
    { "client-secret", 0, 0, G_OPTION_ARG_STRING, &opts.client_secret, "Its secret (default test-secret)", "SECRET" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &opts.seed, "Seed of the generated account and of the faults (default 42)", "N" },
    { "messages", 0, 0, G_OPTION_ARG_INT, &opts.n_messages, "Messages in the history (default 50000)", "N" },
    { "campaigns", 0, 0, G_OPTION_ARG_INT, &opts.n_campaigns, "Campaigns (default 300)", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &opts.days, "Days of history, ending now (default 90)", "N" },
    { "max-per-page", 0, 0, G_OPTION_ARG_INT, &opts.max_per_page, "Largest accepted limit (default 1000)", "N" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &opts.now_str, "Start time of the clock (ISO 8601, default: the real time)", "TIME" },
    { "live", 0, 0, G_OPTION_ARG_NONE, &opts.live, "New messages arrive over time", NULL },
    { "manual-clock", 0, 0, G_OPTION_ARG_NONE, &opts.manual_clock, "The clock only moves through POST /_sandbox/advance", NULL },
    { "live-rate", 0, 0, G_OPTION_ARG_INT, &opts.live_rate, "New messages per minute in live mode (default 60)", "N" },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, &opts.latency_ms, "Delay of every API response", "N" },
    { "fail-rate", 0, 0, G_OPTION_ARG_DOUBLE, &opts.fail_rate, "Fraction of API requests answered 500", "F" },
    { "drop-rate", 0, 0, G_OPTION_ARG_DOUBLE, &opts.drop_rate, "Fraction of API requests whose connection is closed", "F" },
    { "rate-limit", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, (gpointer) rate_limit_cb,
      "Token bucket of N requests per second (default 20); excess gets 429", "N" },
    { "retry-after", 0, 0, G_OPTION_ARG_NONE, &opts.retry_after, "429 responses carry Retry-After: 1 (default)", NULL },
    { "no-retry-after", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &opts.retry_after, "429 responses carry no Retry-After", NULL },
    { "malformed-page", 0, 0, G_OPTION_ARG_INT, &opts.malformed_page, "Serve page N of /v2/messages as broken JSON", "N" },
    { "malformed-times", 0, 0, G_OPTION_ARG_INT, &opts.malformed_times, "How many times the malformed page is broken (default 1)", "N" },
    { "ignore-page", 0, 0, G_OPTION_ARG_NONE, &opts.ignore_page, "Ignore the page parameter of /v2/messages (every answer is page 1)", NULL },
    { "filter-timezone", 0, 0, G_OPTION_ARG_STRING, &opts.filter_timezone, "Read created_at_from/_to without a zone in this zone (e.g. +03:00)", "±HH:MM" },
    { "burst", 0, 0, G_OPTION_ARG_INT, &opts.burst, "N messages in the middle of the history share one created_at", "N" },
    { "hostile", 0, 0, G_OPTION_ARG_STRING, &opts.hostile, "garbage, bad-records, huge-body, too-many, slow, long-wait, big-error, redirect, redirect-same", "MODE" },
    { "variant", 0, 0, G_OPTION_ARG_STRING, &opts.variant, "Field shape: v2 (default) or legacy (_id, client_cost)", "v2|legacy" },
    { "balance", 0, 0, G_OPTION_ARG_DOUBLE, &opts.balance, "Account balance (default 1250.75)", "X" },
    { "currency", 0, 0, G_OPTION_ARG_STRING, &opts.currency, "Account currency (default EUR)", "CODE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- a fake SMS.to server for tests");
  g_autoptr(GError) error = NULL;
  g_autoptr(Sandbox) sb = g_new0 (Sandbox, 1);
  g_autoptr(GSList) uris = NULL;
  gint64 t0 = g_get_monotonic_time ();
  guint port = 0;

  sb->jwts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* stdout carries the URL line only */
  g_log_writer_default_set_use_stderr (TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !check_options (&error))
    {
      g_printerr ("sr-sandbox: %s\n", error->message);
      return 2;
    }

  for (guint i = 1; i < G_N_ELEMENTS (senders); i++)
    g_assert (strcmp (senders[i - 1], senders[i]) < 0);
  for (guint i = 1; i < N_STATUSES; i++)
    g_assert (strcmp (status_names[i - 1], status_names[i]) < 0);

  sb->legacy = g_strcmp0 (opts.variant, "legacy") == 0;
  if (opts.now_str != NULL)
    {
      int filter_offset = opts.filter_offset_s;
      gboolean ok;

      opts.filter_offset_s = 0;
      ok = parse_time_param (opts.now_str, FALSE, &sb->start);
      opts.filter_offset_s = filter_offset;
      if (!ok)
        {
          g_printerr ("sr-sandbox: --now wants an ISO 8601 time, not '%s'\n", opts.now_str);
          return 2;
        }
    }
  else
    sb->start = g_get_real_time () / G_USEC_PER_SEC;
  sb->now = sb->start;

  sandbox_init_texts (sb);
  sandbox_generate (sb);
  sb->shift = sb->start - REFERENCE_START;
  sandbox_shift (sb);
  if (opts.burst > 1 && sb->messages->len > 0)
    {
      /* N messages from the middle on get the created_at of the first one;
       * the array stays sorted */
      guint first = sb->messages->len / 2;
      guint end = MIN (sb->messages->len, first + (guint) opts.burst);
      gint64 t = MSG (sb, first)->created;

      for (guint i = first; i < end; i++)
        MSG (sb, i)->created = t;
    }
  sb->mono_start = g_get_monotonic_time ();
  sb->tokens = opts.rate_limit;
  sb->tokens_at = sb->mono_start;

  sb->server = soup_server_new ("server-header", "sr-sandbox", NULL);
  soup_server_add_handler (sb->server, NULL, server_cb, sb, NULL);
  if (!soup_server_listen_local (sb->server, (guint) opts.port, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("sr-sandbox: cannot listen on 127.0.0.1:%d: %s\n", opts.port, error->message);
      return 1;
    }
  uris = soup_server_get_uris (sb->server);
  if (uris != NULL)
    port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  sb->base_url = g_strdup_printf ("http://127.0.0.1:%u", port);

  g_debug ("%u messages, %u campaigns, %u contacts generated in %.2f s",
           sb->messages->len, sb->n_campaigns, sb->n_contacts,
           (double) (sb->mono_start - t0) / G_USEC_PER_SEC);

  /* handlers first: a test may send SIGTERM as soon as it has the URL */
  sb->loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, sb->loop);
  g_unix_signal_add (SIGINT, quit_cb, sb->loop);

  printf ("%s\n", sb->base_url);
  fflush (stdout);

  g_main_loop_run (sb->loop);

  soup_server_disconnect (sb->server);
  g_free (opts.api_key);
  g_free (opts.client_id);
  g_free (opts.client_secret);
  g_free (opts.currency);
  g_free (opts.variant);
  g_free (opts.now_str);
  g_free (opts.filter_timezone);
  g_free (opts.hostile);
  return 0;
}
