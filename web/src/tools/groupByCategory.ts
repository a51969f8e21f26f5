import type { ToolsPageCardFragment } from "../gql/graphql";

export const OTHER_CATEGORY = "other";

export interface CategoryGroup {
  category: string;
  tools: ToolsPageCardFragment[];
}

/** Categories in alphabetical order with "other" (and tools without one) last; tools by name. */
export function groupByCategory(tools: readonly ToolsPageCardFragment[]): CategoryGroup[] {
  const groups = new Map<string, ToolsPageCardFragment[]>();
  for (const tool of tools) {
    const category = tool.category || OTHER_CATEGORY;
    const group = groups.get(category);
    if (group) group.push(tool);
    else groups.set(category, [tool]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareCategories(a, b))
    .map(([category, members]) => ({
      category,
      tools: [...members].sort((a, b) => a.name.localeCompare(b.name)),
    }));
}

export function compareCategories(a: string, b: string): number {
  if (a === b) return 0;
  if (a === OTHER_CATEGORY) return 1;
  if (b === OTHER_CATEGORY) return -1;
  return a.localeCompare(b);
}
