/**
 * The one handler shape every function uses. `stepHandler` reads the settings once, and per
 * invocation parses the event, resolves the hub and its members from the function's own ARN, and
 * hands the step's logic its clients (as each owner, per account and region), a logger and metrics;
 * a handler file says only what is particular to its step. Under it, the one middy chain: Lambda
 * context in logs, EMF flush. Tracing is Lambda's own X-Ray active tracing (set by the construct),
 * not the Powertools Tracer: its X-Ray SDK adds ~125 KB and ~20 ms of cold start to every bundle
 * (BENCHMARKS.md), for SDK sub-segments only.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type Accounts, accountsOf, type Ec2For, ec2Clients, homeRegion, type Place } from './aws-clients.js';
import { logger } from './powertools/logger.js';
import { metrics } from './powertools/metrics.js';
import { readSettings, type Settings } from './settings.js';

/** What a step's logic gets besides its parsed input. */
export interface Step {
  readonly context: Context;
  readonly settings: Settings;
  /** The hub (from the function's ARN), its members and the role that reaches them. */
  readonly accounts: Accounts;
  /** The hub's own place: its account, the home region. */
  readonly home: Place;
  /**
   * EC2 clients acting as a place's owner (the member role's session names the peering). A step
   * that needs another service makes its own from `accounts` (Verify: SSM), so no other step's
   * bundle carries that client.
   */
  readonly ec2For: Ec2For;
  /** The member-role session name of this invocation (the peering id). */
  readonly session: string;
  /** A structured log line. */
  log(message: string, extra?: Record<string, unknown>): void;
  /** Adds `value` to a Count metric of this invocation. */
  count(metric: string, value: number): void;
  /** A dimension on this invocation's metrics (low cardinality: a decision, an outcome, a status). */
  dimension(name: string, value: string): void;
}

export interface StepHandlerSpec<Input, Result> {
  /** The event as the step's input; a malformed one throws InputValidationError naming the field. */
  readonly parse: (event: unknown) => Input;
  /** The member-role session name for this input (the peering id). */
  readonly session: (input: Input) => string;
  readonly run: (input: Input, step: Step) => Promise<Result>;
}

/** A Lambda handler for one step: parse, give the logic its clients, run it, flush logs and metrics. */
export function stepHandler<Input, Result>(spec: StepHandlerSpec<Input, Result>) {
  const settings = readSettings();
  return lambdaHandler(async (event, context) => {
    const input = spec.parse(event);
    const session = spec.session(input);
    // Resolved on first use: a step that answers from its input alone (the starter dropping a
    // malformed event) needs no account, and never fails on one.
    let accounts: Accounts | undefined;
    const accountsNow = () => {
      accounts ??= accountsOf(context.invokedFunctionArn, settings);
      return accounts;
    };
    let ec2For: Ec2For | undefined;
    return spec.run(input, {
      context,
      settings,
      session,
      get accounts() {
        return accountsNow();
      },
      get home() {
        return { ownerId: accountsNow().hub, region: homeRegion() };
      },
      get ec2For() {
        ec2For ??= ec2Clients(accountsNow(), session);
        return ec2For;
      },
      log: (message, extra) => logger.info(message, { ...extra }),
      count: (metric, value) => metrics.addMetric(metric, MetricUnit.Count, value),
      dimension: (name, value) => metrics.addDimension(name, value),
    });
  });
}

/** The middy chain under every handler. */
export function lambdaHandler<TResult>(run: (event: unknown, context: Context) => Promise<TResult>) {
  return middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}
