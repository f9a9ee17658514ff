import { terms, stem } from "@executor/core"
console.log(terms("users.getAuthenticated"), terms("Get the authenticated user"), terms("List the people the authenticated user follows"), stem("authenticated"), stem("signing"))
