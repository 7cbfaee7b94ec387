#!/usr/bin/env bash
# Installs kimi for this machine: publishes the Native AOT binary (dotnet publish -c Release: one
# self-contained executable, no .NET runtime needed to run it) and copies it to PREFIX/bin/kimi.
# Needs the .NET 10 SDK; clang and zlib headers (the AOT compiler's linker prerequisites) are
# installed with apt-get when missing.
#
#   ./install.sh                  # ~/.local/bin/kimi
#   ./install.sh --prefix DIR     # DIR/bin/kimi
set -euo pipefail
cd "$(dirname "$0")"

prefix="$HOME/.local"
while (($#)); do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a folder}"; shift 2 ;;
    --prefix=*) prefix="${1#*=}"; shift ;;
    *) echo "usage: ./install.sh [--prefix DIR]   (installs DIR/bin/kimi; default ~/.local)" >&2; exit 2 ;;
  esac
done

source scripts/prerequisites.sh
publish_native_kimi
install -D -m 755 "$NATIVE_KIMI" "$prefix/bin/kimi"
echo "==> installed $prefix/bin/kimi ($("$prefix/bin/kimi" --version))"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "    $prefix/bin is not on your PATH; add it: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
