export * from './address.ts';
export * from './screen.ts';
export * from './service.ts';
export * from './set.ts';
export * from './table.ts';
