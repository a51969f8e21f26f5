// GraphiQL's fetcher: queries and mutations as POST /graphql (the server refuses GET), and
// subscriptions over the tab's one graphql-transport-ws connection, which authenticates itself
// in connection_init with the session's token (see api/live.ts).
import { createGraphiQLFetcher, type Fetcher } from "@graphiql/toolkit";
import { parse, type DocumentNode } from "graphql";
import { liveClient } from "../api/live";
import { authorizedFetch } from "./authorizedFetch";

const toolkitFetcher = createGraphiQLFetcher({
  url: "/graphql",
  fetch: authorizedFetch,
  wsClient: liveClient,
  // The API has no @defer/@stream: plain JSON responses, no multipart/mixed negotiation.
  enableIncrementalDelivery: false,
});

function parsed(query: string): DocumentNode | undefined {
  try {
    return parse(query);
  } catch {
    return undefined;
  }
}

// The toolkit tells a subscription (WebSocket) from a query (POST) by the document GraphiQL
// hands it, which GraphiQL re-parses only after a short pause in typing: run right after an
// edit, a subscription would go out as a POST. Parse the text being sent instead.
export const fetcher: Fetcher = (params, options) =>
  toolkitFetcher(params, { ...options, documentAST: parsed(params.query) ?? options?.documentAST });
