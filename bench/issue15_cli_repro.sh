#!/bin/bash
# The reproducers of issue 15, items 5-10, 13 and 15-19, one observable result a line.
#   bench/issue15_cli_repro.sh            this checkout's src/
#   bench/issue15_cli_repro.sh e35cf8a    the source of a git revision (before the fixes)
# Needs python with throughlint's dependencies, and git.
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -gt 0 ]; then
  SRCDIR=$(mktemp -d); git -C "$HERE" archive "$1" src | tar -x -C "$SRCDIR"; SRC=$SRCDIR/src
else
  SRC=$HERE/src
fi
export PYTHONPATH=$SRC NO_COLOR=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@x GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@x
TL="python -m throughlint --no-cache"
W=$(mktemp -d); cd $W
Q='import queue

jobs = queue.Queue()
'
n() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)["diagnostics"]))' 2>/dev/null || echo "no-json"; }
mkdir i5 && cd i5 && echo "$Q" > a.py && printf '[ tool . throughlint ]\nignore = ["TL201"]\n' > pyproject.toml
echo "item5  findings with [ tool . throughlint ] ignore=TL201: $($TL --format json . | n)"; cd $W
mkdir i6 && cd i6 && echo "$Q" > a.py && echo 'tool = 1  # tool.throughlint' > pyproject.toml
$TL . >/dev/null 2>err; echo "item6  tool=1: exit $? stderr-lines $(wc -l < err) traceback $(grep -c Traceback err)"; cd $W
for kind in plain git; do mkdir i7$kind && cd i7$kind && mkdir pkg && echo "$Q" > pkg/a.py && echo "$Q" > top.py
[ $kind = git ] && git init -q && git add -A && git commit -qm x
$TL --write-baseline bl.json . 2>/dev/null; cd pkg
echo "item7  ($kind) findings back from pkg/ with --baseline ../bl.json: $($TL --format json --baseline ../bl.json . 2>/dev/null | n)"; cd $W; done
mkdir i8 && cd i8 && echo "$Q" > a.py && echo "$Q" > b.py && $TL --write-baseline bl.json . 2>/dev/null && rm b.py
echo "item8  after deleting b.py: $($TL --baseline bl.json . 2>&1 >/dev/null | grep -c 'gone\|no longer') gone/deleted lines on stderr"; cd $W
mkdir i9 && cd i9 && git init -q -b main && echo 'x = 1' > "my file.py" && mkdir b && echo 'x = 1' > b/c.py && git add -A && git commit -qm x && git switch -q -c f && echo "$Q" >> "my file.py" && echo "$Q" >> b/c.py
echo "item9  'my file.py' + b/c.py new findings with --diff-from main: $($TL --format json --diff-from main . 2>/dev/null | n)"
git config diff.mnemonicPrefix true; out=$($TL --format json --diff-from main . 2>/dev/null); echo "item10 diff.mnemonicPrefix: $(echo "$out" | n) findings"
git config --unset diff.mnemonicPrefix; git config diff.noprefix true; echo "item10 diff.noprefix: $($TL --format json --diff-from main . 2>/dev/null | n) findings"; cd $W
mkdir i13 && cd i13 && echo "$Q" > a.py
echo "item13 JSON path for an absolute argument: $($TL --format json $W/i13/a.py | python3 -c 'import json,sys; print(json.load(sys.stdin)["diagnostics"][0]["path"])')"
echo "item13 SARIF location: $($TL --format sarif $W/i13/a.py | python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"])')"
echo "item15 JSON fingerprint == SARIF: $(python3 - <<P
import json,subprocess
j=json.loads(subprocess.run("$TL --format json a.py".split(),capture_output=True,text=True).stdout)["diagnostics"][0].get("fingerprint")
s=json.loads(subprocess.run("$TL --format sarif a.py".split(),capture_output=True,text=True).stdout)["runs"][0]["results"][0]["partialFingerprints"]["throughlint/v1"]
print(j==s, j)
P
)"
echo "item16 --statistics -q stdout lines: $($TL --statistics -q a.py | wc -l)"
TLS="python -m throughlint"
$TLS rules --help >/dev/null 2>&1; r1=$?; $TLS rule --help >/dev/null 2>&1; r2=$?; $TLS rule --all >/dev/null 2>&1; r3=$?; $TLS rules --format json >/dev/null 2>&1; r4=$?
echo "item17 exit of rules --help / rule --help / rule --all / rules --format json: $r1 $r2 $r3 $r4"
echo "item18 --selct TL1: $($TL --selct TL1 2>&1 | grep -o "a similar argument exists: '[^']*'" || echo none)"
echo 'x=1' | $TL - >out 2>err; echo "item19 echo x=1 | throughlint - : exit $?, success line: $(grep -c 'All checks passed' out), error lines: $(grep -c error: err)"
echo 'x = 1' > ok.py; $TL ok.py missing.py >out 2>/dev/null; echo "item19 ok.py missing.py: exit $?, success line: $(grep -c 'All checks passed' out)"
rm -rf "$W" "${SRCDIR:-}"
