/** Authorization as data: roles, conditions (Cedar), the authorizer and its HTTP API. */
export { Authorizer, authorizerFor, type EffectiveAccess, type RequestFacts } from './authorizer.ts';
export {
  type CedarRequestContext,
  evaluateConditions,
  type PreparedConditions,
  prepareConditions,
  requestContext,
  type Verdict,
} from './cedar-engine.ts';
export {
  type CompiledConditions,
  type Condition,
  compileConditions,
  conditionSchema,
  conditionToCedar,
  parseConditions,
} from './conditions.ts';
export { type ConditionSetView, currentConditions, setConditions } from './conditions-store.ts';
export { type AuthorizedPrincipal, grantedPrincipal } from './principals.ts';
export {
  checkCustomRole,
  createRole,
  getRole,
  listRoles,
  type RoleView,
  rolePermissionMap,
} from './role-store.ts';
export { authzRoutes, grantSchema, roleSchema } from './routes.ts';
export { authzDb } from './tables.ts';
