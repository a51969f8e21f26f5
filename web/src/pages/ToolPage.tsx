import { ToolDetail } from "../tool-detail/ToolDetail";

/** The route's name segment, as typed in the address bar or built with encodeURIComponent. */
function decodeName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a stray "%": take it as it is
  }
}

export function ToolPage({ name }: { name: string }) {
  const decoded = decodeName(name);
  // A new tool is a new page: nothing (a draft, a dialog) carries over from the last one.
  return <ToolDetail key={decoded} name={decoded} />;
}
