import type { Role } from "../gql/graphql";

/** Every role, least privileged first. */
export const ROLES: readonly Role[] = ["VIEWER", "MAINTAINER", "ADMIN"];

export const ROLES_HINT =
  "VIEWER reads; MAINTAINER also installs and operates tools; ADMIN also manages users.";
