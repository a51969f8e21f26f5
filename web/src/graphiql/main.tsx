// GraphiQL's own entry (graphiql.html), bundled apart from the dashboard: Monaco and its workers
// are loaded only here, and everything comes from this server (the page's CSP allows nothing else).
// Monaco's workers (editor, JSON, GraphQL) as Vite worker chunks; must run before Monaco starts.
import "graphiql/setup-workers/vite";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "graphiql/style.css";
import "@graphiql/plugin-explorer/style.css";
import { GraphiQLPage } from "./GraphiQLPage";
import "./graphiql.css";

createRoot(document.getElementById("graphiql") as HTMLElement).render(
  <StrictMode>
    <GraphiQLPage />
  </StrictMode>,
);
