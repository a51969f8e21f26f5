// What a new GraphiQL tab starts with (GraphiQL keeps the user's own tabs in localStorage).
export const DEFAULT_QUERY = `# MACHETE's GraphQL API, as the signed-in user.
# Run with Ctrl+Enter (Cmd+Enter on a Mac) or the Run button; the Docs and Explorer
# panels on the left show the schema.
{ system { version } }
`;
