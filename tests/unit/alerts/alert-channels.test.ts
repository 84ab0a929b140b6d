import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleAlertChannel, logAlertChannel } from '../../../shared/alerts/log-alerts.adapter.ts';
import { snsAlertChannel } from '../../../shared/alerts/sns-alerts.adapter.ts';
import { TransientError } from '../../../shared/runtime/errors.ts';
import { jsonLogger } from '../../../shared/runtime/logger.ts';

const topicArn = 'arn:aws:sns:eu-west-1:123456789012:LeadFlowIntelligence-AlertsTopic';
const alert = {
  kind: 'gap_episode',
  subject: 'LFI gap alert: schilder-utrecht since 2026-11-22',
  explanation:
    'schilder-utrecht: too few leads, gap +40.0% (…) beyond ±30% for 3 days in a row since 2026-11-20.',
  link: 'https://lfi.example.com/#/segment/11111111-1111-4111-8111-111111111111',
} as const;

describe('the SNS alert channel', () => {
  const sns = mockClient(SNSClient);
  afterEach(() => sns.reset());

  it('publishes one message to the topic: the subject, the explanation and the link, the kind as an attribute', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await snsAlertChannel(topicArn, new SNSClient({ region: 'eu-west-1' })).publish(alert);
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([
      {
        TopicArn: topicArn,
        Subject: alert.subject,
        Message: `${alert.explanation}\n${alert.link}`,
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'gap_episode' } },
      },
    ]);
  });

  it('cuts a subject to SNS’s 100 characters', async () => {
    sns.on(PublishCommand).resolves({});
    await snsAlertChannel(topicArn, new SNSClient({ region: 'eu-west-1' })).publish({
      ...alert,
      subject: 'x'.repeat(140),
    });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toHaveLength(100);
  });

  it('throws a TransientError naming the alert when SNS refuses, keeping the cause', async () => {
    const refusal = Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    sns.on(PublishCommand).rejects(refusal);
    const failure = await snsAlertChannel(topicArn, new SNSClient({ region: 'eu-west-1' }))
      .publish(alert)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).message).toBe(`The alert "${alert.subject}" could not be published to SNS.`);
    expect((failure as Error).cause).toBe(refusal);
  });
});

describe('the local alert channels', () => {
  it('print the alert on the console as subject, explanation and link', async () => {
    const written: string[] = [];
    await consoleAlertChannel((text) => written.push(text)).publish(alert);
    expect(written).toEqual([`ALERT ${alert.subject}\n  ${alert.explanation}\n  ${alert.link}\n`]);
  });

  it('log the alert as a warning with its text', async () => {
    const lines: string[] = [];
    await logAlertChannel(jsonLogger('lfi', { write: (line) => lines.push(line) })).publish(alert);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: `alert: ${alert.subject}`,
        alert: { ...alert, text: `${alert.explanation}\n${alert.link}` },
      }),
    ]);
  });
});
