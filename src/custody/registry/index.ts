export { analyzeForWallet, jsonSafe } from './analyze-registered.ts';
export {
  importScreeningList,
  parseAddressList,
  type ScreeningImport,
  screenedAddresses,
} from './screening.ts';
export { getWallet, listWallets, registerWallet, walletToJson } from './wallets.ts';
