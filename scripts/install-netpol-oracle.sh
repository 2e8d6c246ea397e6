#!/usr/bin/env bash
# The NetworkPolicy dataplane differential test (packages/netpol/src/dataplane-differential.test.ts)
# judges our flow analysis against a real NetworkPolicy implementation: scripts/netpol-oracle, a
# small Go program over sigs.k8s.io/kube-network-policies v0.8.0 (kindnet's dataplane; its
# per-packet verdict, driven without a node) with k8s.io/kubernetes v1.37.2's defaulting and every
# k8s.io module at v0.37.2, installed as $(go env GOPATH)/bin/netpol-oracle. Idempotent; a cold
# module cache downloads k8s.io/kubernetes once (minutes), a warm one builds in seconds. Without
# Go it says so; the test then fails under CI=true.
set -euo pipefail
source "$(dirname "$0")/go-oracle.sh"
build_go_oracle netpol-oracle netpol-oracle "NetworkPolicy dataplane differential test"
