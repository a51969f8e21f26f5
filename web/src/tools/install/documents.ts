import { graphql } from "../../gql";

export const ValidateManifestMutation = graphql(`
  mutation ValidateManifest($input: ValidateManifestInput!) {
    validateManifest(input: $input) {
      plan {
        name
        image
        commitSha
        category
        port
        healthCheck
        environmentKeys
        volumes
        memoryMib
        cpus
        pidsLimit
      }
      errors { code message field line }
    }
  }
`);

export const InstallToolMutation = graphql(`
  mutation InstallTool($input: InstallToolInput!) {
    installTool(input: $input) {
      tool { id name status desiredState }
      build { id number status }
      errors { code message field line }
    }
  }
`);
