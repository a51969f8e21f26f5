// GraphiQL's fetcher: queries and mutations as POST /graphql (the server refuses GET), and
// subscriptions over the tab's one graphql-transport-ws connection, which authenticates itself
// in connection_init with the session's token (see api/live.ts).
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { liveClient } from "../api/live";
import { authorizedFetch } from "./authorizedFetch";

export const fetcher = createGraphiQLFetcher({
  url: "/graphql",
  fetch: authorizedFetch,
  wsClient: liveClient,
  // The API has no @defer/@stream: plain JSON responses, no multipart/mixed negotiation.
  enableIncrementalDelivery: false,
});
