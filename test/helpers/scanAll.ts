/** Every item of a table (consistent scan, all pages); the product's own helper, named for the tests. */
export { scanTable as scanAll } from '../../shared/storage/scanTable.ts';
