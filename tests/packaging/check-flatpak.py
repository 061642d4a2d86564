#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the Flatpak manifests: valid JSON, application id, command, the
# exact sandbox permissions, and that the app module is built with meson from
# this repository. (Building them needs the GNOME runtime, which CI does not
# have; see README for flatpak-builder.)

import json
import os
import sys

BASE_ID = 'io.github.smsreports.SmsReports'
RUNTIME_VERSION = '50'
FINISH_ARGS = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def check_manifest(source_root, name, app_id, profile_opt):
    path = os.path.join(source_root, 'flatpak', name)
    if not check(os.path.isfile(path), f'{name}: missing'):
        return
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except ValueError as e:
        check(False, f'{name}: not valid JSON: {e}')
        return

    check(manifest.get('id', manifest.get('app-id')) == app_id,
          f'{name}: id is {manifest.get("id")!r}, expected {app_id!r}')
    check(manifest.get('runtime') == 'org.gnome.Platform', f'{name}: runtime must be org.gnome.Platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk', f'{name}: sdk must be org.gnome.Sdk')
    check(manifest.get('runtime-version') == RUNTIME_VERSION,
          f'{name}: runtime-version must be "{RUNTIME_VERSION}"')
    check(manifest.get('command') == 'sms-reports', f'{name}: command must be sms-reports')

    finish_args = manifest.get('finish-args', [])
    check(finish_args == FINISH_ARGS,
          f'{name}: finish-args are {finish_args}, expected exactly {FINISH_ARGS}')
    # libsecret talks to the secret portal inside the sandbox
    check(not any('org.freedesktop.secrets' in a or 'talk-name' in a or 'own-name' in a
                  for a in finish_args),
          f'{name}: no D-Bus talk-name/own-name (the secret portal is used)')
    check(isinstance(manifest.get('cleanup'), list) and manifest['cleanup'],
          f'{name}: a cleanup list is expected')

    modules = manifest.get('modules', [])
    check(len(modules) == 1 and isinstance(modules[0], dict),
          f'{name}: exactly one module (the app) is expected; everything else is in the runtime')
    app_modules = [m for m in modules if isinstance(m, dict) and m.get('name') == 'sms-reports']
    if not check(app_modules, f'{name}: no module named sms-reports'):
        return
    module = app_modules[0]
    check(module.get('buildsystem') == 'meson', f'{name}: the app module must use buildsystem meson')
    opts = module.get('config-opts', [])
    check('-Dtests=false' in opts, f'{name}: config-opts must contain -Dtests=false')
    if profile_opt:
        check(profile_opt in opts, f'{name}: config-opts must contain {profile_opt}')
    else:
        check(not any(o.startswith('-Dprofile=') and o != '-Dprofile=default' for o in opts),
              f'{name}: the stable manifest must not select another profile')

    sources = module.get('sources', [])
    dirs = [s for s in sources if isinstance(s, dict) and s.get('type') == 'dir']
    if check(len(dirs) == 1 and len(sources) == 1,
             f'{name}: the app module must have a single "dir" source (this repository)'):
        repo = os.path.normpath(os.path.join(os.path.dirname(path), dirs[0].get('path', '')))
        check(repo == os.path.normpath(source_root),
              f'{name}: dir source points at {repo}, not the repository root {source_root}')
        check(os.path.isfile(os.path.join(repo, 'meson.build')),
              f'{name}: no meson.build in the dir source {repo}')


def main():
    source_root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else '.')
    check_manifest(source_root, BASE_ID + '.json', BASE_ID, None)
    check_manifest(source_root, BASE_ID + '.Devel.json', BASE_ID + '.Devel', '-Dprofile=development')
    for f in failures:
        print('FAIL:', f)
    if failures:
        return 1
    print('Flatpak manifests OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
