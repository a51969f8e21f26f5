// Every GraphQL document in src/ is validated against the API's committed schema and typed:
// a schema change that breaks the dashboard fails the build (and so `make test`).
import type { CodegenConfig } from "@graphql-codegen/cli";

// A test points these elsewhere to prove that a breaking schema change fails the build.
const schema = process.env.MACHETE_CODEGEN_SCHEMA ?? "../schema.graphql";
const output = process.env.MACHETE_CODEGEN_OUTPUT ?? "src/gql/";

const config: CodegenConfig = {
  schema,
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  errorsOnly: false,
  generates: {
    [output]: {
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
