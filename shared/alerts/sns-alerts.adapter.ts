import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { TransientError } from '../runtime/errors.ts';
import { type AlertChannel, alertText } from './alerts.port.ts';

/** The on-call SNS topic; the client is built once per cold start. */
export function snsAlertChannel(topicArn: string, client: SNSClient = new SNSClient({})): AlertChannel {
  return {
    name: 'sns',
    async publish(alert) {
      try {
        await client.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: alert.subject.slice(0, 100),
            Message: alertText(alert),
            MessageAttributes: { kind: { DataType: 'String', StringValue: alert.kind } },
          }),
        );
      } catch (error) {
        throw new TransientError(`The alert "${alert.subject}" could not be published to SNS.`, error);
      }
    },
  };
}
