# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
#
# Sourced by build-aux/test, build-aux/demo and .ci/run.
#
# sr_native_platform: succeeds when this machine can build the app itself
# (GTK >= 4.18 and libadwaita >= 1.7 installed, or offered by its package
# manager); otherwise the build runs in the Debian 13 build root
# (build-aux/buildroot). SR_BUILDROOT=always or never overrides the choice.

SR_GTK_MIN=4.18
SR_ADW_MIN=1.7

sr_native_platform () {
  [ -n "${SR_IN_BUILDROOT:-}" ] && return 0
  case ${SR_BUILDROOT:-auto} in
    always) return 1 ;;
    never) return 0 ;;
  esac
  if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gtk4 libadwaita-1; then
    pkg-config --exists "gtk4 >= $SR_GTK_MIN" "libadwaita-1 >= $SR_ADW_MIN"
    return
  fi
  # Not installed yet: what would the package manager install?
  if ! command -v apt-cache >/dev/null 2>&1; then
    return 0    # not Debian-like: build natively, meson says what is missing
  fi
  local gtk adw
  gtk=$(apt-cache policy libgtk-4-dev 2>/dev/null | sed -n 's/^ *Candidate: //p')
  if [ -z "$gtk" ] || [ "$gtk" = "(none)" ]; then
    # A fresh machine may have no package lists yet.
    if [ "$(id -u)" -eq 0 ]; then apt-get update -q >&2; else sudo apt-get update -q >&2; fi
    gtk=$(apt-cache policy libgtk-4-dev 2>/dev/null | sed -n 's/^ *Candidate: //p')
  fi
  adw=$(apt-cache policy libadwaita-1-dev 2>/dev/null | sed -n 's/^ *Candidate: //p')
  [ -n "$gtk" ] && [ "$gtk" != "(none)" ] && [ -n "$adw" ] && [ "$adw" != "(none)" ] &&
    dpkg --compare-versions "$gtk" ge "$SR_GTK_MIN" &&
    dpkg --compare-versions "$adw" ge "$SR_ADW_MIN"
}

# sr_prepare_build_dir DIR: a build directory configured elsewhere (on the
# host or in the build root: another meson, other libraries) is started
# afresh; each build directory remembers where it was set up.
sr_prepare_build_dir () {
  local build=$1 here
  here="$(. /etc/os-release 2>/dev/null; echo "${ID:-unknown} ${VERSION_ID:-${VERSION_CODENAME:-}}") meson $(meson --version)"
  if [ -f "$build/build.ninja" ] && [ "$(cat "$build/.sr-build-env" 2>/dev/null)" != "$here" ]; then
    echo "$build was set up on another system; setting it up again"
    rm -rf "$build"
  fi
  mkdir -p "$build"
  echo "$here" >"$build/.sr-build-env"
}
