#!/usr/bin/env bash
# The monitoring differential test (packages/rules/src/monitoring-differential.test.ts) judges
# generated monitoring setups with Prometheus' own code: PromQL parsing, rule-file loading
# (rule_files globs, rulefmt), scrape configs (kubernetes_sd discovery over a fake clientset,
# relabelling). This builds scripts/prom-oracle, a small Go program over
# github.com/prometheus/prometheus v0.316.0, as $(go env GOPATH)/bin/prom-oracle. Idempotent; the
# test finds it there or at $PROM_ORACLE_PATH.
set -euo pipefail
source "$(dirname "$0")/go-oracle.sh"
build_go_oracle prom-oracle prom-oracle "monitoring differential test"
