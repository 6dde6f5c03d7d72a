#!/usr/bin/env bash
# Runs every test. Installs the Debian packages the tests need when they are missing (OpenCL on CPU through PoCL,
# ONNX's conformance data, CLBlast), starts a private single-node Slurm cluster for the Slurm sweep tests
# (tests/cluster/start.sh; stopped again on any exit), then runs `dotnet test`. Usage: ./test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")"

tests/apt-needs.sh test.sh pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev clinfo libonnx-testdata clblast-utils libclblast-dev \
  g++ clang python3 chromium

# The Slurm sweep tests run against a real cluster; they fail under CI (CI=true) when it did not come up.
slurm_dir=$(mktemp -d "${TMPDIR:-/tmp}/fpgagen-slurm.XXXXXX")
trap 'tests/cluster/stop.sh "$slurm_dir" >/dev/null; rm -rf "$slurm_dir"' EXIT
trap 'exit 130' INT TERM
if tests/cluster/start.sh "$slurm_dir"; then
  . "$slurm_dir/env"
else
  echo "warning: the Slurm test cluster did not start (logs above); the Slurm sweep tests will fail or skip" >&2
fi

dotnet test FpgaGen.sln --nologo -v q --logger progress "$@"
