/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Forced into every compilation by build-aux/forward-check (gcc -include,
 * which comes after all -D options): drops the baseline version macros of
 * meson.build and src/app/meson.build, so the headers fall back to their
 * defaults, the installed version. Anything deprecated in the newer GLib,
 * libsoup, json-glib, GTK or libadwaita is then a warning (an error there).
 */
#undef GLIB_VERSION_MIN_REQUIRED
#undef GLIB_VERSION_MAX_ALLOWED
#undef SOUP_VERSION_MIN_REQUIRED
#undef SOUP_VERSION_MAX_ALLOWED
#undef JSON_VERSION_MIN_REQUIRED
#undef JSON_VERSION_MAX_ALLOWED
#undef GDK_VERSION_MIN_REQUIRED
#undef GDK_VERSION_MAX_ALLOWED
#undef ADW_VERSION_MIN_REQUIRED
#undef ADW_VERSION_MAX_ALLOWED
