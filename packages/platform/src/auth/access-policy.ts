// Owns role-based authorization: each app declares its roles, what each may do, and which roles a
// person may pick at sign-up (never an administrative one). Route guards ask `can(role,
// permission)`; ownership of a specific record is checked by the service that loads it.
export interface AccessPolicy<Role extends string = string> {
  roles: readonly Role[];
  signupRoles: readonly Role[];
  can(role: string, permission: string): boolean;
  permissionsOf(role: string): readonly string[];
}

/** `'*'` grants every permission; `'area:*'` every permission of that area. */
export function defineAccessPolicy<Role extends string>(definition: {
  grants: Record<Role, readonly string[]>;
  signupRoles: readonly NoInfer<Role>[];
}): AccessPolicy<Role> {
  const roles = Object.keys(definition.grants) as Role[];
  for (const role of definition.signupRoles) {
    if (!roles.includes(role)) throw new Error(`sign-up role "${role}" is not a declared role`);
  }
  const grants = new Map<string, readonly string[]>(Object.entries(definition.grants));
  return {
    roles,
    signupRoles: definition.signupRoles,
    can(role, permission) {
      const granted = grants.get(role);
      if (!granted) return false;
      const area = permission.split(':')[0];
      return granted.some((grant) => grant === '*' || grant === permission || grant === `${area}:*`);
    },
    permissionsOf: (role) => grants.get(role) ?? [],
  };
}
