#!/usr/bin/env bash
# The API-server validation differential test (packages/schema/src/api-validation.differential.test.ts)
# compares what our API-server pass (packages/schema/src/api-validation.ts) refuses with what the
# API server refuses on create. Its oracle is scripts/validation-oracle, a small Go program over
# k8s.io/kubernetes v1.37.2's own decoding, defaulting, conversion and validation (core, apps,
# batch, networking; its staging modules replaced by their v0.37.2 releases), installed as
# $(go env GOPATH)/bin/validation-oracle. Idempotent; a cold module cache downloads
# k8s.io/kubernetes once (minutes), a warm one builds in seconds. Without Go it says so; the test
# then fails under CI=true. The image differential test
# (packages/rules/src/workload/image-pinned/image-differential.test.ts) asks it too: what the
# kubelet's ParseImageName and the API server make of an image string.
set -euo pipefail
source "$(dirname "$0")/go-oracle.sh"
build_go_oracle validation-oracle validation-oracle "API-server validation differential test"
