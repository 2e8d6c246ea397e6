#!/usr/bin/env bash
# The pod merge differential test (packages/core/src/pod-merge-differential.test.ts) merges
# Tekton steps over their stepTemplate and Argo podSpecPatches over their pod with the real
# strategic merge patch of k8s.io/apimachinery. This builds scripts/merge-oracle, a small Go
# program over that module (v0.37.2, as the other oracles), as $(go env GOPATH)/bin/merge-oracle.
# Idempotent; the test finds it there or at $MERGE_ORACLE_PATH.
set -euo pipefail
source "$(dirname "$0")/go-oracle.sh"
build_go_oracle merge-oracle merge-oracle "pod merge differential test"
