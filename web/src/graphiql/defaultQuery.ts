// What a new GraphiQL tab starts with (GraphiQL keeps the user's own tabs in localStorage).
export const DEFAULT_QUERY = `# Runs as you, the signed-in user. Ctrl+Enter runs it.
{ system { version } }
`;
