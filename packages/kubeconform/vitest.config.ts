import { defineConfig } from "vitest/config";

// The real kubeconform runs in these tests; on 2 shared cores a run can take seconds.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000 } });
