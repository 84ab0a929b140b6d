/**
 * The alerts port: where an on-call alert goes. In AWS the SNS topic (its subscribers: email, a
 * chat hook); locally the log. One alert is one line to read and a link to act on.
 */
export interface Alert {
  /** What kind of alert, so a subscriber can filter (an SNS message attribute). */
  readonly kind: 'gap_episode' | 'missing_run';
  /** At most 100 characters (SNS's limit for email subjects). */
  readonly subject: string;
  /** The one-line explanation. */
  readonly explanation: string;
  /** Where to look: the segment (or the night's page) in the dashboard. */
  readonly link: string;
}

export interface AlertChannel {
  readonly name: 'sns' | 'log';
  publish(alert: Alert): Promise<void>;
}

/** The alert as one plain-text message (an email body, a log line). */
export const alertText = (alert: Alert): string => `${alert.explanation}\n${alert.link}`;
