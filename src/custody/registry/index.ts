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
  type ScreeningImport,
  type ScreeningService,
  screenedAddresses,
  screeningFor,
  useScreening,
} from './screening.ts';
export { getWallet, listWallets, registerWallet, walletToJson } from './wallets.ts';
