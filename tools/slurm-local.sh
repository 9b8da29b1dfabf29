#!/usr/bin/env bash
# Start a one-node Slurm cluster on this Debian machine (for trying genomicsemrs' future
# batches on Slurm locally), or stop it.
#
#   bash tools/slurm-local.sh start   # installs slurm-wlm, munge, r-cran-future.batchtools
#   bash tools/slurm-local.sh status
#   bash tools/slurm-local.sh stop
#
# Needs root (apt-get, daemons). The cluster is this machine only: slurmctld and slurmd on
# localhost, one partition "local" with all cores and 90% of the memory. Jobs get the batchtools
# template inst/slurm/batchtools.slurm.tmpl (future.batchtools::batchtools_slurm(template = ...)).
set -euo pipefail
action=${1:-start}
conf_dir=/etc/slurm
state=/var/lib/slurm-local

start() {
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null ||
     ! dpkg-query -W -f='${Status}' r-cran-future.batchtools 2>/dev/null | grep -q "ok installed"; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      slurm-wlm munge r-cran-future.batchtools >/dev/null
  fi
  # munge: a key, then the daemon.
  mkdir -p /etc/munge /var/log/munge /run/munge /var/lib/munge
  [ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
  chown -R munge:munge /etc/munge /var/log/munge /run/munge /var/lib/munge
  chmod 0700 /etc/munge; chmod 0400 /etc/munge/munge.key
  pgrep -x munged >/dev/null || su -s /bin/sh munge -c /usr/sbin/munged
  # slurm.conf for this host.
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ {printf "%d", $2 / 1024 * 0.9}' /proc/meminfo)
  mkdir -p "$conf_dir" "$state/ctld" "$state/d" /var/log/slurm
  cat > "$conf_dir/slurm.conf" <<CONF
ClusterName=local
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  pgrep -x slurmctld >/dev/null || slurmctld
  pgrep -x slurmd >/dev/null || slurmd
  for _ in $(seq 1 30); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE 'idle|mixed|alloc'; then break; fi
    sleep 1
  done
  scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
  sinfo
}

stop() {
  pkill -x slurmd || true
  pkill -x slurmctld || true
  pkill -x munged || true
}

case "$action" in
  start) start ;;
  stop) stop ;;
  status) sinfo; squeue ;;
  *) echo "usage: $0 start|status|stop" >&2; exit 2 ;;
esac
