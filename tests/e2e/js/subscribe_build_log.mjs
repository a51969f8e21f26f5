// Follows one build's log with the official `graphql-ws` client, as a third-party dashboard would.
//
//   node subscribe_build_log.mjs <ws-url> <token> <buildId> [afterSeq=0] [hangGuardSeconds=60]
//
// Prints every `buildLog` chunk as one JSON line on stdout. Exits 0 once the server completes
// the subscription; otherwise writes the reason on stderr and exits 1 (error, or the socket
// closed first), 2 (bad arguments) or 3 (nothing ended it within the hang guard).
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const BUILD_LOG = `
subscription ($buildId: ID!, $afterSeq: Int!) {
  buildLog(buildId: $buildId, afterSeq: $afterSeq) {
    lines { seq stream timestamp text }
    lastSeq
    done
    build { id status }
  }
}`;

function fail(code, message) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

// A close event, a list of GraphQL errors or an Error: whatever the client reports, readably.
function describe(error) {
  if (Array.isArray(error)) return `GraphQL errors: ${JSON.stringify(error)}`;
  if (error && typeof error.code === "number" && "reason" in error) {
    return `socket closed before completion: code ${error.code} reason ${JSON.stringify(error.reason)}`;
  }
  if (error instanceof Error) return error.stack || error.message;
  // `ws` reports a failed connection as an ErrorEvent, which is not an Error.
  return error && error.message ? `socket error: ${error.message}` : String(error);
}

const [url, token, buildId, afterSeqArg = "0", guardArg = "60"] = process.argv.slice(2);
const afterSeq = Number.parseInt(afterSeqArg, 10);
const guardSeconds = Number.parseFloat(guardArg);
if (!url || !token || !buildId || !Number.isInteger(afterSeq) || !(guardSeconds > 0)) {
  fail(2, "usage: subscribe_build_log.mjs <ws-url> <token> <buildId> [afterSeq] [hangGuardSeconds]");
}

// Only a hang guard: the test decides what a correct stream is, never how fast it arrives.
const guard = setTimeout(
  () => fail(3, `no completion within ${guardSeconds} s`),
  guardSeconds * 1000,
);

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
  // One attempt: a dropped socket must fail the run, not be papered over by a reconnect.
  retryAttempts: 0,
});

client.subscribe(
  { query: BUILD_LOG, variables: { buildId, afterSeq } },
  {
    next(result) {
      if (result.errors) fail(1, `GraphQL errors in a result: ${JSON.stringify(result.errors)}`);
      process.stdout.write(`${JSON.stringify(result.data.buildLog)}\n`);
    },
    error(error) {
      fail(1, describe(error));
    },
    async complete() {
      clearTimeout(guard);
      await client.dispose();
      process.exit(0);
    },
  },
);
