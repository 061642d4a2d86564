#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the app icons: the full-colour icon is a 128×128 SVG, the symbolic
# one a 16×16 SVG drawn only in #2e3436 (GTK recolours it), neither refers to
# external files, and both render (when rsvg-convert is installed).
#
# usage: check-icons.py SCALABLE_SVG SYMBOLIC_SVG

import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = '{http://www.w3.org/2000/svg}'
XLINK_HREF = '{http://www.w3.org/1999/xlink}href'

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def colours(root):
    found = set()
    for el in root.iter():
        for attr in ('fill', 'stroke', 'stop-color', 'color'):
            value = el.get(attr)
            if value:
                found.add(value.lower())
        for m in re.finditer(r'(fill|stroke|stop-color|color)\s*:\s*([^;]+)', el.get('style', '')):
            found.add(m.group(2).strip().lower())
    return found


def check_svg(path, size, symbolic):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        check(False, f'{path}: not well-formed: {e}')
        return
    check(root.tag == SVG + 'svg', f'{path}: not an SVG document')
    check(root.get('viewBox') == f'0 0 {size} {size}', f'{path}: viewBox must be "0 0 {size} {size}"')
    check(root.get('width') == str(size) and root.get('height') == str(size),
          f'{path}: width and height must be {size}')
    for el in root.iter():
        href = el.get('href') or el.get(XLINK_HREF)
        check(href is None or href.startswith('#'), f'{path}: external reference {href}')
        check(el.tag != SVG + 'image', f'{path}: embedded images are not allowed')
    if symbolic:
        used = colours(root) - {'none'}
        check(used == {'#2e3436'}, f'{path}: symbolic icons use only #2e3436, found {sorted(used)}')
        check(all(el.get('stroke') in (None, 'none') for el in root.iter()),
              f'{path}: symbolic icons are filled paths, not strokes')

    rsvg = shutil.which('rsvg-convert')
    if rsvg:
        with tempfile.NamedTemporaryFile(suffix='.png') as png:
            proc = subprocess.run([rsvg, '-w', str(size), '-h', str(size), path, '-o', png.name],
                                  capture_output=True, text=True)
            check(proc.returncode == 0, f'{path}: rsvg-convert failed: {proc.stderr.strip()}')
    else:
        print('rsvg-convert not installed: rendering not checked')


def main():
    scalable, symbolic = sys.argv[1:3]
    check_svg(scalable, 128, False)
    check_svg(symbolic, 16, True)
    for f in failures:
        print('FAIL:', f)
    if failures:
        return 1
    print('icons OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
