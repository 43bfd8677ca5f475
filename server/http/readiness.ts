/** What `/ready` answers: ready or not, and the body that says why (the console reads it too). */
export interface Readiness {
  ready: boolean;
  body: Record<string, unknown>;
}
