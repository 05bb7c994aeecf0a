import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: configDefaults.exclude,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Never let the AWS SDK probe instance metadata (a non-loopback address) from a test.
    env: {
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
  },
});
