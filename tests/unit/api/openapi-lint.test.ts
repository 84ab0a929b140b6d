import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../shared/api/openapi.ts';

/** The OpenAPI document as Redocly's `recommended` ruleset judges it: no error, no warning. */
describe('the OpenAPI document', () => {
  it("passes Redocly's recommended lint without errors or warnings", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(openApiDocument()),
      absoluteRef: 'openapi.json',
      config,
    });
    const found = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(found).toEqual([]);
  }, 30_000);
});
