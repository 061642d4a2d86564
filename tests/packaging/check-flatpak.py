#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-flatpak.py SOURCE_ROOT PROJECT_VERSION
#
# Checks the two Flatpak manifests as far as that works offline (building
# them needs the GNOME runtime, which CI does not have; see flatpak/README.md):
#
# - the manifest rules of flatpak-builder-lint (Flathub's linter) that need
#   no network: the manifest's JSON schema (vendored from
#   flathub-infra/flatpak-builder-lint, validated when python3-jsonschema is
#   installed; without it only the known top-level, module and source keys),
#   the application id (syntax, file name, io.github ids name a repository),
#   finish-args (the sockets' rules, no portal/dconf/Flatpak/wrong-case
#   secret service bus names, no own-name of the app), command, branch,
#   cleanup, git sources (https URL, tag with commit, x-checker-data without
#   commit-query), no dir source in the Flathub manifest;
# - this project's own: GNOME 50 runtime, the exact permissions, one meson
#   module of this repository (the Flathub manifest: the tag of this version,
#   the repository the application id names; the development manifest: this
#   working tree, the development profile).

import json
import os
import re
import subprocess
import sys

BASE_ID = 'io.github.smsreports.SmsReports'
RUNTIME_VERSION = '50'
FINISH_ARGS = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    # libsecret uses the Secret portal where the desktop has one and the
    # secret service (e.g. KWallet, KeePassXC) on the session bus otherwise.
    '--talk-name=org.freedesktop.secrets',
]
SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      'flatpak-builder-lint', 'flatpak-manifest.schema.json')

failures = []
notes = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def repository_url(app_id):
    """io.github.OWNER.NAME → https://github.com/OWNER/NAME (as the linter reads it)."""
    parts = app_id.split('.')
    if len(parts) >= 4 and parts[0] == 'io' and parts[1] == 'github':
        return f'https://github.com/{parts[2]}/{parts[3]}'
    return None


# --- flatpak-builder-lint's manifest rules (the offline ones) ---

def lint_schema(name, manifest):
    with open(SCHEMA, encoding='utf-8') as f:
        schema = json.load(f)
    try:
        import jsonschema
    except ImportError:
        notes.append(f'{name}: python3-jsonschema is not installed; checking the known keys only')
        jsonschema = None
    if jsonschema is not None:
        try:
            jsonschema.validate(manifest, schema)
        except jsonschema.exceptions.ValidationError as e:
            check(False, f'{name}: jsonschema-validation-error: {e.message}')
        return
    defs = schema['$defs']
    known_top = set(schema['properties']) | set(defs['ignored-prop'])
    known_module = set(defs['module']['properties']) | set(defs['ignored-prop'])
    for key in manifest:
        check(key in known_top or key.startswith('x-'), f'{name}: manifest-unknown-properties: {key}')
    for module in manifest.get('modules', []):
        if not isinstance(module, dict):
            continue
        for key in module:
            check(key in known_module or key.startswith('x-'),
                  f'{name}: manifest-unknown-properties: module {key}')
        for source in module.get('sources', []):
            kind = source.get('type') if isinstance(source, dict) else None
            spec = defs.get(f'source-{kind}')
            if not check(spec is not None, f'{name}: unknown source type {kind!r}'):
                continue
            for key in source:
                check(key in spec['properties'] or key.startswith('x-'),
                      f'{name}: manifest-unknown-properties: {kind} source {key}')


def lint_appid(name, app_id):
    if not check(isinstance(app_id, str) and app_id, f'{name}: appid-not-defined'):
        return
    parts = app_id.split('.')
    check(len(parts) >= 3, f'{name}: appid-less-than-3-components')
    check(len(parts) <= 5, f'{name}: appid-too-many-components-for-app')
    check(all(re.match(r'^[A-Za-z_][\w\-]*$', p) for p in parts), f'{name}: appid-component-wrong-syntax')
    check(parts[-1] != 'desktop', f'{name}: appid-ends-with-lowercase-desktop')
    if parts[1].lower() in ('github', 'gitlab'):
        check(parts[0].lower() == 'io', f'{name}: appid-uses-code-hosting-domain')
        check(len(parts) >= 4, f'{name}: appid-code-hosting-too-few-components')
    check(os.path.splitext(name)[0] == app_id, f'{name}: appid-filename-mismatch ({app_id})')


def lint_finish_args(name, app_id, finish_args):
    sections = {}
    for arg in finish_args:
        m = re.match(r'^--([a-z-]+)=(.*)$', arg)
        if not check(m is not None, f'{name}: unexpected finish-arg {arg!r}'):
            continue
        sections.setdefault(m.group(1), set()).add(m.group(2))
    socket = sections.get('socket', set())
    share = sections.get('share', set())
    check(not ('x11' in socket and 'fallback-x11' in socket), f'{name}: finish-args-contains-both-x11-and-fallback')
    check(not ('x11' in socket and 'wayland' in socket), f'{name}: finish-args-contains-both-x11-and-wayland')
    check(not (socket & {'x11', 'fallback-x11'}) or 'ipc' in share, f'{name}: finish-args-x11-without-ipc')
    check('fallback-x11' not in socket or 'wayland' in socket, f'{name}: finish-args-fallback-x11-without-wayland')
    check('wayland' not in socket or socket & {'x11', 'fallback-x11'}, f'{name}: finish-args-only-wayland')
    for bad in ('gpg-agent', 'ssh-auth', 'inherit-wayland-socket'):
        check(bad not in socket, f'{name}: finish-args socket {bad} is refused')
    for section in ('socket', 'share', 'device'):
        check(not any(v.startswith('!') for v in sections.get(section, ())),
              f'{name}: finish-args-has-no{section}')
    check('none-name' not in sections, f'{name}: finish-args-uses-no-talk-name')
    check(not sections.get('filesystem'), f'{name}: no filesystem access is needed (the file chooser portal is used)')
    for own in sections.get('own-name', ()):
        check(False, f'{name}: finish-args-own-name-{own} (the app owns its id without it)')
    for talk in sections.get('talk-name', ()):
        check(not (talk == app_id or talk.startswith(app_id + '.')), f'{name}: finish-args-unnecessary-appid-talk-name')
        check(talk not in ('org.freedesktop.*', 'org.gnome.*', 'org.kde.*'), f'{name}: wildcard talk-name {talk}')
        check(not talk.startswith('org.freedesktop.portal.'), f'{name}: finish-args-portal-talk-name')
        check(not talk.startswith('ca.desrt.dconf'), f'{name}: finish-args-dconf-talk-name')
        check(not talk.startswith('org.freedesktop.DBus'), f'{name}: finish-args-freedesktop-dbus-talk-name')
        check(not talk.startswith('org.freedesktop.Flatpak'), f'{name}: finish-args-flatpak-spawn-access')
        check(talk != 'org.freedesktop.Secrets', f'{name}: finish-args-incorrect-secret-service-talk-name')
        check(talk != 'org.gtk.vfs', f'{name}: finish-args-incorrect-dbus-gvfs')


def lint_modules(name, manifest, flathub):
    check(manifest.get('modules'), f'{name}: toplevel-no-modules')
    command = manifest.get('command') or ''
    check(command, f'{name}: toplevel-no-command')
    check(not command.startswith('/'), f'{name}: toplevel-command-is-path')
    check('branch' not in manifest, f'{name}: toplevel-unnecessary-branch')
    for c in manifest.get('cleanup', []):
        check(not (c == '/lib/debug' or c.startswith('/lib/debug/')), f'{name}: toplevel-cleanup-debug')
    for module in manifest.get('modules', []):
        if not isinstance(module, dict):
            continue
        mod = module.get('name')
        for source in module.get('sources', []):
            kind = source.get('type')
            if flathub:
                check(kind != 'dir', f'{name}: module-{mod}-source-dir-not-allowed')
            if kind in ('archive', 'file'):
                check('sha1' not in source and 'md5' not in source, f'{name}: module-{mod}-source-sha1/md5-deprecated')
                check('sha256' in source or 'sha512' in source, f'{name}: module-{mod}: a checksum is needed')
            if kind == 'git':
                url = source.get('url') or ''
                check(url, f'{name}: module-{mod}-source-git-no-url')
                check(url.startswith(('http://', 'https://')), f'{name}: module-{mod}-source-git-url-not-http')
                check(any(source.get(k) for k in ('commit', 'tag', 'branch')),
                      f'{name}: module-{mod}-source-git-no-tag-commit-branch')
                check(not source.get('tag') or source.get('commit'),
                      f'{name}: module-{mod}-source-git-no-commit-with-tag')
                check(not source.get('branch'), f'{name}: module-{mod}-source-git-branch')
            check('commit-query' not in source.get('x-checker-data', {}),
                  f'{name}: module-{mod}-checker-tracks-commits')
        for c in module.get('cleanup', []):
            check(not (c == '/lib/debug' or c.startswith('/lib/debug/')), f'{name}: module-{mod}-cleanup-debug')


# --- this project's rules ---

def git(source_root, *args):
    try:
        return subprocess.run(['git', '-C', source_root, *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None


def check_release_source(name, source, source_root, app_id, version):
    check(source.get('type') == 'git', f'{name}: the app module must have a git source (Flathub builds a release)')
    repo = repository_url(app_id)
    check(source.get('url') == repo + '.git',
          f'{name}: git url is {source.get("url")!r}, expected {repo}.git (the repository the application id names)')
    tag = source.get('tag')
    check(tag == 'v' + version, f'{name}: tag is {tag!r}, expected v{version} (the version in meson.build)')
    commit = source.get('commit') or ''
    check(re.fullmatch(r'[0-9a-f]{40}', commit) is not None, f'{name}: commit must be a full 40-digit hash')
    checker = source.get('x-checker-data', {})
    check(checker.get('type') == 'git', f'{name}: x-checker-data of type git expected (new tags)')
    pattern = checker.get('tag-pattern', '')
    try:
        m = re.match(pattern, tag or '')
    except re.error as e:
        m = None
        check(False, f'{name}: x-checker-data tag-pattern does not compile: {e}')
    check(m is not None and m.groups() and m.group(1) == version,
          f'{name}: x-checker-data tag-pattern {pattern!r} must match {tag!r} and capture {version!r}')

    # The commit is the tag's once the tag exists (build-aux/flathub-manifest).
    tagged = git(source_root, 'rev-parse', '--verify', '--quiet', f'refs/tags/{tag}^{{commit}}')
    if tagged is not None and tagged.returncode == 0:
        check(tagged.stdout.strip() == commit,
              f'{name}: tag {tag} is commit {tagged.stdout.strip()}, the manifest says {commit} '
              '(run build-aux/flathub-manifest)')
    else:
        notes.append(f'{name}: no tag {tag} in this clone yet; after tagging, build-aux/flathub-manifest '
                     'writes its commit')
        known = git(source_root, 'cat-file', '-e', f'{commit}^{{commit}}')
        shallow = git(source_root, 'rev-parse', '--is-shallow-repository')
        if known is not None and shallow is not None and shallow.returncode == 0 \
                and shallow.stdout.strip() == 'false':
            check(known.returncode == 0, f'{name}: commit {commit} is not in this repository')


# What Flatpak exports to the host from the app's /app/share, and which must
# survive cleanup: GNOME Shell finds the search provider through the .ini and
# starts the app through the D-Bus service (Flatpak only exports files whose
# names start with the application id, which both do).
EXPORTED = [
    'share/applications/{id}.desktop',
    'share/dbus-1/services/{id}.service',
    'share/gnome-shell/search-providers/{id}.search-provider.ini',
]


def cleanup_removes(pattern, path):
    """Whether a cleanup entry (flatpak-builder: an absolute path prefix, or a
    shell pattern matched against file names) removes /app/<path>."""
    import fnmatch
    if pattern.startswith('/'):
        target = '/' + path
        return target == pattern or target.startswith(pattern.rstrip('/') + '/')
    return fnmatch.fnmatch(os.path.basename(path), pattern)


def check_exports_kept(name, app_id, manifest):
    patterns = list(manifest.get('cleanup', []))
    for module in manifest.get('modules', []):
        if isinstance(module, dict):
            patterns += module.get('cleanup', [])
    for template in EXPORTED:
        path = template.format(id=app_id)
        check(os.path.basename(path).startswith(app_id),
              f'{name}: {path} would not be exported (its name must start with {app_id})')
        for pattern in patterns:
            check(not cleanup_removes(pattern, path), f'{name}: cleanup {pattern!r} removes /app/{path}')


def check_manifest(source_root, name, app_id, version, flathub):
    path = os.path.join(source_root, 'flatpak', name)
    if not check(os.path.isfile(path), f'{name}: missing'):
        return
    check(not os.path.islink(path), f'{name}: manifest-file-is-symlink')
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except ValueError as e:
        check(False, f'{name}: manifest-invalid-json: {e}')
        return

    lint_schema(name, manifest)
    lint_appid(name, manifest.get('id'))
    lint_finish_args(name, app_id, manifest.get('finish-args', []))
    lint_modules(name, manifest, flathub)

    check(manifest.get('id') == app_id, f'{name}: id is {manifest.get("id")!r}, expected {app_id!r}')
    check('app-id' not in manifest, f'{name}: use "id", not the old "app-id"')
    check(manifest.get('runtime') == 'org.gnome.Platform', f'{name}: runtime must be org.gnome.Platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk', f'{name}: sdk must be org.gnome.Sdk')
    check(manifest.get('runtime-version') == RUNTIME_VERSION,
          f'{name}: runtime-version must be "{RUNTIME_VERSION}"')
    check(manifest.get('command') == 'sms-reports', f'{name}: command must be sms-reports')
    finish_args = manifest.get('finish-args', [])
    check(finish_args == FINISH_ARGS, f'{name}: finish-args are {finish_args}, expected exactly {FINISH_ARGS}')
    check(isinstance(manifest.get('cleanup'), list) and manifest['cleanup'], f'{name}: a cleanup list is expected')
    check_exports_kept(name, app_id, manifest)

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
    check('-Dapp=enabled' in opts, f'{name}: config-opts must contain -Dapp=enabled')
    sources = module.get('sources', [])
    if not check(len(sources) == 1 and isinstance(sources[0], dict), f'{name}: the app module needs one source'):
        return

    if flathub:
        check(not any(o.startswith('-Dprofile=') and o != '-Dprofile=default' for o in opts),
              f'{name}: the Flathub manifest must not select another profile')
        check('desktop-file-name-suffix' not in manifest, f'{name}: no name suffix for the stable app')
        check_release_source(name, sources[0], source_root, app_id, version)
    else:
        check('-Dprofile=development' in opts, f'{name}: config-opts must contain -Dprofile=development')
        check(sources[0].get('type') == 'dir', f'{name}: the development manifest builds this working tree ("dir")')
        repo = os.path.normpath(os.path.join(os.path.dirname(path), sources[0].get('path', '')))
        check(repo == os.path.normpath(source_root),
              f'{name}: dir source points at {repo}, not the repository root {source_root}')


def main():
    source_root = os.path.abspath(sys.argv[1])
    version = sys.argv[2]
    check_manifest(source_root, BASE_ID + '.json', BASE_ID, version, flathub=True)
    check_manifest(source_root, BASE_ID + '.Devel.json', BASE_ID + '.Devel', version, flathub=False)
    for n in notes:
        print('NOTE:', n)
    for f in failures:
        print('FAIL:', f)
    if failures:
        return 1
    print('Flatpak manifests OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
