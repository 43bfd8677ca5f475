/**
 * The `k` smallest of `count` numeric keys, ascending. A page of 20 out of 20,000 hits keeps a
 * bounded max-heap of 20 (one comparison for most keys) instead of sorting all of them; when the
 * page reaches deep into the hits a full sort is cheaper and is used instead. `keys` may be reordered.
 */
export function smallestKeys(keys: Float64Array, count: number, k: number): Float64Array {
  const wanted = Math.min(k, count);
  if (wanted <= 0) return new Float64Array(0);
  if (wanted * 8 >= count) return keys.subarray(0, count).sort().subarray(0, wanted);
  const heap = new Float64Array(wanted);
  let size = 0;
  for (let index = 0; index < count; index++) {
    const key = keys[index]!;
    if (size < wanted) {
      // Sift up: the largest kept key stays at the root.
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (heap[parent]! >= key) break;
        heap[at] = heap[parent]!;
        at = parent;
      }
      heap[at] = key;
    } else if (key < heap[0]!) {
      // Replace the root and sift down.
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        if (left >= wanted) break;
        const right = left + 1;
        const larger = right < wanted && heap[right]! > heap[left]! ? right : left;
        if (heap[larger]! <= key) break;
        heap[at] = heap[larger]!;
        at = larger;
      }
      heap[at] = key;
    }
  }
  return heap.sort();
}
