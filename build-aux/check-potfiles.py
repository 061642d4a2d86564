#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks that po/POTFILES.in is complete and current: every source file with
# translatable strings is listed (C: _(), N_(), C_(), NC_(), Q_(), ngettext;
# GtkBuilder: translatable="yes"; the desktop entry, metainfo and settings
# schema templates in data/), every listed file exists, nothing is listed
# twice. Files named in po/POTFILES.skip are exempt.
#
# usage: build-aux/check-potfiles.py [--add-missing] [SOURCE_ROOT]
#   --add-missing  append the missing files to po/POTFILES.in (keeps the rest)

import os
import re
import sys

C_MARKERS = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|[A-Za-z_]*ngettext|g_dpgettext2?)\s*\(')
UI_MARKER = re.compile(r'translatable\s*=\s*["\'](?:yes|true|1)["\']', re.IGNORECASE)
BLOCK_COMMENT = re.compile(r'/\*.*?\*/', re.DOTALL)
C_SUFFIXES = ('.c', '.h')
UI_SUFFIXES = ('.ui', '.ui.in')
DATA_SUFFIXES = ('.desktop.in', '.metainfo.xml.in', '.appdata.xml.in', '.gschema.xml.in')


def read_list(path):
    entries = []
    if not os.path.isfile(path):
        return entries
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#') or line.startswith('[encoding'):
                continue
            # "[type: gettext/glade]path" names a file with an explicit type
            line = re.sub(r'^\[type:[^\]]*\]\s*', '', line)
            entries.append(line)
    return entries


def has_translatable_strings(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    if path.endswith(C_SUFFIXES):
        return C_MARKERS.search(BLOCK_COMMENT.sub('', text)) is not None
    if path.endswith(UI_SUFFIXES):
        return UI_MARKER.search(text) is not None
    if path.endswith(DATA_SUFFIXES):
        return True
    return False


def candidate_files(source_root):
    for top in ('src', 'data'):
        for dirpath, dirnames, filenames in os.walk(os.path.join(source_root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
            for name in sorted(filenames):
                if name.endswith(C_SUFFIXES + UI_SUFFIXES + DATA_SUFFIXES):
                    path = os.path.join(dirpath, name)
                    yield os.path.relpath(path, source_root)


def main():
    args = sys.argv[1:]
    add_missing = '--add-missing' in args
    args = [a for a in args if a != '--add-missing']
    source_root = os.path.abspath(args[0] if args else
                                  os.path.join(os.path.dirname(__file__), '..'))
    potfiles = os.path.join(source_root, 'po', 'POTFILES.in')
    listed = read_list(potfiles)
    skipped = set(read_list(os.path.join(source_root, 'po', 'POTFILES.skip')))
    failures = []

    seen = set()
    for entry in listed:
        if entry in seen:
            failures.append(f'{entry} is listed twice in po/POTFILES.in')
        seen.add(entry)
        if not os.path.isfile(os.path.join(source_root, entry)):
            failures.append(f'{entry} is listed in po/POTFILES.in but does not exist')

    missing = []
    for rel in candidate_files(source_root):
        if rel in seen or rel in skipped:
            continue
        if has_translatable_strings(os.path.join(source_root, rel)):
            missing.append(rel)

    if add_missing and missing:
        with open(potfiles, 'a', encoding='utf-8') as f:
            f.write(''.join(rel + '\n' for rel in missing))
        print('added to po/POTFILES.in:', ' '.join(missing))
    else:
        failures += [f'{rel} has translatable strings but is not in po/POTFILES.in' for rel in missing]

    for f in failures:
        print('FAIL:', f)
    if failures:
        return 1
    print(f'po/POTFILES.in OK ({len(listed)} files)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
