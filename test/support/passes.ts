/**
 * The suite runs twice, on SQLite and then on PostgreSQL (scripts/test.mjs). Tests that never touch
 * the shared store (pure logic, vectors, processes with their own embedded store, browser pages that
 * need no server data) pass `storeIndependent` as their options so they run on the SQLite pass only:
 * the PostgreSQL pass would repeat them byte for byte.
 *   describe('FROST vectors', storeIndependent, () => { … })
 */
export const storeIndependent: { skip?: string } =
  process.env.RAMPART_TEST_DB === 'postgres' ? { skip: 'store-independent: runs on the SQLite pass' } : {};
