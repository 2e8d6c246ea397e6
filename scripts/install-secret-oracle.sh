#!/usr/bin/env bash
# The secrets differential test (packages/rules/src/secrets/differential.test.ts) compares what
# our secrets rules read from a Secret with what the API server stores. Its oracle is
# scripts/secret-oracle, a small Go program over k8s.io/api and k8s.io/apimachinery v0.37.2,
# sigs.k8s.io/json (the API server's decoder) and k8s.io/kubernetes v1.37.2's own conversion and
# ValidateSecret (its staging modules replaced by their v0.37.2 releases), installed as
# $(go env GOPATH)/bin/secret-oracle. Idempotent; a cold module cache downloads k8s.io/kubernetes
# once (minutes), a warm one builds in seconds. Without Go it says so; the test then fails under
# CI=true.
set -euo pipefail
source "$(dirname "$0")/go-oracle.sh"
build_go_oracle secret-oracle secret-oracle "secrets differential test"
