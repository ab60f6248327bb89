/**
 * The one middy chain every function uses: Lambda context in logs, EMF flush. Tracing is Lambda's
 * own X-Ray active tracing (set by the construct), not the Powertools Tracer: its X-Ray SDK adds
 * ~125 KB and ~20 ms of cold start to every bundle (BENCHMARKS.md), for SDK sub-segments only.
 * Handlers stay adapters: parse the event, call logic with module-scope clients, return.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './powertools/logger.js';
import { metrics } from './powertools/metrics.js';

export function lambdaHandler<TResult>(run: (event: unknown, context: Context) => Promise<TResult>) {
  return middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}
