import { Context, Layer } from "effect"
import type { ExecutorPlugin } from "./plugin"

/** The plugins loaded into this process, by id. */
export class Plugins extends Context.Tag("executor/core/Plugins")<
  Plugins,
  { readonly all: ReadonlyArray<ExecutorPlugin>; readonly byId: ReadonlyMap<string, ExecutorPlugin> }
>() {
  static layer(plugins: ReadonlyArray<ExecutorPlugin>) {
    return Layer.succeed(Plugins, { all: plugins, byId: new Map(plugins.map((p) => [p.id, p])) })
  }
}
