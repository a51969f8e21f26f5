// The GraphQL documents of the Users, API tokens and System pages. Every mutation selects the
// object it changed (with its id), so the normalised cache updates the rows that show it.
import { graphql } from "../gql";

export const UserRowFields = graphql(`
  fragment AdminUserRow on User {
    id
    username
    email
    role
    isActive
    createdAt
  }
`);

export const UsersListQuery = graphql(`
  query AdminUsersList($after: String) {
    users(first: 50, after: $after) {
      nodes {
        ...AdminUserRow
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const CreateUserMutation = graphql(`
  mutation AdminCreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      user {
        ...AdminUserRow
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const UpdateUserMutation = graphql(`
  mutation AdminUpdateUser($input: UpdateUserInput!) {
    updateUser(input: $input) {
      user {
        ...AdminUserRow
        updatedAt
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const ApiTokenFields = graphql(`
  fragment AdminApiToken on ApiToken {
    id
    name
    createdAt
    expiresAt
    lastUsedAt
    revokedAt
  }
`);

export const ApiTokensQuery = graphql(`
  query AdminApiTokens {
    viewer {
      id
      apiTokens {
        ...AdminApiToken
      }
    }
  }
`);

export const CreateApiTokenMutation = graphql(`
  mutation AdminCreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
      apiToken {
        ...AdminApiToken
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const RevokeApiTokenMutation = graphql(`
  mutation AdminRevokeApiToken($input: RevokeApiTokenInput!) {
    revokeApiToken(input: $input) {
      apiToken {
        ...AdminApiToken
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const SystemInfoQuery = graphql(`
  query AdminSystemInfo {
    system {
      version
      mode
      database {
        dialect
        reachable
      }
      docker {
        reachable
        version
        networkMode
      }
      git {
        version
      }
      worker {
        concurrency
        runningBuilds
      }
      gateway {
        mode
        reachable
        detail
        url
        toolUrlExample
        rootCertificatePath
      }
    }
  }
`);
