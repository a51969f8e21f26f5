// Two pages from one build: the dashboard (index.html) and GraphiQL (graphiql.html), each with
// its own bundle, so GraphiQL's editor is loaded only on its own page.
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: resolve(import.meta.dirname, "../graph/web/dist"),
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, "index.html"),
        graphiql: resolve(import.meta.dirname, "graphiql.html"),
      },
    },
  },
  server: { proxy: { "/graphql": { target: "http://127.0.0.1:8000", ws: true }, "/auth": "http://127.0.0.1:8000" } },
});
