import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { createLfiApp } from '../../../infra/lfi-app.ts';

// cdk-nag runs as a synth-time validation plugin: a finding not acknowledged with a reason fails synth.
describe('cdk-nag AwsSolutions checks', () => {
  let outdir = '';
  const synthDir = () => {
    outdir = mkdtempSync(join(tmpdir(), 'lfi-nag-'));
    return outdir;
  };
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  it('pass for the stack, every accepted finding being acknowledged', () => {
    const { app } = createLfiApp({ context: { 'aws:cdk:bundling-stacks': [] }, outdir: synthDir() });

    expect(() => app.synth()).not.toThrow();

    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    expect(
      report.pluginReports.filter((plugin: { conclusion: string }) => plugin.conclusion !== 'success'),
    ).toEqual([]);
  }, 90_000);

  it('fail the synth on a finding nobody acknowledged', () => {
    // Proves the checks really run: a topic that accepts plain HTTP is AwsSolutions-SNS3.
    const { app, stack } = createLfiApp({ context: { 'aws:cdk:bundling-stacks': [] }, outdir: synthDir() });
    new Topic(stack, 'PlainHttpTopic');

    expect(() => app.synth()).toThrow(/LeadFlowIntelligence\/PlainHttpTopic[\s\S]*AwsSolutions-SNS3/);
  }, 90_000);
});
