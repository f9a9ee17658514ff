/**
 * Plain-language requests a person might make of GitHub's API, each with the
 * operation they mean. Written as people phrase things, not with the
 * operations' own words; kept as the search recall test and benchmark.
 */
export const GITHUB_QUERIES: ReadonlyArray<readonly [query: string, tool: string]> = [
  ["list repositories for an organization", "repos.listForOrg"],
  ["open a new issue", "issues.create"],
  ["who is the signed-in user", "users.getAuthenticated"],
  ["star a repository", "activity.starRepoForAuthenticatedUser"],
  ["leave a comment on an issue", "issues.createComment"],
  ["merge a pull request", "pulls.merge"],
  ["rename a branch", "repos.renameBranch"],
  ["fork someone's repo", "repos.createFork"],
  ["read a file from a repository", "repos.getContent"],
  ["lock the conversation on an issue", "issues.lock"],
  ["put labels on an issue", "issues.addLabels"],
  ["who starred my project", "activity.listStargazersForRepo"],
  ["show the commit history of a repo", "repos.listCommits"],
  ["publish a new release", "repos.createRelease"],
  ["invite someone to join my organization", "orgs.createInvitation"],
  ["what notifications do I have", "activity.listNotificationsForAuthenticatedUser"],
  ["ask someone to review a pull request", "pulls.requestReviewers"],
  ["find code that mentions a function name", "search.code"],
  ["manually start a workflow", "actions.createWorkflowDispatch"],
  ["people in an organization", "orgs.listMembers"],
  ["share a snippet as a gist", "gists.create"],
  ["follow a user", "users.follow"],
  ["open pull requests in a repo", "pulls.list"],
  ["look up a user's profile by their username", "users.getByUsername"],
  ["give a user access to a repository", "repos.addCollaborator"],
  ["how many API requests do I have left", "rateLimit.get"],
  ["get notified by a webhook when something happens in a repo", "repos.createWebhook"],
  ["list the branches of a repository", "repos.listBranches"]
]

/**
 * Written after the ranking was tuned on the list above and never tuned
 * against: how the search does on requests it was not shaped by.
 */
export const GITHUB_HELD_OUT_QUERIES: ReadonlyArray<readonly [query: string, tool: string]> = [
  ["delete a repository", "repos.delete"],
  ["issues assigned to me", "issues.list"],
  ["add an emoji reaction to an issue comment", "reactions.createForIssueComment"],
  ["get the README of a repo", "repos.getReadme"],
  ["which teams are in my organization", "teams.list"],
  ["stop following someone", "users.unfollow"],
  ["download a repository as a zip archive", "repos.downloadZipballArchive"],
  ["what programming languages does a repository use", "repos.listLanguages"],
  ["change the title of an issue", "issues.update"],
  ["cancel a running workflow", "actions.cancelWorkflowRun"],
  ["list my own repositories", "repos.listForAuthenticatedUser"],
  ["compare two commits", "repos.compareCommits"]
]
