/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-countries.c: the calling-code table and its longest-prefix lookup.
 *
 * The table holds every country code of ITU-T E.164 in use, plus the longer
 * prefixes that tell apart territories sharing one: the North American
 * Numbering Plan (+1, split by area code into the United States, Canada and
 * the Caribbean), +7 (Russia, Kazakhstan), +44 (the Crown Dependencies), and
 * a few overseas territories. It is looked up through a digit trie built
 * once, so the dashboard can classify a million recipients in a few
 * milliseconds.
 */

#define G_LOG_DOMAIN "sr-countries"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "sr-countries.h"

/* Sorted by prefix; a prefix appears once. */
static const SrCountry countries[] = {
  { "US", N_("United States"), "+1" },
  { "CA", N_("Canada"), "+1204" },
  { "CA", N_("Canada"), "+1226" },
  { "CA", N_("Canada"), "+1236" },
  { "BS", N_("Bahamas"), "+1242" },
  { "BB", N_("Barbados"), "+1246" },
  { "CA", N_("Canada"), "+1249" },
  { "CA", N_("Canada"), "+1250" },
  { "CA", N_("Canada"), "+1263" },
  { "AI", N_("Anguilla"), "+1264" },
  { "AG", N_("Antigua and Barbuda"), "+1268" },
  { "VG", N_("British Virgin Islands"), "+1284" },
  { "CA", N_("Canada"), "+1289" },
  { "CA", N_("Canada"), "+1306" },
  { "VI", N_("U.S. Virgin Islands"), "+1340" },
  { "CA", N_("Canada"), "+1343" },
  { "KY", N_("Cayman Islands"), "+1345" },
  { "CA", N_("Canada"), "+1354" },
  { "CA", N_("Canada"), "+1365" },
  { "CA", N_("Canada"), "+1367" },
  { "CA", N_("Canada"), "+1368" },
  { "CA", N_("Canada"), "+1382" },
  { "CA", N_("Canada"), "+1403" },
  { "CA", N_("Canada"), "+1416" },
  { "CA", N_("Canada"), "+1418" },
  { "CA", N_("Canada"), "+1428" },
  { "CA", N_("Canada"), "+1431" },
  { "CA", N_("Canada"), "+1437" },
  { "CA", N_("Canada"), "+1438" },
  { "BM", N_("Bermuda"), "+1441" },
  { "CA", N_("Canada"), "+1450" },
  { "CA", N_("Canada"), "+1468" },
  { "GD", N_("Grenada"), "+1473" },
  { "CA", N_("Canada"), "+1474" },
  { "CA", N_("Canada"), "+1506" },
  { "CA", N_("Canada"), "+1514" },
  { "CA", N_("Canada"), "+1519" },
  { "CA", N_("Canada"), "+1548" },
  { "CA", N_("Canada"), "+1579" },
  { "CA", N_("Canada"), "+1581" },
  { "CA", N_("Canada"), "+1584" },
  { "CA", N_("Canada"), "+1587" },
  { "CA", N_("Canada"), "+1604" },
  { "CA", N_("Canada"), "+1613" },
  { "CA", N_("Canada"), "+1639" },
  { "CA", N_("Canada"), "+1647" },
  { "TC", N_("Turks and Caicos Islands"), "+1649" },
  { "JM", N_("Jamaica"), "+1658" },
  { "MS", N_("Montserrat"), "+1664" },
  { "MP", N_("Northern Mariana Islands"), "+1670" },
  { "GU", N_("Guam"), "+1671" },
  { "CA", N_("Canada"), "+1672" },
  { "CA", N_("Canada"), "+1683" },
  { "AS", N_("American Samoa"), "+1684" },
  { "CA", N_("Canada"), "+1705" },
  { "CA", N_("Canada"), "+1709" },
  { "SX", N_("Sint Maarten"), "+1721" },
  { "CA", N_("Canada"), "+1742" },
  { "CA", N_("Canada"), "+1753" },
  { "LC", N_("Saint Lucia"), "+1758" },
  { "DM", N_("Dominica"), "+1767" },
  { "CA", N_("Canada"), "+1778" },
  { "CA", N_("Canada"), "+1780" },
  { "CA", N_("Canada"), "+1782" },
  { "VC", N_("Saint Vincent and the Grenadines"), "+1784" },
  { "PR", N_("Puerto Rico"), "+1787" },
  { "CA", N_("Canada"), "+1807" },
  { "DO", N_("Dominican Republic"), "+1809" },
  { "CA", N_("Canada"), "+1819" },
  { "CA", N_("Canada"), "+1825" },
  { "DO", N_("Dominican Republic"), "+1829" },
  { "DO", N_("Dominican Republic"), "+1849" },
  { "CA", N_("Canada"), "+1867" },
  { "TT", N_("Trinidad and Tobago"), "+1868" },
  { "KN", N_("Saint Kitts and Nevis"), "+1869" },
  { "CA", N_("Canada"), "+1873" },
  { "JM", N_("Jamaica"), "+1876" },
  { "CA", N_("Canada"), "+1879" },
  { "CA", N_("Canada"), "+1902" },
  { "CA", N_("Canada"), "+1905" },
  { "PR", N_("Puerto Rico"), "+1939" },
  { "EG", N_("Egypt"), "+20" },
  { "SS", N_("South Sudan"), "+211" },
  { "MA", N_("Morocco"), "+212" },
  { "DZ", N_("Algeria"), "+213" },
  { "TN", N_("Tunisia"), "+216" },
  { "LY", N_("Libya"), "+218" },
  { "GM", N_("Gambia"), "+220" },
  { "SN", N_("Senegal"), "+221" },
  { "MR", N_("Mauritania"), "+222" },
  { "ML", N_("Mali"), "+223" },
  { "GN", N_("Guinea"), "+224" },
  { "CI", N_("Côte d’Ivoire"), "+225" },
  { "BF", N_("Burkina Faso"), "+226" },
  { "NE", N_("Niger"), "+227" },
  { "TG", N_("Togo"), "+228" },
  { "BJ", N_("Benin"), "+229" },
  { "MU", N_("Mauritius"), "+230" },
  { "LR", N_("Liberia"), "+231" },
  { "SL", N_("Sierra Leone"), "+232" },
  { "GH", N_("Ghana"), "+233" },
  { "NG", N_("Nigeria"), "+234" },
  { "TD", N_("Chad"), "+235" },
  { "CF", N_("Central African Republic"), "+236" },
  { "CM", N_("Cameroon"), "+237" },
  { "CV", N_("Cape Verde"), "+238" },
  { "ST", N_("São Tomé and Príncipe"), "+239" },
  { "GQ", N_("Equatorial Guinea"), "+240" },
  { "GA", N_("Gabon"), "+241" },
  { "CG", N_("Congo"), "+242" },
  { "CD", N_("Democratic Republic of the Congo"), "+243" },
  { "AO", N_("Angola"), "+244" },
  { "GW", N_("Guinea-Bissau"), "+245" },
  { "IO", N_("British Indian Ocean Territory"), "+246" },
  { "AC", N_("Ascension Island"), "+247" },
  { "SC", N_("Seychelles"), "+248" },
  { "SD", N_("Sudan"), "+249" },
  { "RW", N_("Rwanda"), "+250" },
  { "ET", N_("Ethiopia"), "+251" },
  { "SO", N_("Somalia"), "+252" },
  { "DJ", N_("Djibouti"), "+253" },
  { "KE", N_("Kenya"), "+254" },
  { "TZ", N_("Tanzania"), "+255" },
  { "UG", N_("Uganda"), "+256" },
  { "BI", N_("Burundi"), "+257" },
  { "MZ", N_("Mozambique"), "+258" },
  { "ZM", N_("Zambia"), "+260" },
  { "MG", N_("Madagascar"), "+261" },
  { "RE", N_("Réunion"), "+262" },
  { "YT", N_("Mayotte"), "+262269" },
  { "YT", N_("Mayotte"), "+262639" },
  { "ZW", N_("Zimbabwe"), "+263" },
  { "NA", N_("Namibia"), "+264" },
  { "MW", N_("Malawi"), "+265" },
  { "LS", N_("Lesotho"), "+266" },
  { "BW", N_("Botswana"), "+267" },
  { "SZ", N_("Eswatini"), "+268" },
  { "KM", N_("Comoros"), "+269" },
  { "ZA", N_("South Africa"), "+27" },
  { "SH", N_("Saint Helena"), "+290" },
  { "TA", N_("Tristan da Cunha"), "+2908" },
  { "ER", N_("Eritrea"), "+291" },
  { "AW", N_("Aruba"), "+297" },
  { "FO", N_("Faroe Islands"), "+298" },
  { "GL", N_("Greenland"), "+299" },
  { "GR", N_("Greece"), "+30" },
  { "NL", N_("Netherlands"), "+31" },
  { "BE", N_("Belgium"), "+32" },
  { "FR", N_("France"), "+33" },
  { "ES", N_("Spain"), "+34" },
  { "GI", N_("Gibraltar"), "+350" },
  { "PT", N_("Portugal"), "+351" },
  { "LU", N_("Luxembourg"), "+352" },
  { "IE", N_("Ireland"), "+353" },
  { "IS", N_("Iceland"), "+354" },
  { "AL", N_("Albania"), "+355" },
  { "MT", N_("Malta"), "+356" },
  { "CY", N_("Cyprus"), "+357" },
  { "FI", N_("Finland"), "+358" },
  { "AX", N_("Åland Islands"), "+35818" },
  { "BG", N_("Bulgaria"), "+359" },
  { "HU", N_("Hungary"), "+36" },
  { "LT", N_("Lithuania"), "+370" },
  { "LV", N_("Latvia"), "+371" },
  { "EE", N_("Estonia"), "+372" },
  { "MD", N_("Moldova"), "+373" },
  { "AM", N_("Armenia"), "+374" },
  { "BY", N_("Belarus"), "+375" },
  { "AD", N_("Andorra"), "+376" },
  { "MC", N_("Monaco"), "+377" },
  { "SM", N_("San Marino"), "+378" },
  { "VA", N_("Vatican City"), "+379" },
  { "UA", N_("Ukraine"), "+380" },
  { "RS", N_("Serbia"), "+381" },
  { "ME", N_("Montenegro"), "+382" },
  { "XK", N_("Kosovo"), "+383" },
  { "HR", N_("Croatia"), "+385" },
  { "SI", N_("Slovenia"), "+386" },
  { "BA", N_("Bosnia and Herzegovina"), "+387" },
  { "MK", N_("North Macedonia"), "+389" },
  { "IT", N_("Italy"), "+39" },
  { "VA", N_("Vatican City"), "+3906698" },
  { "RO", N_("Romania"), "+40" },
  { "CH", N_("Switzerland"), "+41" },
  { "CZ", N_("Czechia"), "+420" },
  { "SK", N_("Slovakia"), "+421" },
  { "LI", N_("Liechtenstein"), "+423" },
  { "AT", N_("Austria"), "+43" },
  { "GB", N_("United Kingdom"), "+44" },
  { "GG", N_("Guernsey"), "+441481" },
  { "JE", N_("Jersey"), "+441534" },
  { "IM", N_("Isle of Man"), "+441624" },
  { "DK", N_("Denmark"), "+45" },
  { "SE", N_("Sweden"), "+46" },
  { "NO", N_("Norway"), "+47" },
  { "SJ", N_("Svalbard and Jan Mayen"), "+4779" },
  { "PL", N_("Poland"), "+48" },
  { "DE", N_("Germany"), "+49" },
  { "FK", N_("Falkland Islands"), "+500" },
  { "BZ", N_("Belize"), "+501" },
  { "GT", N_("Guatemala"), "+502" },
  { "SV", N_("El Salvador"), "+503" },
  { "HN", N_("Honduras"), "+504" },
  { "NI", N_("Nicaragua"), "+505" },
  { "CR", N_("Costa Rica"), "+506" },
  { "PA", N_("Panama"), "+507" },
  { "PM", N_("Saint Pierre and Miquelon"), "+508" },
  { "HT", N_("Haiti"), "+509" },
  { "PE", N_("Peru"), "+51" },
  { "MX", N_("Mexico"), "+52" },
  { "CU", N_("Cuba"), "+53" },
  { "AR", N_("Argentina"), "+54" },
  { "BR", N_("Brazil"), "+55" },
  { "CL", N_("Chile"), "+56" },
  { "CO", N_("Colombia"), "+57" },
  { "VE", N_("Venezuela"), "+58" },
  { "GP", N_("Guadeloupe"), "+590" },
  { "BO", N_("Bolivia"), "+591" },
  { "GY", N_("Guyana"), "+592" },
  { "EC", N_("Ecuador"), "+593" },
  { "GF", N_("French Guiana"), "+594" },
  { "PY", N_("Paraguay"), "+595" },
  { "MQ", N_("Martinique"), "+596" },
  { "SR", N_("Suriname"), "+597" },
  { "UY", N_("Uruguay"), "+598" },
  { "CW", N_("Curaçao"), "+599" },
  { "BQ", N_("Caribbean Netherlands"), "+5993" },
  { "BQ", N_("Caribbean Netherlands"), "+5994" },
  { "BQ", N_("Caribbean Netherlands"), "+5997" },
  { "MY", N_("Malaysia"), "+60" },
  { "AU", N_("Australia"), "+61" },
  { "CC", N_("Cocos (Keeling) Islands"), "+6189162" },
  { "CX", N_("Christmas Island"), "+6189164" },
  { "ID", N_("Indonesia"), "+62" },
  { "PH", N_("Philippines"), "+63" },
  { "NZ", N_("New Zealand"), "+64" },
  { "SG", N_("Singapore"), "+65" },
  { "TH", N_("Thailand"), "+66" },
  { "TL", N_("Timor-Leste"), "+670" },
  { "NF", N_("Norfolk Island"), "+672" },
  { "BN", N_("Brunei"), "+673" },
  { "NR", N_("Nauru"), "+674" },
  { "PG", N_("Papua New Guinea"), "+675" },
  { "TO", N_("Tonga"), "+676" },
  { "SB", N_("Solomon Islands"), "+677" },
  { "VU", N_("Vanuatu"), "+678" },
  { "FJ", N_("Fiji"), "+679" },
  { "PW", N_("Palau"), "+680" },
  { "WF", N_("Wallis and Futuna"), "+681" },
  { "CK", N_("Cook Islands"), "+682" },
  { "NU", N_("Niue"), "+683" },
  { "WS", N_("Samoa"), "+685" },
  { "KI", N_("Kiribati"), "+686" },
  { "NC", N_("New Caledonia"), "+687" },
  { "TV", N_("Tuvalu"), "+688" },
  { "PF", N_("French Polynesia"), "+689" },
  { "TK", N_("Tokelau"), "+690" },
  { "FM", N_("Micronesia"), "+691" },
  { "MH", N_("Marshall Islands"), "+692" },
  { "RU", N_("Russia"), "+7" },
  { "KZ", N_("Kazakhstan"), "+76" },
  { "KZ", N_("Kazakhstan"), "+77" },
  { "JP", N_("Japan"), "+81" },
  { "KR", N_("South Korea"), "+82" },
  { "VN", N_("Vietnam"), "+84" },
  { "KP", N_("North Korea"), "+850" },
  { "HK", N_("Hong Kong"), "+852" },
  { "MO", N_("Macao"), "+853" },
  { "KH", N_("Cambodia"), "+855" },
  { "LA", N_("Laos"), "+856" },
  { "CN", N_("China"), "+86" },
  { "BD", N_("Bangladesh"), "+880" },
  { "TW", N_("Taiwan"), "+886" },
  { "TR", N_("Türkiye"), "+90" },
  { "IN", N_("India"), "+91" },
  { "PK", N_("Pakistan"), "+92" },
  { "AF", N_("Afghanistan"), "+93" },
  { "LK", N_("Sri Lanka"), "+94" },
  { "MM", N_("Myanmar"), "+95" },
  { "MV", N_("Maldives"), "+960" },
  { "LB", N_("Lebanon"), "+961" },
  { "JO", N_("Jordan"), "+962" },
  { "SY", N_("Syria"), "+963" },
  { "IQ", N_("Iraq"), "+964" },
  { "KW", N_("Kuwait"), "+965" },
  { "SA", N_("Saudi Arabia"), "+966" },
  { "YE", N_("Yemen"), "+967" },
  { "OM", N_("Oman"), "+968" },
  { "PS", N_("Palestine"), "+970" },
  { "AE", N_("United Arab Emirates"), "+971" },
  { "IL", N_("Israel"), "+972" },
  { "BH", N_("Bahrain"), "+973" },
  { "QA", N_("Qatar"), "+974" },
  { "BT", N_("Bhutan"), "+975" },
  { "MN", N_("Mongolia"), "+976" },
  { "NP", N_("Nepal"), "+977" },
  { "IR", N_("Iran"), "+98" },
  { "TJ", N_("Tajikistan"), "+992" },
  { "TM", N_("Turkmenistan"), "+993" },
  { "AZ", N_("Azerbaijan"), "+994" },
  { "GE", N_("Georgia"), "+995" },
  { "KG", N_("Kyrgyzstan"), "+996" },
  { "UZ", N_("Uzbekistan"), "+998" },
};

/* Longest prefix in the table, in digits ("3906698"). */
#define MAX_PREFIX_DIGITS 7

/* Enough for the table: it has about 800 distinct prefix digits. */
#define MAX_NODES 1024

typedef struct
{
  guint16 child[10];   /* node index, 0 = none (node 0 is the root) */
  gint16  country;     /* index in countries[], -1 = no entry ends here */
} TrieNode;

static TrieNode trie[MAX_NODES];

/* Per entry: the shortest entry whose prefix starts this entry's prefix (its
 * E.164 country code), and whether entries of other countries have the same
 * one. */
static guint16 calling_code_of[G_N_ELEMENTS (countries)];
static gboolean calling_code_shared[G_N_ELEMENTS (countries)];

static void
build_trie (void)
{
  guint n_nodes = 1;

  for (guint i = 0; i < MAX_NODES; i++)
    trie[i].country = -1;

  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    {
      const char *p = countries[i].prefix;
      guint node = 0;

      g_assert (p[0] == '+');
      g_assert (strlen (p + 1) <= MAX_PREFIX_DIGITS);

      for (p++; *p != '\0'; p++)
        {
          guint digit = (guint) (*p - '0');

          g_assert (digit < 10);
          if (trie[node].child[digit] == 0)
            {
              g_assert (n_nodes < MAX_NODES);
              trie[node].child[digit] = (guint16) n_nodes++;
            }
          node = trie[node].child[digit];
        }

      g_assert (trie[node].country == -1);
      trie[node].country = (gint16) i;
    }

  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    {
      guint node = 0;

      calling_code_of[i] = (guint16) i;
      for (const char *p = countries[i].prefix + 1; *p != '\0'; p++)
        {
          node = trie[node].child[*p - '0'];
          if (trie[node].country >= 0)
            {
              calling_code_of[i] = (guint16) trie[node].country;
              break;
            }
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    {
      for (guint j = 0; j < G_N_ELEMENTS (countries); j++)
        {
          if (calling_code_of[j] == calling_code_of[i] &&
              strcmp (countries[j].code, countries[i].code) != 0)
            {
              calling_code_shared[i] = TRUE;
              break;
            }
        }
    }
}

static inline void
ensure_trie (void)
{
  static gsize built = 0;

  if (g_once_init_enter (&built))
    {
      build_trie ();
      g_once_init_leave (&built, 1);
    }
}

static inline gboolean
is_separator (char c)
{
  return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')';
}

const SrCountry *
sr_country_from_number (const char *number)
{
  const char *p = number;
  guint node = 0;
  int found = -1;

  if (number == NULL)
    return NULL;

  ensure_trie ();

  while (is_separator (*p))
    p++;
  if (*p == '+')
    p++;
  else if (p[0] == '0' && p[1] == '0')
    p += 2;

  for (guint depth = 0; *p != '\0' && depth < MAX_PREFIX_DIGITS; p++)
    {
      guint digit;

      if (is_separator (*p))
        continue;

      digit = (guint) (*p - '0');
      if (digit >= 10 || trie[node].child[digit] == 0)
        break;

      node = trie[node].child[digit];
      depth++;
      if (trie[node].country >= 0)
        found = trie[node].country;
    }

  return found >= 0 ? &countries[found] : NULL;
}

const SrCountry *
sr_country_from_code (const char *code)
{
  if (code == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    {
      if (g_ascii_strcasecmp (countries[i].code, code) == 0)
        return &countries[i];
    }

  return NULL;
}

static inline guint
entry_index (const SrCountry *country)
{
  g_assert (country >= countries && country < countries + G_N_ELEMENTS (countries));

  return (guint) (country - countries);
}

const char *
sr_country_get_calling_code (const SrCountry *country)
{
  g_return_val_if_fail (country != NULL, NULL);

  ensure_trie ();
  return countries[calling_code_of[entry_index (country)]].prefix;
}

gboolean
sr_country_is_calling_code_shared (const SrCountry *country)
{
  g_return_val_if_fail (country != NULL, FALSE);

  ensure_trie ();
  return calling_code_shared[entry_index (country)];
}

const char *
sr_country_get_name (const SrCountry *country)
{
  g_return_val_if_fail (country != NULL, NULL);

  return g_dgettext (GETTEXT_PACKAGE, country->name);
}

const SrCountry *
sr_countries_get_all (guint *n_countries)
{
  if (n_countries != NULL)
    *n_countries = G_N_ELEMENTS (countries);

  return countries;
}
