export * from "./fixture-plugin"
export * from "./postgres"
export * from "./server"
export * from "./upstream"
