#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# ensure-locale.sh LOCALE...  (e.g. de_DE.UTF-8 el_GR.UTF-8)
#
# Makes sure each glibc locale is installed, generating the missing ones on a
# Debian-like system (the `locales` package, which build-aux/install-deps
# --test installs). Generating needs root; the locale is also enabled in
# /etc/locale.gen so that a later `locale-gen` keeps it.
#
# Exit status: 0 when every locale is available afterwards, 77 (the usual
# "skip" code) when one cannot be generated; the reason goes to stdout as
# one line, for the caller's TAP skip message.
set -u

# "de_DE.UTF-8" and `locale -a`'s "de_DE.utf8" name the same locale.
normalize () {
  printf '%s\n' "$1" | tr '[:upper:]' '[:lower:]' | sed 's/utf-8/utf8/'
}

have_locale () {
  wanted=$(normalize "$1")
  locale -a 2>/dev/null | while read -r name; do
    if [ "$(normalize "$name")" = "$wanted" ]; then
      echo yes
      break
    fi
  done | grep -q yes
}

status=0
for loc in "$@"; do
  if have_locale "$loc"; then
    continue
  fi

  lang=${loc%%.*}           # de_DE
  charset=${loc#*.}         # UTF-8
  [ "$charset" = "$loc" ] && charset=UTF-8

  if [ "$(id -u)" -ne 0 ]; then
    echo "locale $loc is not installed and only root can generate it (sudo localedef -i $lang -f $charset $loc)"
    status=77
    continue
  fi
  if ! command -v localedef >/dev/null 2>&1 || [ ! -e "/usr/share/i18n/locales/$lang" ]; then
    echo "locale $loc is not installed and cannot be generated here (install the locales package)"
    status=77
    continue
  fi

  if [ -w /etc/locale.gen ]; then
    # Uncomment "# de_DE.UTF-8 UTF-8", or add the line.
    if grep -q "^# *$loc $charset\$" /etc/locale.gen; then
      sed -i "s/^# *\\($loc $charset\\)\$/\\1/" /etc/locale.gen
    elif ! grep -q "^$loc $charset\$" /etc/locale.gen; then
      echo "$loc $charset" >> /etc/locale.gen
    fi
  fi

  # What Debian's locale-gen does for one locale, without rebuilding the
  # others.
  alias_file=
  [ -e /usr/share/locale/locale.alias ] && alias_file="-A /usr/share/locale/locale.alias"
  # shellcheck disable=SC2086
  if ! localedef -i "$lang" -c -f "$charset" $alias_file "$loc" >/dev/null 2>&1 &&
     ! have_locale "$loc"; then
    echo "localedef could not generate $loc"
    status=77
    continue
  fi

  if ! have_locale "$loc"; then
    echo "locale $loc is still missing after localedef"
    status=77
  fi
done

exit $status
