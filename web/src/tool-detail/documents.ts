// The tool detail page's GraphQL documents. The page's fields are one fragment, selected by the
// query, the live subscription and every mutation's payload alike, so whichever answers last
// leaves the normalised cache with everything the page shows.
import { graphql } from "../gql";

export const ToolDetailBuildFields = graphql(`
  fragment ToolDetailBuild on Build {
    id
    number
    status
    trigger
    ref
    commitSha
    queuedAt
    startedAt
    finishedAt
  }
`);

export const ToolDetailHealthCheckFields = graphql(`
  fragment ToolDetailHealthCheck on HealthCheck {
    id
    checkedAt
    healthy
    statusCode
    latencyMs
    error
  }
`);

// The health history shows 20 checks; the header reads the newest of the same list, so one
// list (and one cache field) serves both and the live feed keeps it fresh.
export const ToolDetailToolFields = graphql(`
  fragment ToolDetailTool on Tool {
    id
    name
    description
    icon
    color
    status
    desiredState
    url
    toolAccess
    domains
    repoUrl
    ref
    subdir
    commitSha
    hostPort
    createdAt
    updatedAt
    currentBuild { ...ToolDetailBuild }
    latestBuild { ...ToolDetailBuild }
    healthChecks(last: 20) { ...ToolDetailHealthCheck }
    environment { name value }
    secrets { name isSet }
    manifest
  }
`);

export const ToolDetailQuery = graphql(`
  query ToolDetail($name: String!) {
    tool(name: $name) { ...ToolDetailTool }
  }
`);

/** Asked after the live feed ended: a tool that is gone was uninstalled. */
export const ToolDetailExistsQuery = graphql(`
  query ToolDetailExists($id: ID!) {
    tool(id: $id) { id }
  }
`);

export const ToolDetailLiveSubscription = graphql(`
  subscription ToolDetailLive($id: ID!) {
    toolUpdated(toolId: $id) { ...ToolDetailTool }
  }
`);

// A build's status changes do not always change the tool (a rebuild of a running tool leaves it
// RUNNING until the new container starts), so the latest build is followed on its own while active.
export const ToolDetailBuildLiveSubscription = graphql(`
  subscription ToolDetailBuildLive($buildId: ID!) {
    buildUpdated(buildId: $buildId) { ...ToolDetailBuild }
  }
`);

export const ToolDetailBuildsQuery = graphql(`
  query ToolDetailBuilds($id: ID!, $after: String) {
    tool(id: $id) {
      id
      builds(first: 10, after: $after) {
        nodes { ...ToolDetailBuild }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`);

export const ToolDetailRollbackTargetsQuery = graphql(`
  query ToolDetailRollbackTargets($id: ID!) {
    tool(id: $id) {
      id
      builds(first: 100) {
        nodes { ...ToolDetailBuild }
      }
    }
  }
`);

export const ToolDetailLogsSubscription = graphql(`
  subscription ToolDetailLogs($id: ID!) {
    toolLogs(toolId: $id, tail: 200) { seq stream timestamp text }
  }
`);

export const ToolDetailStartMutation = graphql(`
  mutation ToolDetailStartTool($id: ID!) {
    startTool(input: { id: $id }) {
      tool { ...ToolDetailTool }
      errors { code message field }
    }
  }
`);

export const ToolDetailStopMutation = graphql(`
  mutation ToolDetailStopTool($id: ID!) {
    stopTool(input: { id: $id }) {
      tool { ...ToolDetailTool }
      errors { code message field }
    }
  }
`);

export const ToolDetailRestartMutation = graphql(`
  mutation ToolDetailRestartTool($id: ID!) {
    restartTool(input: { id: $id }) {
      tool { ...ToolDetailTool }
      errors { code message field }
    }
  }
`);

export const ToolDetailUpdateMutation = graphql(`
  mutation ToolDetailUpdateTool($id: ID!, $ref: String) {
    updateTool(input: { id: $id, ref: $ref }) {
      tool { ...ToolDetailTool }
      build { ...ToolDetailBuild }
      errors { code message field }
    }
  }
`);

export const ToolDetailRebuildMutation = graphql(`
  mutation ToolDetailRebuildTool($id: ID!) {
    rebuildTool(input: { id: $id }) {
      tool { ...ToolDetailTool }
      build { ...ToolDetailBuild }
      errors { code message field }
    }
  }
`);

export const ToolDetailRollbackMutation = graphql(`
  mutation ToolDetailRollbackTool($id: ID!, $buildId: ID!) {
    rollbackTool(input: { id: $id, buildId: $buildId }) {
      tool { ...ToolDetailTool }
      build { ...ToolDetailBuild }
      errors { code message field }
    }
  }
`);

export const ToolDetailCancelBuildMutation = graphql(`
  mutation ToolDetailCancelBuild($id: ID!) {
    cancelBuild(input: { id: $id }) {
      build { ...ToolDetailBuild }
      errors { code message field }
    }
  }
`);

export const ToolDetailUninstallMutation = graphql(`
  mutation ToolDetailUninstallTool($id: ID!, $keepData: Boolean!) {
    uninstallTool(input: { id: $id, keepData: $keepData }) {
      tool { id }
      errors { code message field }
    }
  }
`);

export const ToolDetailSetEnvironmentMutation = graphql(`
  mutation ToolDetailSetEnvironment($id: ID!, $environment: [EnvironmentVariableInput!]!) {
    setToolEnvironment(input: { id: $id, environment: $environment }) {
      tool { id updatedAt environment { name value } }
      errors { code message field }
    }
  }
`);

export const ToolDetailSetSecretMutation = graphql(`
  mutation ToolDetailSetSecret($id: ID!, $name: String!, $value: String!) {
    setToolSecret(input: { id: $id, name: $name, value: $value }) {
      tool { id secrets { name isSet } }
      errors { code message field }
    }
  }
`);

export const ToolDetailDeleteSecretMutation = graphql(`
  mutation ToolDetailDeleteSecret($id: ID!, $name: String!) {
    deleteToolSecret(input: { id: $id, name: $name }) {
      tool { id secrets { name isSet } }
      errors { code message field }
    }
  }
`);

export const ToolDetailSetAccessMutation = graphql(`
  mutation ToolDetailSetAccess($id: ID!, $toolAccess: ToolAccess!) {
    setToolAccess(input: { id: $id, toolAccess: $toolAccess }) {
      tool { id updatedAt toolAccess }
      errors { code message field }
    }
  }
`);

export const ToolDetailSetDomainsMutation = graphql(`
  mutation ToolDetailSetDomains($id: ID!, $domains: [String!]!) {
    setToolDomains(input: { id: $id, domains: $domains }) {
      tool { id updatedAt domains }
      errors { code message field }
    }
  }
`);
