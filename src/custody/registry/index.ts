export { analyzeForWallet, jsonSafe } from './analyze-registered.ts';
export {
  type ActivePolicy,
  activePolicy,
  evaluateWithActivePolicy,
  policyHook,
  setPolicy,
} from './policies.ts';
export {
  importScreeningList,
  parseAddressList,
  provideScreening,
  type ScreeningImport,
  type ScreeningService,
  screenedAddresses,
  screeningFor,
} from './screening.ts';
export { getWallet, listWallets, registerWallet, walletToJson } from './wallets.ts';
