import { defineConfig } from "vitest/config";

// The end-to-end tests run git, helm and the bundled Action: on a loaded machine one takes more
// than vitest's default 5 s. What they assert is behaviour; speed is for `pnpm bench`.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
