// The GraphQL documents of the build pages and the build log. The fields that change while a
// build runs are one fragment, selected by the page's query and by `buildUpdated` alike, so the
// normalised cache applies each event to everything that shows that build.
import { graphql } from "../gql";

export const BuildLiveFields = graphql(`
  fragment BuildLiveFields on Build {
    id
    status
    commitSha
    image
    startedAt
    finishedAt
    failure { phase code message }
  }
`);

export const BuildPhasesQuery = graphql(`
  query BuildPhasesBuild($id: ID!) {
    build(id: $id) { ...BuildLiveFields }
  }
`);

export const BuildPhasesLiveSubscription = graphql(`
  subscription BuildPhasesLive($buildId: ID!) {
    buildUpdated(buildId: $buildId) { ...BuildLiveFields }
  }
`);

export const BuildPageQuery = graphql(`
  query BuildPageBuild($id: ID!) {
    build(id: $id) {
      ...BuildLiveFields
      number
      trigger
      ref
      queuedAt
      tool { id name }
    }
  }
`);

export const CancelBuildMutation = graphql(`
  mutation BuildPageCancelBuild($input: CancelBuildInput!) {
    cancelBuild(input: $input) {
      build { ...BuildLiveFields }
      errors { code message field }
    }
  }
`);

// Sent through graphql-ws directly (not urql), so the viewer controls the resume cursor. No
// `timestamp`: the viewer shows none, and it was a third of every replayed chunk.
export const BuildLogSubscription = graphql(`
  subscription BuildLogLive($buildId: ID!, $afterSeq: Int) {
    buildLog(buildId: $buildId, afterSeq: $afterSeq) {
      lines { seq stream text }
      lastSeq
      done
    }
  }
`);

// What the raw download is named after.
export const BuildLogNameQuery = graphql(`
  query BuildLogName($id: ID!) {
    build(id: $id) { id number tool { id name } }
  }
`);

export const BuildRowFields = graphql(`
  fragment BuildsPageRow on Build {
    id
    number
    status
    trigger
    queuedAt
    tool { id name }
  }
`);

// The four running statuses, each its own list (the filter takes one status).
export const ActiveBuildsQuery = graphql(`
  query BuildsPageActive {
    queued: builds(first: 100, filter: { status: QUEUED }) { nodes { ...BuildsPageRow } }
    cloning: builds(first: 100, filter: { status: CLONING }) { nodes { ...BuildsPageRow } }
    building: builds(first: 100, filter: { status: BUILDING }) { nodes { ...BuildsPageRow } }
    starting: builds(first: 100, filter: { status: STARTING }) { nodes { ...BuildsPageRow } }
  }
`);

export const RecentBuildsQuery = graphql(`
  query BuildsPageRecent($after: String) {
    builds(first: 20, after: $after) {
      nodes { ...BuildsPageRow }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const ToolsLiveSubscription = graphql(`
  subscription BuildsPageToolsLive {
    toolUpdated(toolId: null) { id status }
  }
`);

export const BuildRowLiveSubscription = graphql(`
  subscription BuildsPageBuildLive($buildId: ID!) {
    buildUpdated(buildId: $buildId) { ...BuildsPageRow ...BuildLiveFields }
  }
`);
