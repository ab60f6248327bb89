/**
 * Counts AWS API calls made through SDK clients (by command name), so tests and the bench can
 * assert "zero writes on a re-run" and count calls per peering.
 */
const READ = /^(Describe|Get|List)/;

/** IAM service prefix of each SDK client we use. */
const SERVICE: Record<string, string> = {
  EC2Client: 'ec2',
  SSMClient: 'ssm',
  SFNClient: 'states',
  SNSClient: 'sns',
  STSClient: 'sts',
};

export class CallRecorder {
  readonly calls: string[] = [];
  /** Each call as `service:Action`, with the function that made it (when `attribute` says). */
  readonly actions: Array<{ readonly by?: string; readonly action: string }> = [];

  /** @param attribute names the function making the current call (e.g. an AsyncLocalStorage). */
  constructor(private readonly attribute: () => string | undefined = () => undefined) {}
  private readonly instrumented = new WeakSet<object>();

  /** Starts recording a client's calls (idempotent per client). */
  watch(client: object): void {
    if (this.instrumented.has(client)) return;
    this.instrumented.add(client);
    (client as { middlewareStack: { add: (m: unknown, o: unknown) => void } }).middlewareStack.add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string; clientName?: string }) =>
        async (args: unknown) => {
          const name = (context.commandName ?? 'Unknown').replace(/Command$/, '');
          this.calls.push(name);
          const by = this.attribute();
          this.actions.push({
            ...(by ? { by } : {}),
            action: `${SERVICE[context.clientName ?? ''] ?? context.clientName}:${name}`,
          });
          return next(args);
        },
      { step: 'initialize', name: 'callRecorder' },
    );
  }

  reset(): void {
    this.calls.length = 0;
    this.actions.length = 0;
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
