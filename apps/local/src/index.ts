export * from "./data-dir"
export * from "./lock"
export * from "./main"
export * from "./serve"
