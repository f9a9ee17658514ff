import { openApiPlugin } from "@executor/plugin-openapi"
import { runCli } from "./main"

// The plugins this build ships; the GraphQL and MCP plugins join here.
runCli([openApiPlugin])
