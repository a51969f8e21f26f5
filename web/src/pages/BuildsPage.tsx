// Placeholder: being written.
export function BuildsPage() {
  return <h1>Builds</h1>;
}
