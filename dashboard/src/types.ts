import type { z } from 'zod';
import type {
  decision,
  errorBody,
  gapEpisode,
  killSwitch,
  orchestrationStatus,
  override,
  planRow,
  restoreResult,
  runRow,
  segmentList,
  segmentOverview,
  startedRun,
  statsRow,
} from '../../shared/api/schemas.ts';

/** The API's response shapes, from its own schemas (type-only: the page does not carry zod). */
export type Segment = z.infer<typeof segmentOverview>;
export type SegmentList = z.infer<typeof segmentList>;
export type Stats = z.infer<typeof statsRow>;
export type Plan = z.infer<typeof planRow>;
export type Decision = z.infer<typeof decision>;
export type Override = z.infer<typeof override>;
export type Status = z.infer<typeof orchestrationStatus>;
export type Run = z.infer<typeof runRow>;
export type KillSwitch = z.infer<typeof killSwitch>;
export type ErrorBody = z.infer<typeof errorBody>;
export type GapEpisode = z.infer<typeof gapEpisode>;
export type StartedRun = z.infer<typeof startedRun>;
export type RestoreResult = z.infer<typeof restoreResult>;
