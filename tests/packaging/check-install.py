#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs the build into a temporary DESTDIR and checks that the installed
# tree is a launchable app: binaries, desktop entry, D-Bus service, GNOME
# Shell search provider, metainfo,
# icons, a schema that compiles, and the translations listed in po/LINGUAS.
# The GUI binary is expected only when this build configured the app target.
#
# usage: check-install.py BUILD_ROOT SOURCE_ROOT APP_ID

import configparser
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def load_intro(build_root, name):
    with open(os.path.join(build_root, 'meson-info', f'intro-{name}.json'), encoding='utf-8') as f:
        return json.load(f)


def linguas(source_root):
    langs = []
    with open(os.path.join(source_root, 'po', 'LINGUAS'), encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0]
            langs.extend(line.split())
    return langs


def main():
    build_root, source_root, app_id = sys.argv[1:4]
    options = {o['name']: o['value'] for o in load_intro(build_root, 'buildoptions')}
    prefix = options['prefix']

    def opt_dir(name):
        value = options[name]
        return value if os.path.isabs(value) else os.path.join(prefix, value)

    bindir, datadir, localedir = opt_dir('bindir'), opt_dir('datadir'), opt_dir('localedir')
    targets = load_intro(build_root, 'targets')
    app_configured = any(t['name'] == 'sms-reports' and t['type'] == 'executable' for t in targets)

    meson = shutil.which('meson')
    with tempfile.TemporaryDirectory(prefix='sr-install-') as destdir:
        proc = subprocess.run([meson, 'install', '-C', build_root, '--destdir', destdir,
                               '--no-rebuild', '--quiet'],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr)
            print(f'FAIL: meson install exited with {proc.returncode}')
            return 1

        def installed(path):
            return os.path.join(destdir, path.lstrip('/'))

        def expect_file(path, executable=False):
            full = installed(path)
            if check(os.path.isfile(full), f'{path} not installed'):
                if executable:
                    check(os.access(full, os.X_OK), f'{path} is not executable')
            return full

        expected = []
        if app_configured:
            expected.append(expect_file(os.path.join(bindir, 'sms-reports'), executable=True))
        else:
            print('the app target is not configured in this build: bin/sms-reports not expected')
        expected.append(expect_file(os.path.join(bindir, 'sms-reports-cli'), executable=True))
        desktop = expect_file(os.path.join(datadir, 'applications', app_id + '.desktop'))
        service = expect_file(os.path.join(datadir, 'dbus-1', 'services', app_id + '.service'))
        expect_file(os.path.join(datadir, 'metainfo', app_id + '.metainfo.xml'))
        search_provider = expect_file(os.path.join(datadir, 'gnome-shell', 'search-providers',
                                                   app_id + '.search-provider.ini'))
        expect_file(os.path.join(datadir, 'icons', 'hicolor', 'scalable', 'apps', app_id + '.svg'))
        expect_file(os.path.join(datadir, 'icons', 'hicolor', 'symbolic', 'apps', app_id + '-symbolic.svg'))
        schema_dir = os.path.join(datadir, 'glib-2.0', 'schemas')
        expect_file(os.path.join(schema_dir, app_id + '.gschema.xml'))
        for lang in linguas(source_root):
            expect_file(os.path.join(localedir, lang, 'LC_MESSAGES', 'sms-reports.mo'))

        # What post-install does on a real system: compile the installed schemas.
        if os.path.isdir(installed(schema_dir)):
            with tempfile.TemporaryDirectory() as target:
                proc = subprocess.run(['glib-compile-schemas', '--strict', '--targetdir', target,
                                       installed(schema_dir)], capture_output=True, text=True)
                check(proc.returncode == 0,
                      f'glib-compile-schemas over the installed schemas failed: {proc.stderr.strip()}')

        if os.path.isfile(desktop):
            proc = subprocess.run(['desktop-file-validate', desktop], capture_output=True, text=True)
            check(proc.returncode == 0, f'installed desktop file invalid: {proc.stdout.strip()}')
        if os.path.isfile(service):
            svc = configparser.RawConfigParser(interpolation=None)
            svc.optionxform = str
            svc.read(service, encoding='utf-8')
            exec_path = svc.get('D-BUS Service', 'Exec', fallback='').split()[:1]
            check(exec_path == [os.path.join(bindir, 'sms-reports')],
                  f'D-Bus service Exec {exec_path} is not {os.path.join(bindir, "sms-reports")}')

        # GNOME Shell calls the provider on the bus name the D-Bus service
        # starts, at the object path the app exports it under
        # (GApplication's path for the id + /SearchProvider).
        if os.path.isfile(search_provider):
            ini = configparser.RawConfigParser(interpolation=None)
            ini.optionxform = str
            ini.read(search_provider, encoding='utf-8')
            section = 'Shell Search Provider'
            object_path = '/' + app_id.replace('.', '/').replace('-', '_') + '/SearchProvider'
            check(ini.get(section, 'BusName', fallback=None) == app_id,
                  f'search provider BusName is not {app_id}')
            check(ini.get(section, 'DesktopId', fallback=None) == app_id + '.desktop',
                  f'search provider DesktopId is not {app_id}.desktop')
            check(ini.get(section, 'ObjectPath', fallback=None) == object_path,
                  f'search provider ObjectPath is not {object_path}')
            check(ini.get(section, 'Version', fallback=None) == '2',
                  'search provider Version is not 2 (org.gnome.Shell.SearchProvider2)')
            if os.path.isfile(service):
                svc = configparser.RawConfigParser(interpolation=None)
                svc.optionxform = str
                svc.read(service, encoding='utf-8')
                check(svc.get('D-BUS Service', 'Name', fallback=None) == app_id,
                      'no D-Bus service starts the search provider\'s bus name')

        # Test programs and the sandbox server never ship with the app.
        for dirpath, _dirs, files in os.walk(destdir):
            for name in files:
                rel = os.path.relpath(os.path.join(dirpath, name), destdir)
                check(not name.startswith(('sr-sandbox', 'test-', 'bench-')), f'{rel} must not be installed')
                check(not name.endswith(('.a', '.la', '.h')), f'{rel} (a development file) must not be installed')

        count = sum(len(files) for _d, _s, files in os.walk(destdir))
        print(f'{count} files installed under {prefix}')

    for f in failures:
        print('FAIL:', f)
    if failures:
        return 1
    print('install OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
