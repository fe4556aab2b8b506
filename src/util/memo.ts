/** Values computed once per key, for keys that recur; all dropped once more than `max` keys are held. */
export class Memo<V> {
  private readonly values = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string, compute: () => V): V {
    let v = this.values.get(key);
    if (v === undefined) {
      if (this.values.size >= this.max) this.values.clear();
      v = compute();
      this.values.set(key, v);
    }
    return v;
  }

  clear(): void {
    this.values.clear();
  }
}
