/**
 * The security alliance: STIX 2.1 objects and validation, the screening set and its imports
 * (issue 7, H6); TAXII 2.1 server and client, sharing rules, members and incidents (H7).
 */
export * from './import/index.ts';
export * from './incidents/index.ts';
export * from './members/index.ts';
export * from './screening/index.ts';
export * from './stix/index.ts';
export {
  Follower,
  type FollowSpec,
  TAXII_MEDIA_TYPE,
  type TaxiiAuth,
  TaxiiClient,
  taxiiRoutes,
} from './taxii/index.ts';
