// Two accessibility faults in third-party markup, repaired in place. React owns these nodes, so
// only attributes are changed, and again whenever the libraries re-render them.
// - GraphiQL renders its operation tabs as <li role="tab"> elements that each contain buttons
//   (select, close), which assistive technology cannot use: a tab may not hold other controls
//   (axe: nested-interactive). They are re-stated as what they are, a list of buttons where
//   the active one has aria-current (GraphiQL keeps re-setting aria-selected when tabs change).
// - The explorer plugin's "Add new [query|mutation|subscription] +" select has no label.

function restateOperationTabs(root: ParentNode): void {
  for (const list of root.querySelectorAll('ul.graphiql-tabs[role="tablist"]')) {
    list.removeAttribute("role");
  }
  for (const tab of root.querySelectorAll("li.graphiql-tab")) {
    if (tab.hasAttribute("role")) tab.removeAttribute("role");
    if (tab.hasAttribute("aria-selected")) tab.removeAttribute("aria-selected");
    const button = tab.querySelector(".graphiql-tab-button");
    if (!button) continue;
    const active = tab.classList.contains("graphiql-tab-active");
    if (active && button.getAttribute("aria-current") !== "true") {
      button.setAttribute("aria-current", "true");
    } else if (!active && button.hasAttribute("aria-current")) {
      button.removeAttribute("aria-current");
    }
  }
}

function labelExplorerControls(root: ParentNode): void {
  for (const select of root.querySelectorAll(".graphiql-explorer-root form select")) {
    if (!select.hasAttribute("aria-label")) select.setAttribute("aria-label", "Kind of operation to add");
  }
}

/** Keep the GraphiQL markup inside `root` accessible; returns the function that stops it. */
export function keepGraphiQLAccessible(root: HTMLElement): () => void {
  const repair = () => {
    restateOperationTabs(root);
    labelExplorerControls(root);
  };
  repair();
  const observer = new MutationObserver(repair);
  observer.observe(root, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["role", "aria-selected", "class"],
  });
  return () => observer.disconnect();
}
