import { Link, useLocation } from "wouter";

/** Any path the dashboard has no page for. */
export function NotFoundPage() {
  const [path] = useLocation();
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no page at <code className="admin-path">{path}</code>.
      </p>
      <p>
        <Link href="/">Back to the tools</Link>
      </p>
    </>
  );
}
