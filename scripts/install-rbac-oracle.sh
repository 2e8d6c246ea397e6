#!/usr/bin/env bash
# The RBAC differential test (packages/rules/src/rbac-differential.test.ts) judges our rbac/*
# rules against the Kubernetes RBAC code itself: scripts/rbac-oracle, a small Go program over
# k8s.io/kubernetes v1.37.2 (the RBAC authorizer, the bootstrap ClusterRoles, the API server's
# validation of RBAC objects) with every k8s.io module at v0.37.2, installed as
# $(go env GOPATH)/bin/rbac-oracle. Idempotent; about four minutes on a cold module cache (two shared cores).
set -euo pipefail
source "$(dirname "$0")/go-oracle.sh"
build_go_oracle rbac-oracle rbac-oracle "RBAC differential test"
