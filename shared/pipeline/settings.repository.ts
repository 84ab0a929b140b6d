import { z } from 'zod';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';
import { type ControllerSettings, controllerSettingsSchema } from '../domain/budget-controller.ts';
import { type GuardrailSettings, guardrailSettingsSchema } from '../domain/guardrails.ts';
import { InputError } from '../runtime/errors.ts';

/**
 * The run-time settings admins change, as `lfi_settings_get` returns them: the kill switch, the
 * guardrails and the controller (`lfi_settings` keys `kill_switch`, `guardrails`, `controller`).
 * A malformed document fails the step with a sentence naming the key and the field.
 */
const storedSchema = z.object({
  kill_switch: z.object({ enabled: z.boolean() }).default({ enabled: false }),
  guardrails: z.record(z.string(), z.unknown()).default({}),
  controller: z.record(z.string(), z.unknown()).default({}),
});

const settingsGet = sqlFunction('lfi_settings_get', {}, storedSchema);

export interface RunSettings {
  readonly guardrails: GuardrailSettings;
  readonly controller: ControllerSettings;
}

export async function loadRunSettings(db: Database): Promise<RunSettings> {
  const stored = await settingsGet.call(db, {});
  return {
    guardrails: parsed('guardrails', guardrailSettingsSchema, {
      ...stored.guardrails,
      killSwitch: stored.kill_switch.enabled,
    }),
    controller: parsed('controller', controllerSettingsSchema, stored.controller),
  };
}

export async function loadControllerSettings(db: Database): Promise<ControllerSettings> {
  return (await loadRunSettings(db)).controller;
}

function parsed<T>(key: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || key} ${issue.message}`);
  throw new InputError(`lfi_settings.${key} is invalid: ${problems.join('; ')}.`);
}
