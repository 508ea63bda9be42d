/** How a failed upcast or downcast step is described: what it threw, or that it returned no object. */
export function stepFailure(thrown: unknown): string {
  if (thrown === undefined) return 'did not return a plain object';
  return `threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
}
