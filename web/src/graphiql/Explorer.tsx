// GraphiQL itself, with the explorer plugin (build a query by ticking fields).
import { explorerPlugin } from "@graphiql/plugin-explorer";
import { GraphiQL } from "graphiql";
import { useEffect, useRef } from "react";
import { DEFAULT_QUERY } from "./defaultQuery";
import { fetcher } from "./fetcher";
import { keepGraphiQLAccessible } from "./accessibilityPatches";

// Created once: GraphiQL matches plugins by identity.
const plugins = [explorerPlugin()];

export function Explorer() {
  const frame = useRef<HTMLDivElement>(null);
  useEffect(() => (frame.current ? keepGraphiQLAccessible(frame.current) : undefined), []);
  return (
    <div className="graphiql-page-editor" ref={frame}>
      {/* Tabs live for the browser tab only: a document may hold a password or a token. */}
      <GraphiQL
        fetcher={fetcher}
        plugins={plugins}
        defaultQuery={DEFAULT_QUERY}
        storage={window.sessionStorage}
      >
        {/* GraphiQL's own logo links to GitHub; this page stays on this server. */}
        <GraphiQL.Logo>
          <span className="graphiql-page-logo">MACHETE API</span>
        </GraphiQL.Logo>
      </GraphiQL>
    </div>
  );
}
