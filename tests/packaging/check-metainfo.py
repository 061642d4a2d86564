#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the built AppStream metainfo.
#
#   check-metainfo.py appstream METAINFO
#       appstreamcli validate --no-net: any error, warning or info fails,
#       except the note older AppStream (< 1.0) gives about the AppStream 1.0
#       <developer> tag.
#   check-metainfo.py flathub METAINFO APP_ID DESKTOP_FILE BASE_ID VERSION
#       what Flathub requires: developer with an id, launchable matching the
#       desktop file, OARS content rating, licences; the newest release is
#       this version (meson.build) with release notes; the URLs are the
#       repository the application id names (io.github.OWNER.NAME:
#       github.com/OWNER/NAME).
#   check-metainfo.py screenshots METAINFO SOURCE_ROOT
#       at least one PNG screenshot with a caption; every screenshot is a file
#       in data/screenshots/ of this repository.

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

REPOSITORY = 'https://github.com/smsreports/SmsReports'
SCREENSHOT_URL = 'https://raw.githubusercontent.com/smsreports/SmsReports/main/'
PERMISSIVE_METADATA_LICENSES = {'CC0-1.0', 'CC-BY-3.0', 'CC-BY-4.0', 'CC-BY-SA-3.0',
                                'CC-BY-SA-4.0', 'FSFAP', 'MIT', 'GFDL-1.3', 'GFDL-1.1'}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def untranslated(elements):
    """Elements without xml:lang (the source strings)."""
    lang = '{http://www.w3.org/XML/1998/namespace}lang'
    return [e for e in elements if e.get(lang) is None]


def allowed_appstream_note(line):
    # AppStream 0.16 (Debian 12) does not know the AppStream 1.0 <developer>
    # element yet and reports it as an unknown tag; newer versions accept it.
    return re.match(r'^[IP]: \S+ unknown-tag developer\s*$', line) is not None


def appstream(metainfo):
    cli = shutil.which('appstreamcli')
    if not cli:
        print('FAIL: appstreamcli not found (apt-get install appstream)')
        return
    proc = subprocess.run([cli, 'validate', '--no-net', '--no-color', metainfo],
                          capture_output=True, text=True)
    output = proc.stdout + proc.stderr
    print(output.strip())
    check(proc.returncode == 0, f'appstreamcli validate exited with {proc.returncode}')
    for line in output.splitlines():
        if re.match(r'^[EWIP]: ', line) and not allowed_appstream_note(line):
            failures.append(f'appstreamcli: {line}')


def repository_url(base_id):
    parts = base_id.split('.')
    check(len(parts) == 4 and parts[:2] == ['io', 'github'], f'{base_id} is not io.github.OWNER.NAME')
    return f'https://github.com/{parts[2]}/{parts[3]}'


def flathub(metainfo, app_id, desktop_file, base_id, version):
    root = ET.parse(metainfo).getroot()
    check(root.tag == 'component' and root.get('type') == 'desktop-application',
          'root must be <component type="desktop-application">')
    check(root.findtext('id') == app_id, f'<id> is {root.findtext("id")!r}, expected {app_id!r}')
    check(root.findtext('metadata_license') in PERMISSIVE_METADATA_LICENSES,
          f'metadata_license {root.findtext("metadata_license")!r} is not one Flathub accepts')
    check(root.findtext('project_license') == 'GPL-3.0-or-later',
          'project_license must be GPL-3.0-or-later')
    names = untranslated(root.findall('name'))
    check(len(names) == 1 and names[0].text == 'SMS Reports', '<name> must be "SMS Reports"')
    summaries = untranslated(root.findall('summary'))
    check(len(summaries) == 1 and summaries[0].text and len(summaries[0].text) <= 35
          and not summaries[0].text.endswith('.'),
          '<summary>: one, at most 35 characters, no final full stop')
    description = root.find('description')
    check(description is not None and len(untranslated(description.findall('p'))) >= 2,
          '<description> needs at least two paragraphs')

    developer = root.find('developer')
    if check(developer is not None, '<developer> missing'):
        check(developer.get('id') == 'io.github.smsreports', '<developer id="io.github.smsreports"> expected')
        dev_names = untranslated(developer.findall('name'))
        check(len(dev_names) == 1 and dev_names[0].text == 'SMS Reports developers',
              '<developer><name>SMS Reports developers</name> expected')

    desktop_id = os.path.basename(desktop_file)
    launchables = root.findall('launchable')
    check(any(l.get('type') == 'desktop-id' and l.text == desktop_id for l in launchables),
          f'<launchable type="desktop-id">{desktop_id}</launchable> expected')
    check(os.path.isfile(desktop_file), f'launchable desktop file {desktop_file} does not exist')

    rating = root.find('content_rating')
    check(rating is not None and rating.get('type') == 'oars-1.1', '<content_rating type="oars-1.1"> expected')

    releases = root.findall('releases/release')
    check(releases, 'at least one <release> expected')
    for r in releases:
        check(re.match(r'^\d{4}-\d{2}-\d{2}$', r.get('date') or '') is not None,
              f'release {r.get("version")} needs a date (YYYY-MM-DD)')
    versions = [r.get('version') for r in releases]
    check(versions and versions[0] == version,
          f'the newest <release> is {versions[:1]}, expected {version} (the version in meson.build)')
    check('0.1.0' in versions, 'release 0.1.0 expected')
    check(len(set(versions)) == len(versions), 'a release is listed twice')
    dates = [r.get('date') for r in releases]
    check(dates == sorted(dates, reverse=True), 'releases must be listed newest first')
    if releases:
        notes = releases[0].find('description')
        items = [] if notes is None else untranslated(notes.findall('p')) + notes.findall('ul/li')
        check(items and all((i.text or '').strip() for i in items),
              f'release {versions[0]} needs release notes (<description>)')

    repo = repository_url(base_id)
    check(repo == REPOSITORY, f'the application id names {repo}, the project is {REPOSITORY}')
    urls = {u.get('type'): u.text for u in root.findall('url')}
    check(urls.get('homepage') == repo, f'<url type="homepage">{repo}</url> expected')
    check(urls.get('vcs-browser') == repo, f'<url type="vcs-browser">{repo}</url> expected')
    check(urls.get('bugtracker') == repo + '/issues', f'<url type="bugtracker">{repo}/issues</url> expected')
    check(all((u or '').startswith('https://') for u in urls.values()), 'every <url> must be https')

    colors = {c.get('scheme_preference'): c.text for c in root.findall('branding/color')
              if c.get('type') == 'primary'}
    check(set(colors) >= {'light', 'dark'}, 'branding colours for light and dark expected')

    controls = {c.text for c in root.findall('supports/control')}
    check(controls >= {'keyboard', 'pointing', 'touch'}, 'supported controls: keyboard, pointing, touch')
    length = root.find('requires/display_length')
    check(length is not None and length.get('compare') == 'ge' and length.text == '360',
          '<requires><display_length compare="ge">360</display_length> expected')
    check(root.findtext('translation[@type="gettext"]') == 'sms-reports',
          '<translation type="gettext">sms-reports</translation> expected')


def screenshots(metainfo, source_root):
    root = ET.parse(metainfo).getroot()
    shots = root.findall('screenshots/screenshot')
    check(shots, 'at least one <screenshot> expected')
    check(sum(1 for s in shots if s.get('type') == 'default') == 1, 'exactly one default screenshot expected')
    pngs = 0
    for s in shots:
        image = s.findtext('image') or ''
        captions = untranslated(s.findall('caption'))
        check(captions and captions[0].text, f'screenshot {image} needs a caption')
        if not check(image.startswith(SCREENSHOT_URL + 'data/screenshots/'),
                     f'screenshot {image} must be a file of data/screenshots/ at {SCREENSHOT_URL}'):
            continue
        rel = image[len(SCREENSHOT_URL):]
        path = os.path.join(source_root, rel)
        if check(os.path.isfile(path), f'screenshot file {rel} does not exist (take it from the demo account)'):
            with open(path, 'rb') as f:
                is_png = f.read(8) == b'\x89PNG\r\n\x1a\n'
            check(is_png and rel.endswith('.png'), f'{rel} is not a PNG file')
            pngs += is_png and bool(captions)
    check(pngs >= 1, 'at least one existing PNG screenshot with a caption is required')


def main():
    mode = sys.argv[1]
    if mode == 'appstream':
        appstream(sys.argv[2])
    elif mode == 'flathub':
        flathub(*sys.argv[2:7])
    elif mode == 'screenshots':
        screenshots(*sys.argv[2:4])
    else:
        print(f'unknown mode {mode}')
        return 2
    for f in failures:
        print('FAIL:', f)
    if failures:
        return 1
    print(f'metainfo {mode} OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
