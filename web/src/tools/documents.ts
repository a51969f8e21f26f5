// The Tools page's GraphQL documents. The card's fields are one fragment, selected by the list
// query and by the live subscription alike, so an event updates exactly what the cards show.
import { graphql } from "../gql";

export const ToolCardFields = graphql(`
  fragment ToolsPageCard on Tool {
    id
    name
    description
    category
    status
    desiredState
    updatedAt
    url
    icon
    color
    healthChecks(last: 1) {
      id
      checkedAt
      healthy
      statusCode
      latencyMs
      error
    }
  }
`);

/** Tools per page: the API's maximum. */
export const TOOLS_PAGE_SIZE = 100;

export const ToolListQuery = graphql(`
  query ToolsPageList($filter: ToolFilter, $first: Int!, $after: String) {
    tools(filter: $filter, first: $first, after: $after) {
      nodes { ...ToolsPageCard }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

// Every tool's category, unfiltered: the Category filter offers the categories present.
export const ToolCategoriesQuery = graphql(`
  query ToolsPageCategories {
    tools(first: 100) {
      nodes { id category }
    }
  }
`);

export const ToolsLiveSubscription = graphql(`
  subscription ToolsPageLive {
    toolUpdated(toolId: null) { ...ToolsPageCard }
  }
`);
