export { bucketedStrategy, runBucketed } from './strategy.js';
export { buildBuckets, mismatchMatrix, DEFAULT_BUCKETING } from './buckets.js';
export type { Bucket, BucketKind, Bucketing, BucketingSettings } from './buckets.js';
