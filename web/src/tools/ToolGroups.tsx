import type { ToolsPageCardFragment } from "../gql/graphql";
import { groupByCategory } from "./groupByCategory";
import { ToolCard } from "./ToolCard";

/** The cards under one heading per category. */
export function ToolGroups({ tools }: { tools: readonly ToolsPageCardFragment[] }) {
  return (
    <>
      {groupByCategory(tools).map(({ category, tools: members }) => {
        const headingId = `tools-category-${category.replace(/[^a-z0-9-]/gi, "_")}`;
        return (
          <section key={category} className="tools-group" aria-labelledby={headingId}>
            <h2 id={headingId}>{category}</h2>
            <div className="grid">
              {members.map((tool) => (
                <ToolCard key={tool.id} tool={tool} />
              ))}
            </div>
          </section>
        );
      })}
    </>
  );
}
