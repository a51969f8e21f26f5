// GraphiQL itself, with the explorer plugin (build a query by ticking fields).
import { explorerPlugin } from "@graphiql/plugin-explorer";
import { GraphiQL } from "graphiql";
import { DEFAULT_QUERY } from "./defaultQuery";
import { fetcher } from "./fetcher";

// Created once: GraphiQL matches plugins by identity.
const plugins = [explorerPlugin()];

export function Explorer() {
  return <GraphiQL fetcher={fetcher} plugins={plugins} defaultQuery={DEFAULT_QUERY} />;
}
