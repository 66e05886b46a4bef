/** Break-glass accounts: sealed, time-limited, every use an alert and a ledger entry. */
export {
  admitBreakGlass,
  BREAK_GLASS_DEFAULT_TTL_S,
  BREAK_GLASS_MAX_TTL_S,
  type BreakGlassView,
  breakGlassSecret,
  createBreakGlass,
  getBreakGlass,
  isBreakGlassPrincipal,
  listBreakGlass,
  revokeBreakGlass,
} from './break-glass.ts';
