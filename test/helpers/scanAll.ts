/** Every item of a table (consistent scan, all pages); the product's own helpers, named for the tests. */
export { scanResults, scanTable as scanAll } from '../../shared/storage/scanTable.ts';
