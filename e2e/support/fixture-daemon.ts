import { runCli } from "../../apps/local/src/main"
import { fixturePlugin } from "../../packages/testing/src/fixture-plugin"

// The real daemon CLI with the test fixture plugin added, for end-to-end tests.
runCli([fixturePlugin])
