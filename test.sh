#!/usr/bin/env bash
# Runs every test. Installs the Debian packages the tests need when they are missing (OpenCL on CPU through PoCL,
# ONNX's conformance data, CLBlast), then runs `dotnet test`. Usage: ./test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")"

packages=(pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev clinfo libonnx-testdata clblast-utils libclblast-dev g++ clang python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

dotnet test FpgaGen.sln --nologo -v q --logger progress "$@"
