#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Compiles the settings schema with glib-compile-schemas --strict and checks
# that it is complete: the profile's id, the fixed path, and a summary and a
# description for every key the app relies on.
#
# usage: check-schema.py GSCHEMA_XML APP_ID

import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

REQUIRED_KEYS = {
    # preferences
    'api-url', 'auth-url', 'repoll-hours', 'auto-refresh-minutes', 'show-utc',
    'dashboard-period',
    # window state
    'window-width', 'window-height', 'window-maximized', 'last-page',
}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def main():
    schema_file, app_id = sys.argv[1:3]

    compiler = shutil.which('glib-compile-schemas')
    if not compiler:
        print('FAIL: glib-compile-schemas not found (apt-get install libglib2.0-bin)')
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(schema_file, tmp)
        proc = subprocess.run([compiler, '--strict', '--targetdir', tmp, tmp],
                              capture_output=True, text=True)
        output = (proc.stdout + proc.stderr).strip()
        if output:
            print(output)
        check(proc.returncode == 0, f'glib-compile-schemas --strict exited with {proc.returncode}')
        check(os.path.isfile(os.path.join(tmp, 'gschemas.compiled')), 'no gschemas.compiled written')

    check(os.path.basename(schema_file) == app_id + '.gschema.xml',
          f'schema file must be named {app_id}.gschema.xml')
    root = ET.parse(schema_file).getroot()
    check(root.get('gettext-domain') == 'sms-reports', 'gettext-domain="sms-reports" expected')
    schemas = root.findall('schema')
    check(len(schemas) == 1, 'one schema expected')
    schema = schemas[0]
    check(schema.get('id') == app_id, f'schema id is {schema.get("id")!r}, expected {app_id!r}')
    check(schema.get('path') == '/io/github/smsreports/SmsReports/',
          'schema path must be /io/github/smsreports/SmsReports/')

    keys = {}
    for key in schema.findall('key'):
        name = key.get('name')
        keys[name] = key
        check((key.findtext('summary') or '').strip(), f'key {name}: summary missing')
        check((key.findtext('description') or '').strip(), f'key {name}: description missing')
        check(key.find('default') is not None, f'key {name}: default missing')
    missing = REQUIRED_KEYS - set(keys)
    check(not missing, f'keys missing: {sorted(missing)}')

    for f in failures:
        print('FAIL:', f)
    if failures:
        return 1
    print(f'schema OK ({len(keys)} keys)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
