export * from "./api"
export * from "./compile"
export * from "./plugin"
export { FILE_SCHEMA } from "./schemas"
