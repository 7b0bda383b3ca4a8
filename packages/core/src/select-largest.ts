/**
 * Reorders `a` so its k largest values stand first (in no particular order) and returns the k-th
 * largest (1 ≤ k ≤ a.length): quickselect with Hoare partitions around the middle element,
 * O(n) expected. Shared by the greedy allocator's CVaR and execution's share rounding.
 */
export function selectLargest(a: number[] | Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1; // index in descending order
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const tmp = a[i]!;
        a[i] = a[j]!;
        a[j] = tmp;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break; // a[j + 1 .. i − 1] all equal the pivot, target among them
  }
  return a[target]!;
}
