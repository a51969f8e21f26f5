// Who is signed in, and what their role lets them do: pages hide every control that would fail.
import { createContext, useContext } from "react";

export type Role = "ADMIN" | "MAINTAINER" | "VIEWER";

export interface Viewer {
  id: string;
  username: string;
  role: Role;
}

export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error("useViewer outside a signed-in page");
  return viewer;
}

/** Maintainers and admins operate tools; viewers only read. */
export function canOperate(viewer: Viewer): boolean {
  return viewer.role === "ADMIN" || viewer.role === "MAINTAINER";
}

export function isAdmin(viewer: Viewer): boolean {
  return viewer.role === "ADMIN";
}
