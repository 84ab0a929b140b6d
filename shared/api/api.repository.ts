import { z } from 'zod';
import { sqlFunction } from '../db/sql-function.ts';

/**
 * The API's SQL functions (`lfi_api_*`), each declared once. They return the response bodies;
 * the route's response schema (shared/api/schemas.ts) validates each, so the result is not
 * parsed twice here.
 */
export const apiFunctions = {
  clearOverride: sqlFunction(
    'lfi_api_clear_override',
    { p_segment_id: 'uuid', p_override_id: 'uuid', p_today: 'date', p_actor: 'jsonb' },
    z.unknown(),
  ),
  createSegment: sqlFunction('lfi_api_create_segment', { p_segment: 'jsonb', p_actor: 'jsonb' }, z.unknown()),
  gapEpisodes: sqlFunction(
    'lfi_api_gap_episodes',
    { p_status: 'text', p_limit: 'integer', p_offset: 'integer' },
    z.unknown(),
  ),
  getSegment: sqlFunction('lfi_api_get_segment', { p_segment_id: 'uuid', p_as_of: 'date' }, z.unknown()),
  killSwitch: sqlFunction('lfi_api_kill_switch', {}, z.unknown()),
  listSegments: sqlFunction(
    'lfi_api_list_segments',
    { p_as_of: 'date', p_limit: 'integer', p_offset: 'integer' },
    z.unknown(),
  ),
  orchestrationStatus: sqlFunction('lfi_api_orchestration_status', { p_limit: 'integer' }, z.unknown()),
  runs: sqlFunction('lfi_api_runs', { p_limit: 'integer', p_offset: 'integer' }, z.unknown()),
  segmentDecisions: sqlFunction(
    'lfi_api_segment_decisions',
    { p_segment_id: 'uuid', p_from: 'date', p_to: 'date', p_limit: 'integer', p_offset: 'integer' },
    z.unknown(),
  ),
  segmentOverrides: sqlFunction(
    'lfi_api_segment_overrides',
    { p_segment_id: 'uuid', p_today: 'date', p_limit: 'integer', p_offset: 'integer' },
    z.unknown(),
  ),
  segmentPlans: sqlFunction(
    'lfi_api_segment_plans',
    { p_segment_id: 'uuid', p_from: 'date', p_to: 'date' },
    z.unknown(),
  ),
  segmentStats: sqlFunction(
    'lfi_api_segment_stats',
    { p_segment_id: 'uuid', p_from: 'date', p_to: 'date' },
    z.unknown(),
  ),
  setKillSwitch: sqlFunction(
    'lfi_api_set_kill_switch',
    { p_enabled: 'boolean', p_reason: 'text', p_actor: 'jsonb' },
    z.unknown(),
  ),
  setOverride: sqlFunction(
    'lfi_api_set_override',
    { p_segment_id: 'uuid', p_override: 'jsonb', p_today: 'date', p_actor: 'jsonb' },
    z.unknown(),
  ),
  setSegmentPaused: sqlFunction(
    'lfi_api_set_segment_paused',
    { p_segment_id: 'uuid', p_paused: 'boolean', p_reason: 'text', p_actor: 'jsonb' },
    z.unknown(),
  ),
};
