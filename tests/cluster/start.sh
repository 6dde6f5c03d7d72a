#!/usr/bin/env bash
# Starts a private single-node Slurm 22.05 cluster for the tests, without systemd: munged, MariaDB, slurmdbd (so
# sacct works), slurmctld and slurmd, every file in DIR, every daemon on a free port of 127.0.0.1. Installs the
# Debian packages when they are missing. Writes DIR/env (source it: SLURM_CONF, FPGAGEN_TEST_SLURM) and the PIDs
# to DIR/pids; tests/cluster/stop.sh DIR stops exactly those. Usage: tests/cluster/start.sh DIR
# Facts and pitfalls behind each step: ../shared/docs/slurm.md (numbers in brackets below refer to its problems list).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
D=$(cd "$1" && pwd)
H=$(hostname -s)
started=$(date +%s.%N)

# --- packages -------------------------------------------------------------------------------------------------
"$(dirname "$0")/../apt-needs.sh" cluster munge slurmctld slurmd slurm-client slurm-wlm-basic-plugins slurmdbd \
  mariadb-server-core mariadb-client-core

# --- folders, key, ports --------------------------------------------------------------------------------------
mkdir -p "$D"/{munge,state,spool/slurmd,run,log,db}
chmod 755 "$D" "$D/munge" "$D/run"   # [2] munged needs execute permission for all on the socket's folders
[ -s "$D/munge/munge.key" ] || { dd if=/dev/urandom bs=1 count=1024 of="$D/munge/munge.key" status=none; }
chmod 600 "$D/munge/munge.key"
: > "$D/pids"

taken=()
# [13] The default port or the next free one; a port is taken when something accepts a connection on it.
free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || [[ " ${taken[*]:-} " == *" $p "* ]]; do p=$((p + 1)); done
  taken+=("$p")
  echo "$p"
}
ctld_port=$(free_port 6817); taken+=("$ctld_port")
slurmd_port=$(free_port $((ctld_port + 1))); taken+=("$slurmd_port")
dbd_port=$(free_port $((slurmd_port + 1))); taken+=("$dbd_port")
db_port=$(free_port 3306); taken+=("$db_port")
sock=$D/munge/munge.socket.2
db_pass_file=$D/db.pass
[ -s "$db_pass_file" ] || { head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$db_pass_file"; chmod 600 "$db_pass_file"; }
db_pass=$(cat "$db_pass_file")
node=$(slurmd -C | head -1 | sed 's/ UpTime=.*//')   # NodeName=... CPUs=... RealMemory=...

cat > "$D/slurm.conf" <<EOF
# Written by tests/cluster/start.sh: a private single-node cluster for FpgaGen's tests.
ClusterName=fpgagen
SlurmctldHost=$H(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# [requeue] A requeued job waits cred_expire seconds before it may start again (slurm.conf(5) AuthInfo; 120 by default).
AuthInfo=socket=$sock,cred_expire=5
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool/slurmd
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# A requeued job becomes eligible after cred_expire, and only the main scheduler starts it: every sched_interval (60 s by default).
SchedulerParameters=sched_interval=1,bf_interval=1
MpiDefault=none
ReturnToService=2
KillWait=5
MailProg=/bin/true
JobCompType=jobcomp/filetxt
JobCompLoc=$D/log/jobcomp.txt
# Floating tool licences, as a site declares its Quartus/Vivado seats (fpgagen compile --licenses).
Licenses=quartus:2,vivado:2
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$dbd_port
# [3] The connection to slurmdbd ignores AuthInfo; this names the munge socket for it (slurm.conf(5)).
AccountingStoragePass=$sock
JobAcctGatherType=jobacct_gather/linux
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
# [10] slurmd -C names the node by its short host name, which SlurmctldHost uses too.
umask 077
cat > "$D/slurmdbd.conf" <<EOF
AuthType=auth/munge
AuthInfo=socket=$sock
DbdHost=$H
DbdAddr=127.0.0.1
DbdPort=$dbd_port
SlurmUser=root
PidFile=$D/run/slurmdbd.pid
LogFile=$D/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$db_port
StorageUser=slurm
StoragePass=$db_pass
StorageLoc=slurm_acct_db
EOF
umask 022
chmod 600 "$D/slurmdbd.conf"   # [7] slurmdbd refuses other modes
export SLURM_CONF=$D/slurm.conf

# --- daemons --------------------------------------------------------------------------------------------------
# Each runs in the foreground of its own session (so a Ctrl-C of the tests does not reach it); its PID is recorded.
launch() {
  local name=$1; shift
  setsid "$@" >> "$D/log/$name.out" 2>&1 < /dev/null &
  echo "$name $!" >> "$D/pids"
}
wait_for() {   # wait_for WHAT SECONDS COMMAND...: polls every 0.1 s
  local what=$1 limit=$2; shift 2
  local end=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$end" ]; then
      echo "cluster: $what did not come up within $limit s; logs in $D/log:" >&2
      tail -n 5 "$D"/log/*.log "$D"/log/*.out >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.1
  done
}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

launch munged munged --foreground --force --key-file="$D/munge/munge.key" --socket="$sock" \
  --pid-file="$D/run/munged.pid" --log-file="$D/log/munged.log" --seed-file="$D/munge/munged.seed"
wait_for munged 10 test -S "$sock"

if [ ! -d "$D/db/mysql" ]; then
  mariadb-install-db --no-defaults --datadir="$D/db" --user=root --auth-root-authentication-method=socket \
    --skip-test-db > "$D/log/mariadb-install.out" 2>&1
fi
# [5] mariadb-server-core has no mysql user, so mariadbd runs as root; [6] the InnoDB sizes silence slurmdbd's warning.
launch mariadbd mariadbd --no-defaults --datadir="$D/db" --socket="$D/run/mariadb.sock" --port="$db_port" \
  --bind-address=127.0.0.1 --user=root --skip-name-resolve --skip-log-bin --pid-file="$D/run/mariadbd.pid" \
  --innodb-buffer-pool-size=1024M --innodb-log-file-size=64M --innodb-lock-wait-timeout=900
wait_for mariadbd 30 mariadb --no-defaults --socket="$D/run/mariadb.sock" -uroot -e "SELECT 1"
mariadb --no-defaults --socket="$D/run/mariadb.sock" -uroot -e \
  "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$db_pass'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';"

launch slurmdbd slurmdbd -D   # [7] reads slurmdbd.conf beside $SLURM_CONF
wait_for slurmdbd 60 listening "$dbd_port"
launch slurmctld slurmctld -D -f "$D/slurm.conf"
launch slurmd slurmd -D -f "$D/slurm.conf" -N "$H"
node_idle() { [ "$(sinfo -h -n "$H" -o %T)" = idle ]; }
wait_for "the node" 60 node_idle
# The cluster registers itself in slurmdbd; sacct works once it has.
registered() { sacctmgr -n -P show cluster fpgagen format=cluster | grep -qx fpgagen; }
wait_for "accounting" 30 registered

cat > "$D/env" <<EOF
export SLURM_CONF=$D/slurm.conf
export FPGAGEN_TEST_SLURM=$D
EOF
awk -v a="$started" -v b="$(date +%s.%N)" -v d="$D" -v p="$ctld_port" \
  'BEGIN { printf "cluster: up in %.1f s (%s, slurmctld port %s); source %s/env\n", b - a, d, p, d }'
