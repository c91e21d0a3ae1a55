export { EXACT_SUM_TAG, ExactSum } from './ExactSum.ts';
export { SketchError } from './errors.ts';
export { HLL_DENSE_TAG, HLL_SPARSE_TAG, HyperLogLog } from './HyperLogLog.ts';
export { HASH_SEED_1, HASH_SEED_2, hashString } from './hash.ts';
export { QUANTILE_SKETCH_MAX_BINS, QUANTILE_SKETCH_TAG, QuantileSketch } from './QuantileSketch.ts';
export { type HeavyHitter, TOP_K_TAG, TopK } from './TopK.ts';
