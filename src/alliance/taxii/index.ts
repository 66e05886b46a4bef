/** TAXII 2.1: server (routes, store, filters, paging), TLP 2.0 sharing rules, and the client. */
export * from './caller.ts';
export * from './client/index.ts';
export * from './filters.ts';
export * from './media.ts';
export * from './objects.ts';
export * from './paging.ts';
export { type TaxiiObserver, type TaxiiRouteOptions, taxiiRoutes } from './routes.ts';
export * from './store.ts';
export * from './timestamps.ts';
export * from './tlp.ts';
export * from './validator.ts';
