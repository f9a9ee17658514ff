// Prints the suite's totals as one plain line ("N passed, N failed") after vitest's own report.
import { readFileSync } from "node:fs"

const results = JSON.parse(readFileSync(".tmp/test-results.json", "utf8"))
const skipped = results.numPendingTests + results.numTodoTests
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`)
