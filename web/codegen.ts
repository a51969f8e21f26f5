// Every GraphQL document in src/ is validated against the API's committed schema and typed:
// a schema change that breaks the dashboard fails the build (and so `make test`).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  errorsOnly: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSON: "unknown" },
        useTypeImports: true,
      },
    },
  },
};

export default config;
