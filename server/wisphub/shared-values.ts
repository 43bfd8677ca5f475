/**
 * One copy of each repeated value within one collection load. Thousands of clients share a plan,
 * a zone, a router, a technician, a city and a billing status; parsed from JSON, each client
 * carries its own copy of every one. Mapped clients are immutable, so they may share them.
 * One instance per load: it is dropped with the load, never grows across loads.
 */
export class SharedValues {
  private readonly texts = new Map<string, string>();
  private readonly objects = new Map<string, object>();

  /** The first copy of an equal string seen in this load. */
  text<T extends string | null>(value: T): T {
    if (value === null) return value;
    const known = this.texts.get(value);
    if (known !== undefined) return known as T;
    this.texts.set(value, value);
    return value;
  }

  /** The object made for `key` the first time it was asked for in this load. */
  object<T extends object>(key: string, make: () => T): T {
    let known = this.objects.get(key) as T | undefined;
    if (known === undefined) {
      known = make();
      this.objects.set(key, known);
    }
    return known;
  }
}
