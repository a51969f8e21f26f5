// Who GraphiQL's requests run as, for the header ("Signed in as admin (ADMIN)").
import { stringifyDocument } from "@urql/core";
import { useEffect, useState } from "react";
import { graphql } from "../gql";
import type { GraphiQlViewerQuery } from "../gql/graphql";
import { authorizedFetch } from "./authorizedFetch";

const GraphiQLViewerDocument = graphql(`
  query GraphiQLViewer {
    viewer { id username role }
  }
`);

export type ViewerSummary = NonNullable<GraphiQlViewerQuery["viewer"]>;

export function useViewerSummary(): ViewerSummary | null {
  const [viewer, setViewer] = useState<ViewerSummary | null>(null);
  useEffect(() => {
    let live = true;
    authorizedFetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: stringifyDocument(GraphiQLViewerDocument) }),
    })
      .then((response) => response.json() as Promise<{ data?: GraphiQlViewerQuery }>)
      .then((body) => {
        if (live) setViewer(body.data?.viewer ?? null);
      })
      .catch(() => {
        // The header just shows no name; GraphiQL itself reports connection problems.
      });
    return () => {
      live = false;
    };
  }, []);
  return viewer;
}
