/**
 * Counts AWS API calls made through SDK clients (by command name), so tests and the bench can
 * assert "zero writes on a re-run" and count calls per peering.
 */
const READ = /^(Describe|Get|List)/;

export class CallRecorder {
  readonly calls: string[] = [];
  private readonly instrumented = new WeakSet<object>();

  /** Starts recording a client's calls (idempotent per client). */
  watch(client: object): void {
    if (this.instrumented.has(client)) return;
    this.instrumented.add(client);
    (client as { middlewareStack: { add: (m: unknown, o: unknown) => void } }).middlewareStack.add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: unknown) => {
          this.calls.push((context.commandName ?? 'Unknown').replace(/Command$/, ''));
          return next(args);
        },
      { step: 'initialize', name: 'callRecorder' },
    );
  }

  reset(): void {
    this.calls.length = 0;
  }

  get writes(): string[] {
    return this.calls.filter((c) => !READ.test(c));
  }

  get reads(): string[] {
    return this.calls.filter((c) => READ.test(c));
  }

  byApi(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.calls) out[c] = (out[c] ?? 0) + 1;
    return out;
  }
}
