export * from "./pool"
export * from "./protocol"
