#!/bin/bash
# mlblueprints UltraCluster: SageMaker HyperPod lifecycle script.
#
# HyperPod runs it on every node after its own initialisation (Slurm from the
# instance groups' SlurmConfig, the EFA software, the FSx mount from the
# instance group's FsxLustreConfig): ClusterLifeCycleConfig.OnInitComplete
# ("Extended" mode). It only adds what the blueprint asks for, and is safe to
# run again:
#   1. make sure /fsx is mounted (the stack's FSx for Lustre file system);
#   2. give every login shell and Slurm job the EFA/NCCL environment the Batch
#      job definition uses;
#   3. log what EFA devices the node has (workers: one per network card).
# Its settings come from cluster.json, which the stack writes next to it.
set -euo pipefail

LOG=/var/log/mlblueprints-lifecycle.log
exec > >(tee -a "$LOG") 2>&1
echo "mlblueprints lifecycle: start $(date -Is) on $(hostname)"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONFIG="$HERE/cluster.json"

setting() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$CONFIG" "$1"
}

MOUNT_POINT="$(setting mount_point)"
FSX_SOURCE="$(setting fsx_dns_name)@tcp:/$(setting fsx_mount_name)"

# 1. /fsx
if mountpoint -q "$MOUNT_POINT"; then
    echo "$MOUNT_POINT already mounted"
else
    mkdir -p "$MOUNT_POINT"
    grep -q " $MOUNT_POINT lustre " /etc/fstab \
        || echo "$FSX_SOURCE $MOUNT_POINT lustre defaults,relatime,flock,_netdev,x-systemd.automount,x-systemd.requires=network.service 0 0" >> /etc/fstab
    mount "$MOUNT_POINT"
    echo "mounted $FSX_SOURCE at $MOUNT_POINT"
fi

# 2. EFA and NCCL environment for shells and Slurm jobs
python3 - "$CONFIG" > /etc/profile.d/mlblueprints-efa.sh <<'PY'
import json, shlex, sys
for name, value in sorted(json.load(open(sys.argv[1]))["environment"].items()):
    print(f"export {name}={shlex.quote(value)}")
PY
chmod 0644 /etc/profile.d/mlblueprints-efa.sh

# 3. EFA devices
shopt -s nullglob
devices=(/dev/infiniband/uverbs*)
echo "EFA devices on this node: ${#devices[@]}"

echo "mlblueprints lifecycle: done $(date -Is)"
