/** The tests' pet-store API in its own process, for benchmarks: prints `{url, apiKey}` as one JSON line. */
import { startPetStore } from "../packages/testing/src/openapi-upstream"

const store = await startPetStore()
console.log(JSON.stringify({ url: store.url, apiKey: store.apiKey }))
process.on("SIGTERM", () => void store.close().then(() => process.exit(0)))
