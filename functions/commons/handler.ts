/**
 * The one middy chain every function uses: Lambda context in logs, X-Ray capture, EMF flush.
 * Handlers stay adapters: parse the event, call logic with module-scope clients, return.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './powertools/logger.js';
import { metrics } from './powertools/metrics.js';
import { tracer } from './powertools/tracer.js';

export function lambdaHandler<TResult>(run: (event: unknown, context: Context) => Promise<TResult>) {
  return middy(run)
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}
