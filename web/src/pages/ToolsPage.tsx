import { ToolsList } from "../tools/ToolsList";

/** `/`: every installed tool as a card, by category, with live status and health. */
export function ToolsPage() {
  return (
    <>
      <h1>Tools</h1>
      <ToolsList />
    </>
  );
}
