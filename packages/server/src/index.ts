export * from "./auth"
export * from "./edge"
export * from "./http-app"
