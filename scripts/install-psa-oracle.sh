#!/usr/bin/env bash
# The Pod Security admission differential test (packages/cli/src/psa-differential.test.ts)
# judges generated pods with the real checks of k8s.io/pod-security-admission. This builds
# scripts/psa-oracle, a small Go program over that module (v0.37.2, every k8s.io module at the
# same release), as $(go env GOPATH)/bin/psa-oracle. Idempotent; the test finds it there or at
# $PSA_ORACLE_PATH.
set -euo pipefail
source "$(dirname "$0")/go-oracle.sh"
build_go_oracle psa-oracle psa-oracle "Pod Security admission differential test"
