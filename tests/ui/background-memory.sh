#!/bin/sh
# Memory of SMS Reports idle in the background with its window closed: a
# sandbox account of MESSAGES messages (50,000 unless set) synced for WAIT
# seconds (40), run-in-background on, the window closed with Ctrl+W (it is
# destroyed; the app keeps the account open); prints VmRSS with the window
# open, 10 s after the close (the window gone, the cache's idle readers
# released, the heap trimmed) with the largest mappings, and 90 s later with the
# sandbox's request count (syncs go on). Needs _build-test
# (build-aux/test) and Xvfb, xdotool, dbus-run-session; run it in the build
# root:
#   build-aux/buildroot -- sh -c 'cd $PWD && tests/ui/background-memory.sh'
#   build-aux/buildroot -- sh -c 'cd $PWD && MESSAGES=1000000 WAIT=300 tests/ui/background-memory.sh'
# (a million messages: the first sync must be over before the close; the
# request counts before the close and at the close tell.)
set -u
MESSAGES=${MESSAGES:-50000}
WAIT=${WAIT:-40}
cd "$(dirname "$0")/../.."
root=$(pwd)
T=$(mktemp -d)
export XDG_CONFIG_HOME=$T/config XDG_DATA_HOME=$T/data XDG_CACHE_HOME=$T/cache
export GSETTINGS_BACKEND=keyfile GSETTINGS_SCHEMA_DIR=$root/_build-test/data
export GDK_BACKEND=x11 GSK_RENDERER=cairo NO_AT_BRIDGE=1 GTK_A11Y=none
Xvfb :98 -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
sleep 1
export DISPLAY=:98
dbus-run-session -- sh -c '
  gsettings set io.github.smsreports.SmsReports run-in-background true
  gsettings set io.github.smsreports.SmsReports auto-refresh-minutes 1
  '"$root"'/_build-test/tests/sandbox/sr-sandbox --port 0 --api-key k --seed 7 --messages '"$MESSAGES"' --campaigns 300 --days 90 --live > '"$T"'/url &
  sb=$!
  sleep 1
  url=$(head -n1 '"$T"'/url)
  SMSTO_API_KEY=k '"$root"'/_build-test/src/app/sms-reports --api-url "$url" --auth-url "$url" --data-dir '"$T"'/d &
  app=$!
  sleep '"$WAIT"'
  echo "window before: $(xdotool search --onlyvisible --name "SMS Reports" | wc -l) visible"
  grep VmRSS /proc/$app/status | sed "s/^/open: /"
  python3 -c "import urllib.request,sys; print(sys.argv[2], urllib.request.urlopen(sys.argv[1] + \"/_sandbox/stats\").read().decode()[:40])" "$url" before-close
  w=$(xdotool search --onlyvisible --name "SMS Reports" | head -1); xdotool windowfocus --sync $w; xdotool key --window $w ctrl+w; sleep 2; echo "after Ctrl+W: $(xdotool search --onlyvisible --name "SMS Reports" | wc -l) visible"
  sleep 8
  grep -E "VmRSS|RssAnon|RssFile" /proc/$app/status | sed "s/^/closed 10 s: /"
  echo "closed 10 s, largest mappings (kB resident, file or kind):"
  awk "/^[0-9a-f]+-[0-9a-f]+ /{name=(\$6==\"\")?\"[anon]\":\$6} /^Rss:/{rss[name]+=\$2} END{for(n in rss) print rss[n], n}" /proc/$app/smaps | sort -rn | head -8 | sed "s/^/  /"
  python3 -c "import urllib.request,sys; print(sys.argv[2], urllib.request.urlopen(sys.argv[1] + \"/_sandbox/stats\").read().decode()[:40])" "$url" at-close
  sleep 90
  python3 -c "import urllib.request,sys; print(sys.argv[2], urllib.request.urlopen(sys.argv[1] + \"/_sandbox/stats\").read().decode()[:40])" "$url" 90s-later
  echo "window after: $(xdotool search --onlyvisible --name "SMS Reports" | wc -l) visible"
  if kill -0 $app 2>/dev/null; then echo "app still running"; grep -E "VmRSS|VmHWM" /proc/$app/status | sed "s/^/closed: /"; else echo "app exited"; fi
  ls -la '"$T"'/d
  kill $app $sb 2>/dev/null
  wait
'
kill $xvfb
rm -rf "$T"
