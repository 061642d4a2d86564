#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Validates the built desktop entry with desktop-file-validate (errors and
# warnings fail, hints are shown) and checks that it names the profile's
# application id, and that D-Bus activation has a matching service file.
#
# usage: check-desktop.py DESKTOP_FILE APP_ID SERVICE_FILE

import configparser
import os
import shutil
import subprocess
import sys

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def main():
    desktop, app_id, service = sys.argv[1:4]

    validate = shutil.which('desktop-file-validate')
    if not validate:
        print('FAIL: desktop-file-validate not found (apt-get install desktop-file-utils)')
        return 1
    proc = subprocess.run([validate, desktop], capture_output=True, text=True)
    output = (proc.stdout + proc.stderr).strip()
    if output:
        print(output)
    check(proc.returncode == 0, f'desktop-file-validate exited with {proc.returncode}')
    for line in output.splitlines():
        if ': error: ' in line or ': warning: ' in line:
            failures.append(f'desktop-file-validate: {line}')

    check(os.path.basename(desktop) == app_id + '.desktop',
          f'desktop file is named {os.path.basename(desktop)}, expected {app_id}.desktop')

    parser = configparser.RawConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(desktop, encoding='utf-8')
    entry = parser['Desktop Entry']
    check(entry.get('Name') == 'SMS Reports', 'Name must be "SMS Reports"')
    check(entry.get('Icon') == app_id, f'Icon is {entry.get("Icon")!r}, expected {app_id!r}')
    check(entry.get('Exec', '').split()[:1] == ['sms-reports'], 'Exec must run sms-reports')
    check(entry.get('StartupNotify') == 'true', 'StartupNotify=true expected')
    check(entry.get('Terminal') == 'false', 'Terminal=false expected')
    keywords = [k.lower() for k in entry.get('Keywords', '').split(';')]
    for word in ('sms', 'campaign', 'delivery', 'report'):
        check(word in keywords, f'Keywords must contain {word}')
    categories = entry.get('Categories', '').split(';')
    check('GTK' in categories, 'Categories must contain GTK')

    if entry.get('DBusActivatable') == 'true':
        if check(os.path.isfile(service), f'DBusActivatable=true but no D-Bus service file {service}'):
            svc = configparser.RawConfigParser(interpolation=None)
            svc.optionxform = str
            svc.read(service, encoding='utf-8')
            section = svc['D-BUS Service'] if svc.has_section('D-BUS Service') else {}
            check(section.get('Name') == app_id,
                  f'D-Bus service Name is {section.get("Name")!r}, expected {app_id!r}')
            exec_line = section.get('Exec', '').split()
            check(exec_line[:1] and os.path.basename(exec_line[0]) == 'sms-reports'
                  and os.path.isabs(exec_line[0]),
                  'D-Bus service Exec must be the absolute path of sms-reports')
            check('--gapplication-service' in exec_line,
                  'D-Bus service Exec must pass --gapplication-service')
            check(os.path.basename(service) == app_id + '.service',
                  f'service file must be named {app_id}.service')

    for f in failures:
        print('FAIL:', f)
    if failures:
        return 1
    print('desktop entry OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
