import type { Logger } from '../runtime/logger.ts';
import { type AlertChannel, alertText } from './alerts.port.ts';

/** Locally an alert is a log line (a warning, so a quiet CLI still shows it where it logs). */
export function logAlertChannel(logger: Logger): AlertChannel {
  return {
    name: 'log',
    async publish(alert) {
      logger.warn(`alert: ${alert.subject}`, { alert: { ...alert, text: alertText(alert) } });
    },
  };
}

/** For a terminal (`lfi run` logs nothing): the alert as a short block on stderr. */
export function consoleAlertChannel(
  write: (text: string) => void = (text) => process.stderr.write(text),
): AlertChannel {
  return {
    name: 'log',
    async publish(alert) {
      write(`ALERT ${alert.subject}\n  ${alert.explanation}\n  ${alert.link}\n`);
    },
  };
}
