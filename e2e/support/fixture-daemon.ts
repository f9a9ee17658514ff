import { runCli } from "../../apps/local/src/main"
import { openApiPlugin } from "../../packages/plugins/openapi/src/index"
import { fixturePlugin } from "../../packages/testing/src/fixture-plugin"

// The real daemon CLI with the plugins it ships plus the test fixture plugin, for end-to-end tests.
runCli([fixturePlugin, openApiPlugin])
