#!/usr/bin/env bash
# Stops the cluster tests/cluster/start.sh DIR started: cancels leftover jobs, waits for their job steps to end (so no
# slurmstepd is orphaned), then stops each daemon it recorded in DIR/pids by that PID, last started first: SIGTERM,
# and SIGKILL after 10 s. Nothing else is signalled. Leaves DIR in place. Usage: tests/cluster/stop.sh DIR
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
D=$(cd "$1" 2>/dev/null && pwd) || { echo "stop: no folder $1" >&2; exit 0; }
[ -s "$D/pids" ] || exit 0
export SLURM_CONF=$D/slurm.conf

alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
pid_of() { awk -v n="$1" '$1 == n { print $2 }' "$D/pids"; }

# Leftover jobs: cancel them while slurmctld and slurmd still run, then wait for the steps' sockets to go [slurm.md 11].
if p=$(pid_of slurmctld) && [ -n "$p" ] && alive "$p"; then
  scancel --quiet --user="$(id -un)" 2>/dev/null || true
  steps() { for f in "$D"/spool/slurmd/*; do [ -S "$f" ] && return 0; done; return 1; }   # <node>_<job>.<step> sockets
  for _ in $(seq 100); do steps || break; sleep 0.1; done
fi

# Last started first: slurmd, slurmctld, slurmdbd, mariadbd, munged.
tac "$D/pids" | while read -r name pid; do
  alive "$pid" || continue
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then echo "stop: $name (PID $pid) ignored SIGTERM for 10 s; killing it" >&2; kill -KILL "$pid" 2>/dev/null; fi
done
: > "$D/pids"
echo "cluster: stopped ($D)"
