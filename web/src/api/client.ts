// The GraphQL client of the dashboard: urql with a normalised cache (so a `toolUpdated` event
// updates every card and page that shows that tool), queries and mutations over POST with the
// in-memory access token, subscriptions over the shared graphql-ws connection.
import { cacheExchange, type Cache } from "@urql/exchange-graphcache";
import { Client, fetchExchange, mapExchange, subscriptionExchange } from "urql";
import { session } from "../session/session";
import { liveClient } from "./live";

// Types without an id are embedded in their parent rather than normalised.
const embedded = () => null;

/** Every cached page of a root list (`tools`, `users`), whatever its arguments. */
function invalidateList(cache: Cache, field: string): void {
  for (const cached of cache.inspectFields("Query")) {
    if (cached.fieldName === field) cache.invalidate("Query", field, cached.arguments ?? undefined);
  }
}

async function authorizedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const token = await session.accessToken();
  const headers = new Headers(init?.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return fetch(input, { ...init, headers, credentials: "omit" });
}

export function createApiClient(): Client {
  return new Client({
    url: "/graphql",
    preferGetMethod: false,
    fetch: authorizedFetch,
    requestPolicy: "cache-and-network",
    exchanges: [
      mapExchange({
        onError(error) {
          const unauthenticated = error.graphQLErrors.some(
            (e) => e.extensions?.code === "UNAUTHENTICATED",
          );
          if (unauthenticated) void session.refresh();
        },
      }),
      cacheExchange({
        keys: {
          BuildConnection: embedded,
          BuildEdge: embedded,
          BuildFailure: embedded,
          BuildLogChunk: embedded,
          DatabaseInfo: embedded,
          DockerInfo: embedded,
          EnvironmentVariable: embedded,
          GitInfo: embedded,
          LogLine: embedded,
          ManifestPlanType: embedded,
          PageInfo: embedded,
          SystemInfo: embedded,
          ToolConnection: embedded,
          ToolEdge: embedded,
          ToolSecret: embedded,
          UserConnection: embedded,
          UserEdge: embedded,
          UserError: embedded,
          WorkerInfo: embedded,
        },
        updates: {
          Mutation: {
            installTool: (_result, _args, cache) => invalidateList(cache, "tools"),
            uninstallTool: (result, _args, cache) => {
              const tool = (result.uninstallTool as { tool?: { id: string } | null })?.tool;
              if (tool) cache.invalidate({ __typename: "Tool", id: tool.id });
              invalidateList(cache, "tools");
            },
            createUser: (_result, _args, cache) => invalidateList(cache, "users"),
          },
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return {
            subscribe(sink) {
              const unsubscribe = liveClient.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
