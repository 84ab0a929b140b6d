import { describe, expect, it } from 'vitest';
import { jsonLogger } from '../../../shared/runtime/logger.ts';
import { emfMetrics, powertoolsLogger } from '../../../shared/runtime/powertools.ts';
import { captureOutput, jsonLines } from '../../support/capture-output.ts';

describe('Powertools behind the Logger port', () => {
  it('writes one JSON line with the service and the context, the error with its stack, cause and code', async () => {
    const cause = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    const error = Object.assign(new Error('lfi_save_plans failed', { cause }), { code: 'transient' });
    const { lines } = await captureOutput(async () => {
      const logger = powertoolsLogger('lead-flow-intelligence');
      logger.debug('not shown at info');
      logger.error('plan failed', {
        step: 'plan',
        date: '2026-11-24',
        executionId: 'arn:x',
        runId: 'r1',
        error,
      });
    });
    const [entry, ...more] = jsonLines(lines);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      level: 'ERROR',
      message: 'plan failed',
      service: 'lead-flow-intelligence',
      step: 'plan',
      date: '2026-11-24',
      executionId: 'arn:x',
      runId: 'r1',
      error: {
        name: 'Error',
        message: 'lfi_save_plans failed',
        code: 'transient',
        cause: { message: 'terminating connection due to administrator command', code: '57P01' },
      },
    });
    expect((entry?.error as { stack?: string } | undefined)?.stack).toMatch(
      /^Error: lfi_save_plans failed\n\s+at /,
    );
  });
});

describe('correlation keys', () => {
  it('go on every later line of either logger until set to undefined', async () => {
    const local: string[] = [];
    const { lines } = await captureOutput(async () => {
      for (const logger of [
        powertoolsLogger('lfi'),
        jsonLogger('lfi', { write: (line) => local.push(line) }),
      ]) {
        logger.appendKeys({ step: 'orchestrate', date: '2026-11-24', executionId: 'arn:x', runId: 'r1' });
        logger.warn('budget changes failed for an ads account', { segmentId: 's1' });
        logger.appendKeys({ runId: undefined, step: undefined });
        logger.info('lease released');
      }
    });
    for (const [first, second] of [jsonLines(lines), local.map((l) => JSON.parse(l))]) {
      expect(first).toMatchObject({
        step: 'orchestrate',
        date: '2026-11-24',
        executionId: 'arn:x',
        runId: 'r1',
        segmentId: 's1',
      });
      expect(second).toMatchObject({ date: '2026-11-24', executionId: 'arn:x' });
      expect(second).not.toHaveProperty('runId');
      expect(second).not.toHaveProperty('step');
    }
  });
});

describe('Powertools Metrics behind the Metrics port', () => {
  it('prints one EMF document with each metric, its unit and its values, in the LFI namespace', async () => {
    const { lines } = await captureOutput(async () => {
      const metrics = emfMetrics('lead-flow-intelligence');
      metrics.add('SegmentsPlanned', 3);
      for (const gap of [12.5, -40, 0]) metrics.add('GapPercent', gap);
      metrics.publish();
      metrics.publish();
    });
    const documents = jsonLines(lines);
    expect(documents).toHaveLength(1);
    const [emf] = documents as { _aws: { CloudWatchMetrics: unknown[] } }[];
    expect(emf?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'LeadFlowIntelligence',
        Dimensions: [['service']],
        Metrics: [
          { Name: 'SegmentsPlanned', Unit: 'Count' },
          { Name: 'GapPercent', Unit: 'Percent' },
        ],
      },
    ]);
    expect(emf).toMatchObject({
      service: 'lead-flow-intelligence',
      SegmentsPlanned: 3,
      GapPercent: [12.5, -40, 0],
    });
  });

  it('splits a distribution of more than 100 values over several documents, losing none', async () => {
    const { lines } = await captureOutput(async () => {
      const metrics = emfMetrics('lead-flow-intelligence');
      for (let i = 0; i < 250; i++) metrics.add('GapPercent', i);
      metrics.publish();
    });
    const values = jsonLines(lines).map((d) => d.GapPercent as number[]);
    expect(values.map((v) => v.length)).toEqual([100, 100, 50]);
    expect(values.flat()).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });
});

describe('the local JSON logger', () => {
  it('keeps an error’s stack, cause and code as Powertools does', () => {
    const lines: string[] = [];
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    jsonLogger('lfi', { write: (line) => lines.push(line) }).error('orchestrate failed', {
      error: Object.assign(new Error('ads down', { cause }), { code: 'ads_unavailable' }),
    });
    const [entry] = lines.map((line) => JSON.parse(line));
    expect(entry.error).toMatchObject({
      name: 'Error',
      message: 'ads down',
      code: 'ads_unavailable',
      cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' },
    });
    expect(entry.error.stack).toMatch(/^Error: ads down\n/);
    expect(entry.error.cause.stack).toMatch(/^Error: socket hang up\n/);
  });
});
